import { md5 } from '@noble/hashes/legacy.js';

/** Lowercase hex MD5 of `data` (pure JS, so it runs in browsers, which have no WebCrypto MD5). */
export function md5Hex(data: Uint8Array): string {
  return toHex(md5(data));
}

/** Lowercase hex of a byte array. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
