import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { espVectorsDir } from '../test-vectors';
import { parsePartitionCsv, parsePartitionTableBinary, partitionTableToBinary, partitionTableToCsv, PartitionTableError } from './index';

const tableDir = join(espVectorsDir(), 'partition_table');
const folders = existsSync(tableDir) ? readdirSync(tableDir).filter((name) => existsSync(join(tableDir, name, 'input.csv'))) : [];

const read = (folder: string, file: string): Buffer => readFileSync(join(tableDir, folder, file));
const hasError = (folder: string): boolean => existsSync(join(tableDir, folder, 'expected_error.txt'));

describe('partition table golden vectors (gen_esp32part.py)', () => {
  it('finds the vectors', () => {
    if (folders.length === 0) {
      throw new Error(`no partition table vectors found in ${tableDir}`);
    }
    expect(folders.filter((f) => !hasError(f)).length).toBeGreaterThanOrEqual(1);
    expect(folders.filter(hasError).length).toBeGreaterThanOrEqual(1);
  });

  // describe.each refuses an empty table; a missing folder is reported by the test above.
  const tableVectors = folders.filter((f) => !hasError(f));
  const errorVectors = folders.filter(hasError);
  if (tableVectors.length > 0) describe.each(tableVectors)('%s', (folder) => {
    const expectedBin = new Uint8Array(read(folder, 'output.bin'));
    const dumpCsv = read(folder, 'dump.csv').toString('utf8');

    it('CSV -> binary is byte-identical to output.bin', () => {
      const bin = partitionTableToBinary(parsePartitionCsv(read(folder, 'input.csv').toString('utf8')));
      expect(bin.length).toBe(0xc00);
      expect(Buffer.from(bin).equals(Buffer.from(expectedBin))).toBe(true);
    });

    it('binary -> CSV equals dump.csv', () => {
      expect(partitionTableToCsv(parsePartitionTableBinary(expectedBin))).toBe(dumpCsv);
    });

    it('dump.csv -> binary round-trips to output.bin', () => {
      const bin = partitionTableToBinary(parsePartitionCsv(dumpCsv));
      expect(Buffer.from(bin).equals(Buffer.from(expectedBin))).toBe(true);
    });

    it('parsing the CSV and the binary gives the same entries', () => {
      const fromCsv = parsePartitionCsv(read(folder, 'input.csv').toString('utf8'), { onWarning: () => undefined });
      expect(parsePartitionTableBinary(expectedBin)).toEqual(fromCsv);
    });
  });

  if (errorVectors.length > 0) describe.each(errorVectors)('%s (error vector)', (folder) => {
    it('is rejected with the facts of the reference error', () => {
      const expected = read(folder, 'expected_error.txt').toString('utf8');
      const csv = read(folder, 'input.csv').toString('utf8');
      let error: unknown;
      try {
        parsePartitionCsv(csv);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(PartitionTableError);
      const message = (error as PartitionTableError).message;
      const lineMatch = /line (\d+)/.exec(expected);
      expect(lineMatch).not.toBeNull();
      const line = Number(lineMatch?.[1]);
      expect((error as PartitionTableError).line).toBe(line);
      expect(message).toContain(`line ${line}`);
      // Every hex number the reference tool names (offsets, ends) appears in our message too.
      for (const number of expected.split('--- stderr ---')[1]?.match(/0x[0-9a-f]+/g) ?? []) expect(message).toContain(number);
      // ...and so does the partition on that line.
      const name = csv.split(/\r?\n/)[line - 1]?.split(',')[0]?.trim() as string;
      expect((error as PartitionTableError).partition).toBe(name);
      expect(message).toContain(`"${name}"`);
    });
  });
});
