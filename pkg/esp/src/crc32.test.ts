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
});
