const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** Decodes padded standard base64; undefined when `text` is not exactly that. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  const sextet = (i: number): number => {
    if (i >= text.length - padding) return 0;
    const c = text.charCodeAt(i);
    return c < 128 ? DECODE[c] : -1;
  };
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const a = sextet(i), b = sextet(i + 1), c = sextet(i + 2), d = sextet(i + 3);
    if (a < 0 || b < 0 || c < 0 || d < 0) return undefined;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 0xff;
    if (o < out.length) out[o++] = n & 0xff;
  }
  return out;
}

/** Checks one DER INTEGER of an ECDSA P-256 signature at `at`; returns the offset after it, or a problem. */
function readPositiveInteger(der: Uint8Array, at: number, name: string): number | string {
  if (der[at] !== 0x02) return `${name} is not a DER INTEGER`;
  const len = der[at + 1];
  if (len === undefined || len < 1 || len > 33) return `${name} has length ${len ?? 'missing'}, not 1 to 33 bytes`;
  const start = at + 2;
  if (start + len > der.length) return `${name} runs past the end`;
  const first = der[start];
  if (first & 0x80) return `${name} is negative`;
  if (first === 0 && len > 1 && !(der[start + 1] & 0x80)) return `${name} is not minimally encoded`;
  if (len === 33 && first !== 0) return `${name} is longer than 256 bits`;
  if (der.subarray(start, start + len).every((b) => b === 0)) return `${name} is zero`;
  return start + len;
}

/**
 * Why `der` is not a well-formed DER ECDSA-Sig-Value for P-256 (SEQUENCE { r INTEGER, s INTEGER }, each positive,
 * non-zero, minimally encoded, at most 33 bytes, nothing after it), or undefined when it is. Whether it verifies is
 * the device's job (with ota_pubkey).
 */
export function ecdsaDerSignatureProblem(der: Uint8Array): string | undefined {
  if (der.length < 8 || der.length > 72) return `signature is ${der.length} bytes, not 8 to 72`;
  if (der[0] !== 0x30) return 'signature is not a DER SEQUENCE';
  if (der[1] !== der.length - 2) return 'SEQUENCE length does not match the signature length';
  const afterR = readPositiveInteger(der, 2, 'r');
  if (typeof afterR === 'string') return afterR;
  const afterS = readPositiveInteger(der, afterR, 's');
  if (typeof afterS === 'string') return afterS;
  if (afterS !== der.length) return 'bytes follow s';
  return undefined;
}
