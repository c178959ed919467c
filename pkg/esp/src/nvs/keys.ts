import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { crc32Esp } from '../crc32';
import { NVS_PAGE_SIZE } from './constants';
import { NvsFormatError } from './errors';

/** Size of the nvs_keys partition (and of the key files ESP-IDF's generator writes). */
export const NVS_KEYS_PARTITION_SIZE = NVS_PAGE_SIZE;
/** XTS-AES-256 needs 64 key bytes: eky (data key) then tky (tweak key). */
export const NVS_XTS_KEY_BYTES = 64;

/** The two XTS keys of an NVS encryption key. */
export interface NvsKeys {
  /** Data key (XTS key 1), 32 bytes. */
  eky: Uint8Array;
  /** Tweak key (XTS key 2), 32 bytes. */
  tky: Uint8Array;
}

/** eky followed by tky: the 64-byte key node:crypto's `aes-256-xts` takes. */
export function nvsXtsKey(keys: NvsKeys): Uint8Array {
  const key = new Uint8Array(NVS_XTS_KEY_BYTES);
  key.set(keys.eky, 0);
  key.set(keys.tky, 32);
  return key;
}

/** Checks that `keys` are two different 32-byte keys. @throws NvsFormatError otherwise */
export function checkNvsKeys(keys: NvsKeys): void {
  if (keys.eky.length !== 32 || keys.tky.length !== 32) throw new NvsFormatError('NVS keys must be two 32-byte keys (eky, tky)');
  if (keys.eky.every((b, i) => b === keys.tky[i])) {
    throw new NvsFormatError('eky and tky are identical; XTS-AES needs two different keys');
  }
}

/** The 4096-byte nvs_keys partition: `eky[32] | tky[32] | CRC32-LE(bytes 0..63) | 0xFF...`. */
export function buildNvsKeyPartition(keys: NvsKeys): Uint8Array {
  checkNvsKeys(keys);
  const out = new Uint8Array(NVS_KEYS_PARTITION_SIZE).fill(0xff);
  out.set(nvsXtsKey(keys), 0);
  new DataView(out.buffer).setUint32(64, crc32Esp(out, 0, 64), true);
  return out;
}

/**
 * Reads keys from an nvs_keys partition image (4096 bytes, CRC checked) or a bare 64-byte key.
 * @throws NvsFormatError if the file is too short, its CRC does not match or the two keys are equal
 */
export function parseNvsKeyPartition(data: Uint8Array): NvsKeys {
  if (data.length < NVS_XTS_KEY_BYTES) {
    throw new NvsFormatError(`the key file has ${data.length} bytes; an NVS key file has at least 64 (eky + tky)`);
  }
  if (data.length >= 68 && !data.subarray(64, 68).every((b) => b === 0xff)) {
    const stored = new DataView(data.buffer, data.byteOffset).getUint32(64, true);
    const computed = crc32Esp(data, 0, 64);
    if (stored !== computed) {
      throw new NvsFormatError(
        `the key file's CRC32 does not match (stored 0x${stored.toString(16)}, computed 0x${computed.toString(16)}); not an nvs_keys partition`,
      );
    }
  }
  const keys = { eky: new Uint8Array(data.subarray(0, 32)), tky: new Uint8Array(data.subarray(32, 64)) };
  checkNvsKeys(keys);
  return keys;
}

const EKY_SEED = repeat([0x5a, 0x5a, 0xbe, 0xae], 8);
const TKY_SEED = repeat([0xa5, 0xa5, 0xde, 0xce], 8);

function repeat(bytes: number[], times: number): Uint8Array {
  return Uint8Array.from({ length: bytes.length * times }, (_, i) => bytes[i % bytes.length]);
}

/**
 * Keys of the HMAC-based scheme (`--key_protect_hmac`): eky = HMAC-SHA256(hmacKey, 5A5ABEAE x 8),
 * tky = HMAC-SHA256(hmacKey, A5A5DECE x 8). The device derives the same keys from its eFuse HMAC key.
 */
export function deriveNvsKeysFromHmacKey(hmacKey: Uint8Array): NvsKeys {
  if (hmacKey.length === 0) throw new NvsFormatError('the HMAC key is empty');
  return { eky: hmac(sha256, hmacKey, EKY_SEED), tky: hmac(sha256, hmacKey, TKY_SEED) };
}

/** Random bytes from the platform CSPRNG (Web Crypto `getRandomValues`, also available in Node). */
export function secureRandomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  globalThis.crypto.getRandomValues(out);
  return out;
}

/** Fresh random XTS keys from the CSPRNG. */
export function generateNvsKeys(): NvsKeys {
  for (;;) {
    const keys = { eky: secureRandomBytes(32), tky: secureRandomBytes(32) };
    if (!keys.eky.every((b, i) => b === keys.tky[i])) return keys;
  }
}
