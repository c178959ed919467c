import { crc32Esp } from '../crc32';
import { NVS_FIRST_ENTRY_OFFSET, NVS_PAGE_SIZE } from './constants';
import { buildNvsImage } from './entries';
import { NvsFormatError } from './errors';
import { parseNvsImage, type NvsIssue } from './reader';
import type { NvsEntry } from './types';

const entries: NvsEntry[] = [
  { namespace: 'cfg', key: 'name', type: 'string', value: 'device-1' },
  { namespace: 'cfg', key: 'port', type: 'u16', value: 8883 },
  { namespace: 'cfg', key: 'cert', type: 'blob', value: Uint8Array.from({ length: 5000 }, (_, i) => i % 253) },
];
const image = (): Uint8Array => buildNvsImage(entries, { size: 0x6000 });
const entryAddress = (page: number, entry: number): number => page * NVS_PAGE_SIZE + NVS_FIRST_ENTRY_OFFSET + entry * 32;
/** Recomputes an entry's header CRC after a deliberate change. */
function resealEntry(img: Uint8Array, address: number): void {
  const input = new Uint8Array(28);
  input.set(img.subarray(address, address + 4), 0);
  input.set(img.subarray(address + 8, address + 32), 4);
  new DataView(img.buffer).setUint32(address + 4, crc32Esp(input), true);
}
const errors = (issues: NvsIssue[]): string[] => issues.filter((i) => i.severity === 'error').map((i) => i.message);

describe('parseNvsImage integrity checks', () => {
  it('reads a clean image without issues', () => {
    const parsed = parseNvsImage(image());
    expect(parsed.issues).toEqual([]);
    expect(parsed.values.map((v) => v.key)).toEqual(['name', 'port', 'cert']);
  });

  it('reports a damaged page header CRC', () => {
    const img = image();
    img[28] ^= 0x01;
    expect(errors(parseNvsImage(img).issues)).toEqual(['page 0 header CRC32 does not match']);
  });

  it('reports an invalid page state and a page marked corrupt', () => {
    const img = image();
    img.set([0x78, 0x56, 0x34, 0x12], 0);
    expect(errors(parseNvsImage(img).issues)).toContain('page 0 has an invalid state 0x12345678');
    img.set([0xf0, 0xff, 0xff, 0xff], 0);
    expect(errors(parseNvsImage(img).issues)).toContain('page 0 is marked corrupt');
  });

  it('reports a damaged entry CRC and drops that value', () => {
    const img = image();
    img[entryAddress(0, 3) + 4] ^= 0xff; // entry 3 = "port" (namespace, name + 1 payload entry, port)
    const parsed = parseNvsImage(img);
    expect(errors(parsed.issues)).toEqual(['page 0 entry 3 (key "port"): entry CRC32 does not match']);
    expect(parsed.values.map((v) => v.key)).toEqual(['name', 'cert']);
  });

  it('reports damaged string data and a damaged blob chunk', () => {
    const img = image();
    img[entryAddress(0, 2)] ^= 0x01; // payload of "name"
    img[entryAddress(1, 1)] ^= 0x01; // payload of the second blob chunk
    const messages = errors(parseNvsImage(img).issues);
    expect(messages).toContain('page 0 entry 1 (key "name"): data CRC32 does not match');
    expect(messages).toContain('page 1 entry 0 (key "cert"): data CRC32 does not match');
    expect(messages.some((m) => m.includes('blob chunk 1 of 2 is missing or damaged'))).toBe(true);
  });

  it('reports a payload entry that the bitmap does not mark written', () => {
    const img = image();
    img[32] = 0x9a; // entries 0, 1, 3 written (10), entry 2 (payload of "name") invalid (01)
    const messages = errors(parseNvsImage(img).issues);
    expect(messages).toContain('page 0 entry 1 (key "name"): payload entry 2 is not marked written');
  });

  it('reports keys of an undefined namespace and a span that leaves the page', () => {
    const img = buildNvsImage([{ namespace: 'a', key: 'x', type: 'u8', value: 1 }, { namespace: 'a', key: 's', type: 'string', value: 'hi' }], {
      size: 0x3000,
    });
    img[entryAddress(0, 1)] = 7;
    resealEntry(img, entryAddress(0, 1));
    img[entryAddress(0, 2) + 2] = 200;
    resealEntry(img, entryAddress(0, 2));
    const parsed = parseNvsImage(img);
    expect(errors(parsed.issues)).toEqual([
      'page 0 entry 2 (key "s"): span 200 runs past the end of the page',
      'page 0 entry 2 (key "s"): span 200 does not fit data size 3',
      'page 0 entry 1 (key "x"): namespace index 7 is not defined',
    ]);
    expect(parsed.values).toEqual([]);
  });

  it('warns about partitions below 3 pages and images without a free page', () => {
    const img = buildNvsImage([{ namespace: 'a', key: 'x', type: 'u8', value: 1 }], { size: 0x1000 });
    expect(img.length).toBe(NVS_PAGE_SIZE);
    const warnings = parseNvsImage(img).issues.filter((i) => i.severity === 'warning').map((i) => i.message);
    expect(warnings).toHaveLength(2);
  });

  it('rejects data shorter than one page', () => {
    expect(() => parseNvsImage(new Uint8Array(100))).toThrow(NvsFormatError);
  });

  it('reports data on a page without header', () => {
    const img = image();
    img[5 * NVS_PAGE_SIZE + 100] = 0;
    expect(errors(parseNvsImage(img).issues)).toContain('page 5 has no header but holds data');
  });
});
