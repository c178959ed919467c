import { crc32Esp } from '../crc32';
import { NvsFormatError } from './errors';
import { buildNvsKeyPartition, deriveNvsKeysFromHmacKey, generateNvsKeys, parseNvsKeyPartition } from './keys';

const fixed = { eky: Uint8Array.from({ length: 32 }, (_, i) => i), tky: Uint8Array.from({ length: 32 }, (_, i) => 32 + i) };

describe('nvs_keys partition', () => {
  it('lays out eky | tky | CRC32 0x9A7C5245 | 0xFF for the key bytes 00..3f', () => {
    const partition = buildNvsKeyPartition(fixed);
    expect(partition.length).toBe(4096);
    expect(Array.from(partition.subarray(0, 64))).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(new DataView(partition.buffer).getUint32(64, true)).toBe(0x9a7c5245);
    expect(partition.subarray(68).every((b) => b === 0xff)).toBe(true);
    expect(parseNvsKeyPartition(partition)).toEqual(fixed);
  });

  it('accepts a bare 64-byte key and rejects short files, a bad CRC and equal halves', () => {
    const bare = buildNvsKeyPartition(fixed).subarray(0, 64);
    expect(parseNvsKeyPartition(bare)).toEqual(fixed);
    expect(() => parseNvsKeyPartition(new Uint8Array(63))).toThrow('has 63 bytes');
    const damaged = buildNvsKeyPartition(fixed);
    damaged[10] ^= 1;
    expect(() => parseNvsKeyPartition(damaged)).toThrow(NvsFormatError);
    expect(() => parseNvsKeyPartition(damaged)).toThrow('CRC32 does not match');
    expect(() => buildNvsKeyPartition({ eky: fixed.eky, tky: fixed.eky })).toThrow('identical');
  });

  it('generates different CSPRNG keys each time, with a valid partition CRC', () => {
    const a = generateNvsKeys();
    const b = generateNvsKeys();
    expect(Buffer.from(a.eky).equals(Buffer.from(b.eky))).toBe(false);
    expect(Buffer.from(a.eky).equals(Buffer.from(a.tky))).toBe(false);
    const partition = buildNvsKeyPartition(a);
    expect(new DataView(partition.buffer).getUint32(64, true)).toBe(crc32Esp(partition.subarray(0, 64)));
  });

  it('derives different eky and tky from one HMAC key, deterministically', () => {
    const hmacKey = Uint8Array.from({ length: 32 }, (_, i) => 0x20 + i);
    const keys = deriveNvsKeysFromHmacKey(hmacKey);
    expect(keys).toEqual(deriveNvsKeysFromHmacKey(hmacKey));
    expect(Buffer.from(keys.eky).equals(Buffer.from(keys.tky))).toBe(false);
    expect(() => deriveNvsKeysFromHmacKey(new Uint8Array(0))).toThrow('empty');
  });
});
