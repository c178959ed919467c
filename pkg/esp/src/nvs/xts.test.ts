import { createCipheriv, createDecipheriv } from 'node:crypto';
import { NvsFormatError } from './errors';
import { nvsXtsKey, type NvsKeys } from './keys';
import { createNvsXtsCipher, mulAlphaBytes, mulAlphaWords } from './xts';

/** Deterministic pseudo-random bytes (xorshift32). */
function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const keys: NvsKeys = { eky: bytes(32, 1), tky: bytes(32, 2) };

/** The reference: OpenSSL's own XTS-AES-256, one cipher per 32-byte entry, tweak = address u32 LE + 12 zero bytes. */
function opensslXts(entry: Uint8Array, address: number, direction: 'encrypt' | 'decrypt'): Uint8Array {
  const tweak = new Uint8Array(16);
  new DataView(tweak.buffer).setUint32(0, address, true);
  const create = direction === 'encrypt' ? createCipheriv : createDecipheriv;
  const cipher = create('aes-256-xts', nvsXtsKey(keys), tweak);
  return new Uint8Array(Buffer.concat([cipher.update(entry), cipher.final()]));
}

/** Every 32-byte entry offset of `pages` NVS pages (entries start at 64 in a page). */
function allEntries(pages: number): Uint32Array {
  const out: number[] = [];
  for (let p = 0; p < pages; p++) for (let i = 0; i < 126; i++) out.push(p * 4096 + 64 + i * 32);
  return Uint32Array.from(out);
}

describe('XTS-AES-256 over NVS entries (two AES-ECB passes)', () => {
  it.each(['encrypt', 'decrypt'] as const)('%s gives what OpenSSL aes-256-xts gives for every entry of a 6-page image', (direction) => {
    const image = bytes(6 * 4096, 7);
    const addresses = allEntries(6);
    const expected = image.slice();
    for (const a of addresses) expected.set(opensslXts(image.subarray(a, a + 32), a, direction), a);
    createNvsXtsCipher(keys, direction)(image, addresses);
    expect(Buffer.from(image).equals(Buffer.from(expected))).toBe(true);
  });

  it('leaves every byte outside the listed entries alone, and decrypting undoes encrypting', () => {
    const plain = bytes(3 * 4096, 11);
    const addresses = allEntries(3).filter((_, i) => i % 3 !== 1);
    const image = plain.slice();
    createNvsXtsCipher(keys, 'encrypt')(image, addresses);
    const listed = new Set(addresses);
    for (let a = 0; a < image.length; a += 32) {
      const same = Buffer.from(image.subarray(a, a + 32)).equals(Buffer.from(plain.subarray(a, a + 32)));
      expect([a, same]).toEqual([a, !listed.has(a)]);
    }
    createNvsXtsCipher(keys, 'decrypt')(image, addresses);
    expect(Buffer.from(image).equals(Buffer.from(plain))).toBe(true);
  });

  it('gives the same bytes for an image that is not 4-byte aligned in its buffer', () => {
    const addresses = allEntries(2);
    const aligned = bytes(2 * 4096, 5);
    const backing = new Uint8Array(2 * 4096 + 1);
    const unaligned = backing.subarray(1);
    unaligned.set(aligned);
    const cipher = createNvsXtsCipher(keys, 'encrypt');
    cipher(aligned, addresses);
    cipher(unaligned, addresses);
    expect(Buffer.from(unaligned).equals(Buffer.from(aligned))).toBe(true);
    expect(backing[0]).toBe(0);
  });

  it('keeps working when a later image has more entries than any before (scratch buffers grow)', () => {
    const cipher = createNvsXtsCipher(keys, 'encrypt');
    for (const pages of [1, 4, 2]) {
      const image = bytes(pages * 4096, pages);
      const addresses = allEntries(pages);
      const expected = image.slice();
      for (const a of addresses) expected.set(opensslXts(image.subarray(a, a + 32), a, 'encrypt'), a);
      cipher(image, addresses);
      expect(Buffer.from(image).equals(Buffer.from(expected))).toBe(true);
    }
  });

  it('multiplies by alpha the same way on words and on bytes, with and without the carry out of bit 127', () => {
    const from = new Int32Array(bytes(16 * 64, 3).buffer);
    const words = new Int32Array(from.length);
    const perByte = new Int32Array(from.length);
    let carries = 0;
    for (let at = 0; at < from.length; at += 4) {
      mulAlphaWords(from, words, at);
      mulAlphaBytes(from, perByte, at);
      if (from[at + 3] < 0) carries++;
    }
    expect(Buffer.from(words.buffer).equals(Buffer.from(perByte.buffer))).toBe(true);
    expect(carries).toBeGreaterThan(10);
    expect(carries).toBeLessThan(54);
    // 0x80 in byte 15 only: shifted out, folded back as 0x87 in byte 0.
    const top = new Uint8Array(16);
    top[15] = 0x80;
    const out = new Int32Array(4);
    mulAlphaBytes(new Int32Array(top.buffer), out, 0);
    expect(Array.from(new Uint8Array(out.buffer))).toEqual([0x87, ...new Array(15).fill(0)]);
  });

  it('rejects equal or short keys with NvsFormatError', () => {
    expect(() => createNvsXtsCipher({ eky: keys.eky, tky: keys.eky }, 'encrypt')).toThrow(NvsFormatError);
    expect(() => createNvsXtsCipher({ eky: keys.eky.subarray(0, 16), tky: keys.tky }, 'encrypt')).toThrow(/two 32-byte keys/);
  });
});
