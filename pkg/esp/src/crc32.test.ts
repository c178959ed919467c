import { crc32 as zlibCrc32 } from 'node:zlib';
import { crc32Esp } from './crc32';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('crc32Esp (ESP-IDF / zlib.crc32(data, 0xFFFFFFFF) variant)', () => {
  it('gives the check value 0xD202D277 for "123456789" (standard CRC-32 would be 0xCBF43926)', () => {
    expect(crc32Esp(ascii('123456789'))).toBe(0xd202d277);
  });

  it('gives 0xFFFFFFFF for empty input and for any all-zero buffer', () => {
    expect(crc32Esp(new Uint8Array(0))).toBe(0xffffffff);
    expect(crc32Esp(new Uint8Array(1))).toBe(0xffffffff);
    expect(crc32Esp(new Uint8Array(4000))).toBe(0xffffffff);
  });

  it('gives 0x9A7C5245 for the nvs_keys bytes 00..3f', () => {
    const keys = Uint8Array.from({ length: 64 }, (_, i) => i);
    expect(crc32Esp(keys)).toBe(0x9a7c5245);
  });

  it('matches the v2 page-0 header CRC 0xB9BA2D84 from the format notes', () => {
    const header = new Uint8Array(24).fill(0xff);
    header.fill(0, 0, 4);
    header[4] = 0xfe;
    expect(crc32Esp(header)).toBe(0xb9ba2d84);
  });

  it('agrees with node:zlib crc32(buf, 0xFFFFFFFF) on random data and honours start/end', () => {
    const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919 + 13) & 0xff);
    expect(crc32Esp(data)).toBe(zlibCrc32(data, 0xffffffff));
    expect(crc32Esp(data, 10, 500)).toBe(zlibCrc32(data.subarray(10, 500), 0xffffffff));
  });

  it('agrees with node:zlib for every length 0..40 at every start 0..8 (the 8-byte and the byte-wise loop)', () => {
    const data = Uint8Array.from({ length: 64 }, (_, i) => (i * 193 + 71) & 0xff);
    for (let start = 0; start <= 8; start++) {
      for (let length = 0; length <= 40; length++) {
        expect(crc32Esp(data, start, start + length)).toBe(zlibCrc32(data.subarray(start, start + length), 0xffffffff));
      }
    }
  });

  it('continues a previous CRC like zlib.crc32(data, value): two ranges give the CRC of their concatenation', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff);
    const joined = new Uint8Array([...data.subarray(0, 4), ...data.subarray(8, 300)]);
    expect(crc32Esp(data, 8, 300, crc32Esp(data, 0, 4))).toBe(crc32Esp(joined));
    expect(crc32Esp(data, 8, 300, 0x12345678)).toBe(zlibCrc32(data.subarray(8, 300), 0x12345678));
  });
});
