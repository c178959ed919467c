import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { espVectorsDir } from '../test-vectors';
import {
  findPartition,
  findPartitions,
  parsePartitionCsv,
  parsePartitionTableBinary,
  partitionSubtypeName,
  partitionTableToBinary,
  partitionTableToCsv,
  partitionTypeName,
  PartitionTableError,
} from './index';


const CSV = `nvs, data, nvs, 0x9000, 0x4000,
otadata, data, ota, 0xd000, 0x2000,
factory, app, factory, 0x10000, 1M,
ota_0, app, ota_0, , 1M,
config, data, nvs, , 0x6000,
keys, data, nvs_keys, , 4K, encrypted
`;

describe('partition table binary', () => {
  const table = parsePartitionCsv(CSV);
  const bin = partitionTableToBinary(table);

  it('is 0xC00 bytes: entries, the MD5 row, then 0xFF', () => {
    expect(bin).toHaveLength(0xc00);
    expect(Array.from(bin.subarray(0, 2))).toEqual([0xaa, 0x50]);
    const md5Row = bin.subarray(6 * 32, 7 * 32);
    expect(Array.from(md5Row.subarray(0, 16))).toEqual([0xeb, 0xeb, ...Array(14).fill(0xff)]);
    expect(bin.subarray(7 * 32).every((b) => b === 0xff)).toBe(true);
  });

  it('round-trips through the parser', () => {
    expect(parsePartitionTableBinary(bin)).toEqual(table);
  });

  it('accepts a whole 4 KiB sector and stops at the first 0xFF row', () => {
    const sector = new Uint8Array(0x1000).fill(0xff);
    sector.set(bin);
    expect(parsePartitionTableBinary(sector)).toEqual(table);
  });

  it('reads an empty table', () => {
    expect(parsePartitionTableBinary(new Uint8Array(0xc00).fill(0xff))).toEqual({ entries: [] });
  });

  it('rejects a corrupted entry through the MD5 row', () => {
    const corrupt = bin.slice();
    corrupt[2 * 32 + 8] ^= 0x01;
    expect(() => parsePartitionTableBinary(corrupt)).toThrow(/^MD5 mismatch in row 6 \(offset 0xc0\): computed [0-9a-f]{32}, stored [0-9a-f]{32}/);
  });

  it('rejects a row without the entry magic', () => {
    const corrupt = bin.slice();
    corrupt[32] = 0x00;
    expect(() => parsePartitionTableBinary(corrupt)).toThrow('row 1 (offset 0x20) does not start with the entry magic AA 50 (found 0050); not a partition table');
  });

  it('rejects a table without an end-of-table row and a length that is not a multiple of 32', () => {
    expect(() => parsePartitionTableBinary(bin.subarray(0, 7 * 32))).toThrow(PartitionTableError);
    expect(() => parsePartitionTableBinary(bin.subarray(0, 7 * 32))).toThrow(/no end-of-table row/);
    expect(() => parsePartitionTableBinary(bin.subarray(0, 100))).toThrow(/not a multiple of 32 bytes/);
  });

  it('ignores unknown flag bits as gen_esp32part.py does', () => {
    const noMd5 = new Uint8Array(64).fill(0xff);
    noMd5.set(bin.subarray(0, 32));
    noMd5[28] = 0x06; // readonly + an unknown bit
    expect(parsePartitionTableBinary(noMd5).entries[0]?.flags).toEqual({ encrypted: false, readonly: true });
  });

  it('writes a 16-byte label without NUL and reads it back', () => {
    const t = parsePartitionCsv('name_exactly_16c, data, fat, 0x9000, 4K,');
    const b = partitionTableToBinary(t);
    expect(new TextDecoder().decode(b.subarray(12, 28))).toBe('name_exactly_16c');
    expect(parsePartitionTableBinary(b).entries[0]?.label).toBe('name_exactly_16c');
  });

  it("reads esptool's partitions_singleapp.bin fragment once it is terminated", () => {
    const file = join(espVectorsDir(), 'images', 'partitions_singleapp.bin');
    if (!existsSync(file)) throw new Error(`missing ${file}`);
    const fragment = new Uint8Array(readFileSync(file));
    expect(() => parsePartitionTableBinary(fragment)).toThrow(/no end-of-table row/);
    const terminated = new Uint8Array(fragment.length + 32).fill(0xff);
    terminated.set(fragment);
    expect(partitionTableToCsv(parsePartitionTableBinary(terminated))).toBe(
      '# ESP-IDF Partition Table\n# Name, Type, SubType, Offset, Size, Flags\n' +
        'factory,app,factory,0x10000,1M,\nrfdata,data,phy,0x110000,256K,\nwifidata,data,nvs,0x150000,256K,\n',
    );
  });
});

describe('lookup', () => {
  const table = parsePartitionCsv(CSV);

  it('finds by label, by type/subtype names and by numbers', () => {
    expect(findPartition(table, { label: 'config' })).toMatchObject({ offset: 0x210000, size: 0x6000 });
    expect(findPartition(table, { type: 'data', subtype: 'nvs_keys' })?.label).toBe('keys');
    expect(findPartition(table, { type: 0, subtype: 0x10 })?.label).toBe('ota_0');
    expect(findPartitions(table, { type: 'data', subtype: 'nvs' }).map((e) => e.label)).toEqual(['nvs', 'config']);
    expect(findPartition(table, { label: 'config', type: 'app' })).toBeUndefined();
    expect(findPartition(table, { type: 'data', subtype: 'no_such' })).toBeUndefined();
  });

  it('names known types and subtypes', () => {
    expect(partitionTypeName(1)).toBe('data');
    expect(partitionTypeName(0x40)).toBeUndefined();
    expect(partitionSubtypeName(0, 0x1f)).toBe('ota_15');
    expect(partitionSubtypeName(1, 0x83)).toBe('littlefs');
    expect(partitionSubtypeName(0x40, 1)).toBeUndefined();
  });
});
