import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { partitionTableToBinary } from '@kubeflash/esp';
import { espVectorsDir } from '@kubeflash/esp/test-vectors';
import { parseSizeOption } from './partitions';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const vectorsDir = espVectorsDir();
const tableDir = join(vectorsDir, 'partition_table');
const vector = (name: string, file: string): string => join(tableDir, name, file);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI from the repository root. */
function kubeflash(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const result = spawnSync(process.execPath, [join(repoRoot, 'pkg/cli/bin/kubeflash.js'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

jest.setTimeout(60_000);

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'kubeflash-partitions-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

describe('kubeflash partitions', () => {
  it('finds the vectors', () => {
    if (!existsSync(vector('03b_idf_two_ota', 'input.csv'))) {
      throw new Error(`partition table vectors not found in ${tableDir}`);
    }
  });

  it('to-bin writes the reference binary, and nothing else in the folder', () => {
    const out = join(work, 'table.bin');
    const run = kubeflash(['partitions', 'to-bin', vector('03d_auto_offsets', 'input.csv'), out]);
    expect(run).toMatchObject({ status: 0, stderr: '', stdout: `${out}: 8 partitions\n` });
    expect(readFileSync(out).equals(readFileSync(vector('03d_auto_offsets', 'output.bin')))).toBe(true);
    expect(readdirSync(work)).toEqual(['table.bin']);
  });

  it('to-bin warns on stderr about a truncated name and still writes the reference binary', () => {
    const out = join(work, 'table.bin');
    const run = kubeflash(['partitions', 'to-bin', vector('03g_name_17_chars', 'input.csv'), out]);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('warning:');
    expect(run.stderr).toContain('"name_is_17_chars_" is longer than 16 bytes');
    expect(readFileSync(out).equals(readFileSync(vector('03g_name_17_chars', 'output.bin')))).toBe(true);
  });

  it('to-bin --flash-size accepts a table that fits and rejects one that does not, leaving no output', () => {
    const input = vector('03b_idf_two_ota', 'input.csv'); // ota_1 ends at 0x310000
    const fits = kubeflash(['partitions', 'to-bin', input, join(work, 'ok.bin'), '--flash-size', '4MB']);
    expect(fits.status).toBe(0);
    const out = join(work, 'small.bin');
    const run = kubeflash(['partitions', 'to-bin', input, out, '--flash-size', '0x200000']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `kubeflash: ${input}: partition "ota_1": ends at 0x310000 (3.1MB), beyond the flash size 2MB (0x200000); ` +
        'the partitions need a bigger flash or smaller sizes\n',
    );
    expect(readdirSync(work)).toEqual(['ok.bin']);
  });

  it('to-bin fails on the overlap vector with one line naming both partitions, leaving no output', () => {
    const out = join(work, 'out.bin');
    const run = kubeflash(['partitions', 'to-bin', vector('03f_err_overlap', 'input.csv'), out]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^kubeflash: .*input\.csv: line 3, partition "phy_init": partitions overlap: offset 0xe000 is inside "nvs" .* ends at 0xf000\n$/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(work)).toEqual([]);
  });

  it('to-bin rejects a bad --flash-size and a missing input', () => {
    const bad = kubeflash(['partitions', 'to-bin', vector('03a_two_ota', 'input.csv'), join(work, 'x.bin'), '--flash-size', '4']);
    expect(bad).toMatchObject({ status: 2, stderr: 'kubeflash: --flash-size 4 is only 4 bytes; write it with a unit, e.g. 4MB\n' });
    const missing = kubeflash(['partitions', 'to-bin', join(work, 'nope.csv'), join(work, 'x.bin')]);
    expect(missing).toMatchObject({ status: 2, stderr: `kubeflash: cannot read ${join(work, 'nope.csv')}: ENOENT\n` });
    expect(readdirSync(work)).toEqual([]);
  });

  it('to-csv prints dump.csv exactly, and writes it to a file when asked', () => {
    const run = kubeflash(['partitions', 'to-csv', vector('03e_flags_misc', 'output.bin')]);
    expect(run).toMatchObject({ status: 0, stderr: '', stdout: readFileSync(vector('03e_flags_misc', 'dump.csv'), 'utf8') });
    const out = join(work, 'dump.csv');
    expect(kubeflash(['partitions', 'to-csv', vector('03c_config_nvs_keys', 'output.bin'), out]).status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(vector('03c_config_nvs_keys', 'dump.csv'), 'utf8'));
  });

  it('to-csv runs the table checks on a binary, unless --no-verify', () => {
    const overlapping = partitionTableToBinary({
      entries: [
        { label: 'a', type: 1, subtype: 0x81, offset: 0x9000, size: 0x2000, flags: { encrypted: false, readonly: false } },
        { label: 'b', type: 1, subtype: 0x81, offset: 0xa000, size: 0x1000, flags: { encrypted: false, readonly: false } },
      ],
    });
    const input = join(work, 'overlap.bin');
    writeFileSync(input, overlapping);
    const checked = kubeflash(['partitions', 'to-csv', input]);
    expect(checked).toMatchObject({ status: 2, stdout: '' });
    expect(checked.stderr).toContain('partition "b": partitions overlap: offset 0xa000 is inside "a" (0x9000-0xafff)');
    const unchecked = kubeflash(['partitions', 'to-csv', input, '--no-verify']);
    expect(unchecked.status).toBe(0);
    expect(unchecked.stdout).toContain('a,data,fat,0x9000,8K,\nb,data,fat,0xa000,4K,\n');
  });

  it('to-csv rejects a corrupted binary', () => {
    const corrupt = new Uint8Array(readFileSync(vector('03a_two_ota', 'output.bin')));
    corrupt[40] ^= 1;
    const input = join(work, 'corrupt.bin');
    writeFileSync(input, corrupt);
    const run = kubeflash(['partitions', 'to-csv', input]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^kubeflash: .*corrupt\.bin: MD5 mismatch in row 5/);
  });
});

describe('parseSizeOption', () => {
  it.each([
    ['0x8000', 0x8000],
    ['32768', 32768],
    ['32K', 32768],
    ['4M', 0x400000],
  ])('reads %s', (text, value) => expect(parseSizeOption(text, '--offset')).toBe(value));

  it('rejects text that is not a size', () => {
    expect(() => parseSizeOption('lots', '--offset')).toThrow('--offset must be a number (decimal, 0x hex, or with a K/M suffix), got "lots"');
    expect(() => parseSizeOption('-0x10', '--offset')).toThrow('--offset must not be negative');
  });
});
