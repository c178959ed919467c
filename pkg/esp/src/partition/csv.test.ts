import { checkPartitionTableFitsFlash, parsePartitionCsv, partitionTableToBinary, PartitionTableError, type PartitionEntry, type PartitionTable } from './index';

const HEADER = '# Name, Type, SubType, Offset, Size, Flags\n';

function errorOf(csv: string, options = {}): PartitionTableError {
  try {
    parsePartitionCsv(csv, options);
  } catch (err) {
    if (err instanceof PartitionTableError) return err;
    throw err;
  }
  throw new Error('expected a PartitionTableError');
}

const layout = (table: PartitionTable) => table.entries.map((e) => [e.label, e.offset, e.size]);

describe('parsePartitionCsv', () => {
  it.each([
    ['0x6000', 0x6000],
    ['24576', 24576],
    ['24K', 24 * 1024],
    ['24k', 24 * 1024],
    ['1M', 0x100000],
    ['1m', 0x100000],
    ['0X6000', 0x6000],
    ['0o60000', 0o60000],
    ['0b110000000000000', 0x6000],
    ['24_576', 24576],
  ])('reads the size %s as %d', (size, expected) => {
    const table = parsePartitionCsv(`${HEADER}store, data, 0x99, 0x9000, ${size},\n`);
    expect(table.entries[0]?.size).toBe(expected);
  });

  it.each(['012', '0x', '1.5M', '6000h', '0x-1', ''])('rejects the size "%s"', (size) => {
    const error = errorOf(`${HEADER}store, data, 0x99, 0x9000, ${size},\n`);
    expect(error.line).toBe(2);
    expect(error.partition).toBe('store');
    expect(error.message).toMatch(/^line 2, partition "store": /);
  });

  it('places blank offsets after the table, aligning apps to 0x10000 and data to 0x1000', () => {
    const table = parsePartitionCsv(
      `${HEADER}nvs, data, nvs, , 0x5000,\nphy, data, phy, , 0x800,\nfactory, app, factory, , 1M,\nstore, data, fat, , 4K,\n`,
    );
    expect(layout(table)).toEqual([
      ['nvs', 0x9000, 0x5000],
      ['phy', 0xe000, 0x800],
      ['factory', 0x10000, 0x100000],
      ['store', 0x110000, 0x1000],
    ]);
  });

  it('starts placement one sector after a custom table offset', () => {
    const table = parsePartitionCsv(`${HEADER}nvs, data, nvs, , 0x6000,\n`, { tableOffset: 0x10000 });
    expect(table.entries[0]?.offset).toBe(0x11000);
    expect(errorOf(`${HEADER}nvs, data, nvs, 0x9000, 0x6000,\n`, { tableOffset: 0x10000 }).message).toContain('0x11000');
  });

  it('reads a negative size as "end at this address"', () => {
    const table = parsePartitionCsv(`${HEADER}nvs, data, nvs, 0x9000, 0x6000,\nrest, data, spiffs, , -0x400000,\n`);
    expect(table.entries[1]).toMatchObject({ offset: 0xf000, size: 0x400000 - 0xf000 });
    expect(errorOf(`${HEADER}nvs, data, nvs, 0x9000, -0x9000,\n`).message).toContain('not after');
  });

  it('maps names case-insensitively, accepts numeric types and defaults an empty data subtype to undefined (0x06)', () => {
    const table = parsePartitionCsv(`${HEADER}a, DATA, NVS, 0x9000, 0x4000,\nb, 0x40, 7, 0xd000, 0x1000,\nc, data, , 0xe000, 0x1000,\n`);
    expect(table.entries.map((e) => [e.type, e.subtype])).toEqual([
      [1, 2],
      [0x40, 7],
      [1, 6],
    ]);
  });

  it('reads flags, skips comments and blank lines, strips a BOM and accepts CRLF', () => {
    const table = parsePartitionCsv(`\uFEFF${HEADER}\r\n# comment\r\nkeys, data, nvs_keys, 0x9000, 0x1000, encrypted\r\nro, data, nvs, 0xa000, 0x1000, encrypted:readonly\r\n`);
    expect(table.entries.map((e) => e.flags)).toEqual([
      { encrypted: true, readonly: false },
      { encrypted: true, readonly: true },
    ]);
    expect(table.entries[0]?.label).toBe('keys');
  });

  it('expands $VARIABLES it is given and rejects unknown ones', () => {
    const csv = `${HEADER}nvs, data, nvs, \${NVS_AT}, $NVS_SIZE,\n`;
    expect(parsePartitionCsv(csv, { variables: { NVS_AT: '0x9000', NVS_SIZE: '0x6000' } }).entries[0]).toMatchObject({ offset: 0x9000, size: 0x6000 });
    const error = errorOf(csv, { variables: { NVS_AT: '0x9000' } });
    expect(error.message).toBe('line 2: unknown variable $NVS_SIZE');
    // Variables inside comments do not matter.
    expect(parsePartitionCsv(`# $NOT_SET\nnvs, data, nvs, 0x9000, 0x6000,\n`).entries).toHaveLength(1);
  });

  it('truncates names longer than 16 bytes and warns', () => {
    const warnings: string[] = [];
    const table = parsePartitionCsv(`${HEADER}name_is_17_chars_, data, fat, 0x9000, 0x1000,\n`, { onWarning: (w) => warnings.push(w) });
    expect(table.entries[0]?.label).toBe('name_is_17_chars');
    expect(warnings).toEqual([expect.stringContaining('line 2: partition name "name_is_17_chars_" is longer than 16 bytes')]);
  });

  describe('rejects', () => {
    it.each([
      ['an empty type', 'x, , nvs, 0x9000, 0x4000,', /type field is empty/],
      ['an unknown type name', 'x, dta, nvs, 0x9000, 0x4000,', /type: "dta" is not valid; known values: app, data/],
      ['an unknown subtype name', 'x, data, nsv, 0x9000, 0x4000,', /subtype: "nsv" is not valid; known values: ota, phy, nvs/],
      ['a type above 0xff', 'x, 0x100, 0, 0x9000, 0x4000,', /type 0x100 is outside 0..0xff/],
      ['an app without subtype', 'x, app, , 0x10000, 1M,', /app partition needs a subtype/],
      ['an empty size', 'x, data, nvs, 0x9000, ,', /size field is empty/],
      ['an unknown flag', 'x, data, nvs, 0x9000, 0x4000, secret', /unknown flag "secret"/],
      ['a misaligned app offset', 'x, app, factory, 0x18000, 1M,', /offset 0x18000 is not aligned to 0x10000/],
      ['a misaligned data offset', 'x, data, nvs, 0x9800, 0x4000,', /offset 0x9800 is not aligned to 0x1000/],
      ['an app size not a multiple of 4K', 'x, app, factory, 0x10000, 0x100800,', /size 0x100800 of an app partition is not a multiple of 0x1000/],
      ['a read/write NVS under 0x3000', 'x, data, nvs, 0x9000, 0x2000,', /must be flagged readonly/],
      ['a readonly otadata', 'x, data, ota, 0x9000, 0x2000, readonly', /always read-write/],
      ['an otadata that is not 0x2000', 'x, data, ota, 0x9000, 0x3000,', /exactly 0x2000 bytes, not 0x3000/],
      ['an offset inside the table sector', 'x, data, nvs, 0x8000, 0x4000,', /offset 0x8000 is inside the partition table sector 0x8000-0x8fff; use offset 0x9000/],
      ['an offset beyond 32 bits', 'x, data, nvs, 0x100000000, 0x4000,', /does not fit in 32 bits/],
    ])('%s', (_what, row, pattern) => {
      const error = errorOf(`${HEADER}${row}\n`);
      expect(error.message).toMatch(pattern);
      expect(error.partition).toBe('x');
      expect(error.line).toBe(2);
    });

    it('a small NVS when flagged readonly is accepted', () => {
      expect(parsePartitionCsv(`${HEADER}x, data, nvs, 0x9000, 0x1000, readonly\n`).entries).toHaveLength(1);
    });

    it('duplicate names, naming both lines', () => {
      const error = errorOf(`${HEADER}nvs, data, nvs, 0x9000, 0x4000,\nnvs, data, fat, 0xd000, 0x1000,\n`);
      expect(error.message).toBe('line 3, partition "nvs": the name is used twice (first on line 2); partition names must be unique');
    });

    it('two otadata partitions', () => {
      const error = errorOf(`${HEADER}a, data, ota, 0x9000, 0x2000,\nb, data, ota, 0xb000, 0x2000,\n`);
      expect(error.message).toContain('line 3, partition "b": only one otadata partition');
    });

    it('a partition placed inside the previous one', () => {
      const error = errorOf(`${HEADER}nvs, data, nvs, 0x9000, 0x6000,\nphy, data, phy, 0xe000, 0x1000,\n`);
      expect(error.message).toBe(
        'line 3, partition "phy": partitions overlap: offset 0xe000 is inside "nvs" (line 2), which spans 0x9000-0xefff and ends at 0xf000',
      );
    });

    it('an offset going backwards, even without real overlap (as gen_esp32part.py)', () => {
      const error = errorOf(`${HEADER}b, data, fat, 0x20000, 0x1000,\na, data, fat, 0x10000, 0x1000,\n`);
      expect(error.line).toBe(3);
    });

    it('more than 94 partitions, and accepts 94', () => {
      const rows = (n: number) => Array.from({ length: n }, (_, i) => `p${i}, data, fat, , 4K,`).join('\n');
      const table = parsePartitionCsv(rows(94));
      expect(partitionTableToBinary(table)).toHaveLength(0xc00);
      expect(errorOf(rows(95)).message).toBe('too many partitions: 95; a table holds at most 94 (0xc00 bytes including the MD5 row)');
      expect(() => partitionTableToBinary({ entries: [...table.entries, { ...(table.entries[0] as PartitionEntry), label: 'extra' }] })).toThrow(/too many partitions: 95/);
    });
  });

  it('supports bootloader and partition_table rows when their offsets are given', () => {
    const csv = `${HEADER}bootloader, bootloader, primary, , ,\npt, partition_table, primary, , ,\nnvs, data, nvs, , 0x6000,\n`;
    expect(errorOf(csv).message).toContain('primary bootloader offset is not provided');
    const table = parsePartitionCsv(csv, { primaryBootloaderOffset: 0x1000 });
    expect(layout(table)).toEqual([
      ['bootloader', 0x1000, 0x7000],
      ['pt', 0x8000, 0x1000],
      ['nvs', 0x9000, 0x6000],
    ]);
  });
});

describe('checkPartitionTableFitsFlash', () => {
  const table = parsePartitionCsv(`${HEADER}nvs, data, nvs, , 0x6000,\nfactory, app, factory, , 1M,\nota_0, app, ota_0, , 1M,\n`);

  it('accepts a table that ends within the flash', () => {
    expect(() => checkPartitionTableFitsFlash(table, 4 * 0x100000)).not.toThrow();
    expect(() => checkPartitionTableFitsFlash(table, 0x210000)).not.toThrow();
  });

  it('names the partition that ends beyond the flash, with sizes', () => {
    expect(() => checkPartitionTableFitsFlash(table, 2 * 0x100000)).toThrow(
      'partition "ota_0": ends at 0x210000 (2.1MB), beyond the flash size 2MB (0x200000); the partitions need a bigger flash or smaller sizes',
    );
  });
});
