import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32Esp, parseNvsKeyPartition } from '@kubeflash/esp';
import { decryptNvsImage } from '@kubeflash/esp/node';
import { espVectorsDir } from '@kubeflash/esp/test-vectors';
import { parseNvsSize } from './nvs';
import { writeFileAtomic } from '../files';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const vectorsDir = espVectorsDir();
const nvsDir = join(vectorsDir, 'nvs');
const vector = (name: string, file = ''): string => join(nvsDir, name, file);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI from the repository root. */
function kubeflash(args: string[], cwd = repoRoot): Run {
  const result = spawnSync(process.execPath, [join(repoRoot, 'pkg/cli/bin/kubeflash.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const same = (file: string, expected: string): boolean => readFileSync(file).equals(readFileSync(expected));

jest.setTimeout(60_000);

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'kubeflash-nvs-'));
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('kubeflash nvs (spawned CLI)', () => {
  it(`finds the vectors (${nvsDir})`, () => {
    if (!existsSync(nvsDir)) throw new Error(`NVS vectors not found: looked in ${nvsDir}`);
  });

  it('generate <csv> <out> <size> writes the reference image (hex or decimal size)', () => {
    const hexRun = kubeflash(['nvs', 'generate', vector('01a_config', 'input.csv'), join(work, 'a.bin'), '0x6000']);
    expect(hexRun).toMatchObject({ status: 0, stderr: '' });
    expect(same(join(work, 'a.bin'), vector('01a_config', 'output.bin'))).toBe(true);
    expect(kubeflash(['nvs', 'generate', vector('01a_config', 'input.csv'), join(work, 'b.bin'), '24576']).status).toBe(0);
    expect(same(join(work, 'b.bin'), vector('01a_config', 'output.bin'))).toBe(true);
  });

  it('generate --version 1, file rows relative to the CSV, --outdir and the short read-only image', () => {
    expect(kubeflash(['nvs', 'generate', vector('01h2_v1_all_encodings', 'input.csv'), 'v1.bin', '0x6000', '--version', '1', '--outdir', work]).status).toBe(0);
    expect(same(join(work, 'v1.bin'), vector('01h2_v1_all_encodings', 'output.bin'))).toBe(true);
    const ro = kubeflash(['nvs', 'generate', vector('01j_readonly_0x2000', 'input.csv'), join(work, 'ro.bin'), '0x2000']);
    expect(ro.status).toBe(0);
    expect(ro.stderr).toContain('readonly');
    expect(same(join(work, 'ro.bin'), vector('01j_readonly_0x2000', 'output.bin'))).toBe(true);
  });

  it('accepts several CSV files like the reference tool (namespace state carries over)', () => {
    const [head, ...rest] = readFileSync(vector('01a_config', 'input.csv'), 'utf8').trimEnd().split('\n');
    writeFileSync(join(work, 'part1.csv'), [head, ...rest.slice(0, 4)].join('\n') + '\n');
    writeFileSync(join(work, 'part2.csv'), [head, ...rest.slice(4)].join('\n') + '\n');
    const run = kubeflash(['nvs', 'generate', 'part1.csv', 'part2.csv', 'out.bin', '0x6000'], work);
    expect(run.status).toBe(0);
    expect(same(join(work, 'out.bin'), vector('01a_config', 'output.bin'))).toBe(true);
  });

  it.each(readdirSync(nvsDir).filter((d) => existsSync(vector(d, 'expected_error.txt'))))(
    'error vector %s: one-line error naming the line and key, non-zero exit, no output file',
    (name) => {
      const size = name.includes('0x3000') ? '0x3000' : '0x6000';
      const out = join(work, 'out.bin');
      const run = kubeflash(['nvs', 'generate', vector(name, 'input.csv'), out, size]);
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/^kubeflash: .*input\.csv: line \d+: /);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(work)).toEqual([]);
    },
  );

  it('keeps an existing output file untouched when generation fails', () => {
    const out = join(work, 'keep.bin');
    writeFileSync(out, 'previous');
    const run = kubeflash(['nvs', 'generate', vector('01b_err_u8_overflow', 'input.csv'), out, '0x6000']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('line 3: value 256 for key "too_big" (u8) is out of range 0..255');
    expect(readFileSync(out, 'utf8')).toBe('previous');
    expect(readdirSync(work)).toEqual(['keep.bin']);
  });

  it.each([
    ['0x1001', 'multiple of 4096'],
    ['abc', 'hex (0x6000) or decimal'],
    ['0', 'multiple of 4096'],
  ])('rejects size %s with a clear message', (size, message) => {
    const run = kubeflash(['nvs', 'generate', vector('01a_config', 'input.csv'), join(work, 'x.bin'), size]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(message);
    expect(readdirSync(work)).toEqual([]);
  });

  it('reports a missing CSV without a stack trace', () => {
    const run = kubeflash(['nvs', 'generate', join(work, 'missing.csv'), join(work, 'x.bin'), '0x6000']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/^kubeflash: cannot read CSV .*missing\.csv: ENOENT\n$/);
  });

  it('encrypt --inputkey reproduces the encrypted vectors', () => {
    for (const name of ['02a_encrypted_config', '02d_encrypted_long']) {
      const out = join(work, `${name}.bin`);
      const run = kubeflash(['nvs', 'encrypt', vector(name, 'input.csv'), out, '0x6000', '--inputkey', vector(name, 'keys.bin')]);
      expect(run.status).toBe(0);
      expect(same(out, vector(name, 'output.bin'))).toBe(true);
    }
  });

  it('encrypt --keygen --key_protect_hmac --kp_hmac_inputkey writes keys/<keyfile> and the image of 02b', () => {
    const name = '02b_encrypted_hmac_keygen';
    cpSync(vector(name, 'input.csv'), join(work, 'input.csv'));
    cpSync(vector(name, 'hmac_key.bin'), join(work, 'hmac_key.bin'));
    const run = kubeflash(
      ['nvs', 'encrypt', 'input.csv', 'output.bin', '0x6000', '--keygen', '--key_protect_hmac', '--kp_hmac_inputkey', 'hmac_key.bin', '--keyfile', 'nvs_keys.bin'],
      work,
    );
    expect(run.status).toBe(0);
    expect(same(join(work, 'output.bin'), vector(name, 'output.bin'))).toBe(true);
    expect(same(join(work, 'keys/nvs_keys.bin'), vector(name, 'keys/nvs_keys.bin'))).toBe(true);
    const gen = kubeflash(['nvs', 'generate-key', '--key_protect_hmac', '--kp_hmac_inputkey', 'hmac_key.bin', '--keyfile', 'gen_keys.bin'], work);
    expect(gen.status).toBe(0);
    expect(same(join(work, 'keys/gen_keys.bin'), vector(name, 'keys/gen_keys.bin'))).toBe(true);
  });

  it('encrypt --keygen makes random keys that decrypt the image back to the plain reference', () => {
    const run = kubeflash(['nvs', 'encrypt', vector('01a_config', 'input.csv'), 'enc.bin', '0x6000', '--keygen', '--keyfile', 'k', '--outdir', work]);
    expect(run.status).toBe(0);
    expect(run.stdout).not.toMatch(/[0-9a-f]{64}/);
    const keyFile = readFileSync(join(work, 'keys/k.bin'));
    expect(keyFile.length).toBe(4096);
    expect(keyFile.readUInt32LE(64)).toBe(crc32Esp(keyFile.subarray(0, 64)));
    const plain = decryptNvsImage(readFileSync(join(work, 'enc.bin')), parseNvsKeyPartition(keyFile));
    expect(Buffer.from(plain).equals(readFileSync(vector('01a_config', 'output.bin')))).toBe(true);
    expect(readFileSync(join(work, 'enc.bin')).equals(readFileSync(vector('01a_config', 'output.bin')))).toBe(false);
  });

  it('generate-key (alias keygen) writes distinct CSPRNG keys with a valid CRC; --kp_hmac_keygen also saves the HMAC key', () => {
    expect(kubeflash(['nvs', 'generate-key', '--keyfile', 'one.bin', '--outdir', work]).status).toBe(0);
    expect(kubeflash(['nvs', 'keygen', '--keyfile', 'two.bin', '--outdir', work]).status).toBe(0);
    const one = readFileSync(join(work, 'keys/one.bin'));
    const two = readFileSync(join(work, 'keys/two.bin'));
    expect(one.subarray(0, 64).equals(two.subarray(0, 64))).toBe(false);
    expect(() => parseNvsKeyPartition(one)).not.toThrow();
    expect(kubeflash(['nvs', 'generate-key', '--key_protect_hmac', '--kp_hmac_keygen', '--keyfile', 'h.bin', '--outdir', work]).status).toBe(0);
    expect(readFileSync(join(work, 'keys/hmac-h.bin')).length).toBe(32);
  });

  it('encrypt without a key option, or with both, fails with exit code 2', () => {
    const csv = vector('01a_config', 'input.csv');
    expect(kubeflash(['nvs', 'encrypt', csv, join(work, 'e.bin'), '0x6000'])).toMatchObject({ status: 2 });
    const both = kubeflash(['nvs', 'encrypt', csv, join(work, 'e.bin'), '0x6000', '--keygen', '--inputkey', vector('02a_encrypted_config', 'keys.bin')]);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('cannot be used together');
    expect(readdirSync(work)).toEqual([]);
  });

  it('decrypt <in> <keys> <out> gives decrypted.bin; a damaged key file is rejected', () => {
    const name = '02a_encrypted_config';
    const run = kubeflash(['nvs', 'decrypt', vector(name, 'output.bin'), vector(name, 'keys.bin'), join(work, 'd.bin')]);
    expect(run.status).toBe(0);
    expect(same(join(work, 'd.bin'), vector(name, 'decrypted.bin'))).toBe(true);
    const bad = readFileSync(vector(name, 'keys.bin'));
    bad[64] ^= 1;
    writeFileSync(join(work, 'bad.bin'), bad);
    const failed = kubeflash(['nvs', 'decrypt', vector(name, 'output.bin'), join(work, 'bad.bin'), join(work, 'd2.bin')]);
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toContain('CRC32 does not match');
    expect(existsSync(join(work, 'd2.bin'))).toBe(false);
  });

  it('parse --json prints exactly what nvs_tool.py -f json -d minimal printed (plain and with --keys)', () => {
    const plain = kubeflash(['nvs', 'parse', vector('01c_long_string_then_blob', 'output.bin'), '--json']);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toBe(readFileSync(vector('01c_long_string_then_blob', 'nvs_tool_minimal.json'), 'utf8'));
    const enc = kubeflash(['nvs', 'parse', vector('02d_encrypted_long', 'output.bin'), '--keys', vector('02d_encrypted_long', 'keys.bin'), '--json']);
    expect(enc.status).toBe(0);
    expect(enc.stdout).toBe(readFileSync(vector('02d_encrypted_long', 'nvs_tool_minimal.json'), 'utf8'));
  });

  it('parse prints typed values and exits 1 with the problem when a CRC is damaged', () => {
    const ok = kubeflash(['nvs', 'parse', vector('01b_all_encodings', 'output.bin')]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('enc:u64_max (u64) = 18446744073709551615');
    expect(ok.stdout).toContain('enc:str (string) = "hello world"');
    expect(ok.stdout).toContain('integrity: no problems found');
    const image = readFileSync(vector('01a_config', 'output.bin'));
    image[64 + 32 + 4] ^= 0xff; // entry CRC of wifi_ssid
    writeFileSync(join(work, 'bad.bin'), image);
    const bad = kubeflash(['nvs', 'parse', join(work, 'bad.bin')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('kubeflash: error: page 0 entry 1 (key "wifi_ssid"): entry CRC32 does not match');
  });
});

describe('nvs command helpers', () => {
  it('parseNvsSize accepts hex and decimal multiples of 4096 only', () => {
    expect(parseNvsSize('0x6000')).toBe(0x6000);
    expect(parseNvsSize('0X3000')).toBe(0x3000);
    expect(parseNvsSize('8192')).toBe(8192);
    expect(() => parseNvsSize('6k')).toThrow('size must be hex (0x6000) or decimal (24576), got "6k"');
    expect(() => parseNvsSize('0x100')).toThrow('not a positive multiple of 4096');
  });

  it('writeFileAtomic replaces the target in one step and leaves no temporary file when writing fails', () => {
    const target = join(work, 'out.bin');
    writeFileAtomic(target, new Uint8Array([1, 2, 3]));
    writeFileAtomic(target, new Uint8Array([4]));
    expect([...readFileSync(target)]).toEqual([4]);
    expect(readdirSync(work)).toEqual(['out.bin']);
    const blocked = join(work, 'dir.bin');
    cpSync(target, join(blocked, 'inside'), { recursive: true });
    expect(() => writeFileAtomic(blocked, new Uint8Array([1]))).toThrow(/cannot write .*dir\.bin/);
    expect(readdirSync(work).sort()).toEqual(['dir.bin', 'out.bin']);
  });
});
