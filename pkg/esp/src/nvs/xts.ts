import { createCipheriv, createDecipheriv, type Cipher, type Decipher } from 'node:crypto';
import { NVS_ENTRY_SIZE } from './constants';
import { checkNvsKeys, type NvsKeys } from './keys';
import type { NvsEntryCipher } from './types';

const BLOCK = 16;
const ENTRY_SIZE = NVS_ENTRY_SIZE;
const ENTRY_WORDS = NVS_ENTRY_SIZE / 4;
const BLOCK_WORDS = BLOCK / 4;

/**
 * XTS-AES-256 over 32-byte NVS entries, as ESP-IDF's generator and firmware use it: data key eky, tweak key
 * tky, tweak = the entry's partition offset as u32 little-endian followed by 12 zero bytes. An entry is two
 * whole XTS blocks, so there is no ciphertext stealing. Node only (node:crypto).
 *
 * XTS is computed here from AES-256-ECB instead of one `aes-256-xts` cipher per entry (which costs a key
 * schedule per entry): one ECB pass with tky encrypts every entry's tweak (T0), T1 = T0·α in GF(2^128) is
 * computed in JS, one ECB pass with eky encrypts (or decrypts) every block XORed with its T, and the result
 * is XORed with T again. The two ECB ciphers live as long as the returned function; ECB keeps no state
 * between blocks and padding is off, so `update` alone is enough and `final` is never needed.
 * @throws NvsFormatError if the keys are not two different 32-byte keys
 */
export function createNvsXtsCipher(keys: NvsKeys, direction: 'encrypt' | 'decrypt'): NvsEntryCipher {
  checkNvsKeys(keys);
  const encryptTweaks = ecb(createCipheriv('aes-256-ecb', keys.tky, null));
  const transformBlocks = ecb(direction === 'encrypt' ? createCipheriv('aes-256-ecb', keys.eky, null) : createDecipheriv('aes-256-ecb', keys.eky, null));

  const transform = (image: Uint8Array, addresses: Uint32Array): void => {
    const n = addresses.length;
    const s = scratch(n);
    const tweakInput = s.tweakInput;
    for (let i = 0; i < n; i++) {
      const address = addresses[i];
      const at = i * BLOCK;
      tweakInput[at] = address & 0xff;
      tweakInput[at + 1] = (address >>> 8) & 0xff;
      tweakInput[at + 2] = (address >>> 16) & 0xff;
      tweakInput[at + 3] = address >>> 24;
    }
    // T0 of every entry (its first block's tweak), then T1 = T0 * alpha (its second block's tweak).
    const t0 = words(encryptTweaks(tweakInput.subarray(0, n * BLOCK)));
    const t1 = s.t1;
    for (let i = 0; i < n * BLOCK_WORDS; i += BLOCK_WORDS) mulAlpha(t0, t1, i);

    const entries = new Int32Array(image.buffer, image.byteOffset, image.length >>> 2);
    const blocks = s.blocks;
    for (let i = 0; i < n; i++) {
      const from = i * BLOCK_WORDS;
      const at = i * ENTRY_WORDS;
      const entry = addresses[i] >>> 2;
      for (let k = 0; k < BLOCK_WORDS; k++) {
        blocks[at + k] = entries[entry + k] ^ t0[from + k];
        blocks[at + BLOCK_WORDS + k] = entries[entry + BLOCK_WORDS + k] ^ t1[from + k];
      }
    }
    const out = words(transformBlocks(new Uint8Array(blocks.buffer, 0, n * ENTRY_SIZE)));
    for (let i = 0; i < n; i++) {
      const from = i * BLOCK_WORDS;
      const at = i * ENTRY_WORDS;
      const entry = addresses[i] >>> 2;
      for (let k = 0; k < BLOCK_WORDS; k++) {
        entries[entry + k] = out[at + k] ^ t0[from + k];
        entries[entry + BLOCK_WORDS + k] = out[at + BLOCK_WORDS + k] ^ t1[from + k];
      }
    }
  };

  return (image, addresses) => {
    if (addresses.length === 0) return;
    if (image.byteOffset % 4 === 0) return transform(image, addresses);
    // Word access needs a 4-byte aligned view: work on an aligned copy.
    const copy = image.slice();
    transform(copy, addresses);
    image.set(copy);
  };
}

/**
 * Multiplies the 128-bit tweak at word `at` of `from` by alpha (x) in GF(2^128), XTS style: the block as a
 * little-endian number shifted left by one bit, the carry out of bit 127 folded back into byte 0 as 0x87.
 * Writes the result at the same word offset of `to`.
 */
export const mulAlpha: (from: Int32Array, to: Int32Array, at: number) => void = isLittleEndian() ? mulAlphaWords : mulAlphaBytes;

/** `mulAlpha` on 32-bit words; only right where Int32Array words are little-endian. */
export function mulAlphaWords(from: Int32Array, to: Int32Array, at: number): void {
  const w0 = from[at];
  const w1 = from[at + 1];
  const w2 = from[at + 2];
  const w3 = from[at + 3];
  to[at] = (w0 << 1) ^ ((w3 >> 31) & 0x87);
  to[at + 1] = (w1 << 1) | (w0 >>> 31);
  to[at + 2] = (w2 << 1) | (w1 >>> 31);
  to[at + 3] = (w3 << 1) | (w2 >>> 31);
}

/** `mulAlpha` byte by byte, right on any host. */
export function mulAlphaBytes(from: Int32Array, to: Int32Array, at: number): void {
  const src = new Uint8Array(from.buffer, from.byteOffset + at * 4, BLOCK);
  const dst = new Uint8Array(to.buffer, to.byteOffset + at * 4, BLOCK);
  let carry = 0;
  for (let k = 0; k < BLOCK; k++) {
    const b = src[k];
    dst[k] = ((b << 1) | carry) & 0xff;
    carry = b >>> 7;
  }
  if (carry) dst[0] ^= 0x87;
}

function isLittleEndian(): boolean {
  return new Uint8Array(Int32Array.of(1).buffer)[0] === 1;
}

/**
 * Work buffers shared by every cipher of this module instance (the transform is synchronous, so no two calls
 * overlap); grown to the largest image seen. Allocating them per image costs more than the XTS arithmetic.
 */
let shared = { capacity: 0, tweakInput: new Uint8Array(0), t1: new Int32Array(0), blocks: new Int32Array(0) };

function scratch(entries: number): typeof shared {
  if (entries > shared.capacity) {
    shared = {
      capacity: entries,
      tweakInput: new Uint8Array(entries * BLOCK), // bytes 4..15 of every tweak block stay zero
      t1: new Int32Array(entries * BLOCK_WORDS),
      blocks: new Int32Array(entries * ENTRY_WORDS),
    };
  }
  return shared;
}

/** A 32-bit word view of `bytes` (a length multiple of 4), copying only if it is not 4-byte aligned. */
function words(bytes: Uint8Array): Int32Array {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return new Int32Array(aligned.buffer, aligned.byteOffset, aligned.length >>> 2);
}

/** AES-ECB without padding over whole blocks, reusable for any number of calls. */
function ecb(cipher: Cipher | Decipher): (input: Uint8Array) => Uint8Array {
  cipher.setAutoPadding(false);
  return (input) => {
    const out = cipher.update(input);
    if (out.length !== input.length) throw new Error(`AES-256-ECB returned ${out.length} bytes for ${input.length}`);
    return out;
  };
}
