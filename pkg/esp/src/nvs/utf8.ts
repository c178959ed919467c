const encoder = new TextEncoder();

/**
 * UTF-8 bytes of `text` followed by `zeros` NUL bytes. ASCII text (keys, most config values) is copied
 * character by character; anything else goes through TextEncoder (lone surrogates become U+FFFD).
 */
export function utf8Bytes(text: string, zeros = 0): Uint8Array {
  const n = text.length;
  const out = new Uint8Array(n + zeros);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return encodeNonAscii(text, zeros);
    out[i] = c;
  }
  return out;
}

function encodeNonAscii(text: string, zeros: number): Uint8Array {
  const encoded = encoder.encode(text);
  if (zeros === 0) return encoded;
  const out = new Uint8Array(encoded.length + zeros);
  out.set(encoded);
  return out;
}
