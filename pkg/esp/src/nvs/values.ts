import { NvsInputError } from './errors';

/** Parses a decimal integer like Python's `int(text)` (surrounding whitespace, sign, `_` between digits). */
export function parsePythonInt(text: string): bigint | undefined {
  const m = /^\s*([+-]?)(\d+(?:_\d+)*)\s*$/.exec(text);
  if (!m) return undefined;
  const magnitude = BigInt(m[2].replaceAll('_', ''));
  return m[1] === '-' ? -magnitude : magnitude;
}

/** Decodes hex text (whitespace around it is stripped, like the generator's `hex2bin`). */
export function decodeHex2bin(text: string, where: { line?: number; key: string }): Uint8Array {
  const hex = text.trim();
  if (hex.length % 2 !== 0) {
    throw new NvsInputError(`hex2bin value for key "${where.key}" has ${hex.length} hex digits; it needs an even number`, {
      ...where,
      limit: 'an even number of hex digits',
    });
  }
  const bad = /[^0-9a-fA-F]/.exec(hex);
  if (bad) {
    throw new NvsInputError(
      `hex2bin value for key "${where.key}" contains "${bad[0]}" at position ${bad.index + 1}; only hex digits 0-9 a-f A-F are allowed`,
      { ...where, limit: 'hex digits only' },
    );
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Decodes base64 like Python's `binascii.a2b_base64` (non-strict): characters outside the alphabet are
 * skipped and decoding stops once padding is complete.
 */
export function decodeBase64Lenient(text: string, where: { line?: number; key: string }): Uint8Array {
  const out: number[] = [];
  let quad = 0;
  let acc = 0;
  let pads = 0;
  let digits = 0;
  for (const ch of text) {
    if (ch === '=') {
      if (quad >= 2 && quad + ++pads >= 4) {
        quad = 0;
        break;
      }
      continue;
    }
    const v = B64.indexOf(ch);
    if (v < 0) continue;
    pads = 0;
    digits++;
    acc = ((acc << 6) | v) & 0xffffff;
    quad = (quad + 1) % 4;
    if (quad === 2) out.push((acc >> 4) & 0xff);
    else if (quad === 3) out.push((acc >> 2) & 0xff);
    else if (quad === 0) out.push(acc & 0xff);
  }
  if (quad !== 0) {
    throw new NvsInputError(
      `base64 value for key "${where.key}" is incomplete (${digits} base64 digits, missing "=" padding)`,
      { ...where, limit: 'complete base64 groups of 4' },
    );
  }
  return Uint8Array.from(out);
}

/** Base64 encoding of bytes (standard alphabet with padding). */
export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? B64[n & 63] : '=';
  }
  return out;
}
