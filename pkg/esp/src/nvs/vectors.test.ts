import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { espVectorsDir } from '../test-vectors';
import { buildNvsKeyPartition, deriveNvsKeysFromHmacKey, parseNvsKeyPartition, type NvsKeys } from './keys';
import { NvsInputError } from './errors';
import { buildNvsImageFromCsvFile, createNvsXtsCipher, decryptNvsImage, encryptNvsImage } from './node';
import { formatNvsToolJson, nvsToolMinimalRecords, parseNvsImage } from './reader';

const nvsDir = join(espVectorsDir(), 'nvs');
const folders = existsSync(nvsDir) ? readdirSync(nvsDir).filter((d) => existsSync(join(nvsDir, d, 'input.csv'))).sort() : [];

/** The generator command of a vector, from its README (first `generate`/`encrypt` line). */
function command(dir: string): { mode: 'generate' | 'encrypt'; size: number; version: 1 | 2; args: string } {
  const readme = readFileSync(join(dir, 'README.txt'), 'utf8');
  const m = /esp_idf_nvs_partition_gen (generate|encrypt) input\.csv \S+ (0x[0-9a-fA-F]+|\d+)(.*)$/m.exec(readme);
  if (!m) throw new Error(`no generator command in ${dir}/README.txt`);
  const version = /--version (\d)/.exec(m[3]);
  return { mode: m[1] as 'generate' | 'encrypt', size: Number(m[2]), version: version ? (Number(version[1]) as 1 | 2) : 2, args: m[3] };
}

/** Keys of an encrypted vector: HMAC-derived (checked against the tool's key files) or the key file in the folder. */
function vectorKeys(dir: string, args: string): NvsKeys {
  if (args.includes('--key_protect_hmac')) {
    const keys = deriveNvsKeysFromHmacKey(readFileSync(join(dir, 'hmac_key.bin')));
    const partition = Buffer.from(buildNvsKeyPartition(keys));
    for (const file of ['keys/nvs_keys.bin', 'keys/gen_keys.bin']) {
      if (existsSync(join(dir, file))) expect(partition.equals(readFileSync(join(dir, file)))).toBe(true);
    }
    return keys;
  }
  const file = ['keys.bin', 'keys/nvs_keys.bin'].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!file) throw new Error(`no key file in ${dir}`);
  return parseNvsKeyPartition(readFileSync(file));
}

/** What each error vector must report: the line, the key and the limit. */
const EXPECTED_ERRORS: Record<string, { line: number; key?: string; limit: string[] }> = {
  '01b_err_u8_overflow': { line: 3, key: 'too_big', limit: ['0..255', '256'] },
  '01c_err_string_3999': { line: 3, key: 'long_str', limit: ['4000 bytes', 'at most 3968'] },
  '01c_err_string_4000': { line: 3, key: 'long_str', limit: ['4001 bytes', 'at most 4000', '3968'] },
  '01e_err_key16': { line: 3, key: 'key_sixteen_16ch', limit: ['16 characters', 'at most 15'] },
  '01g_err_utf8_bom': { line: 1, limit: ['byte-order mark'] },
  '01i_err_overflow_0x3000': { line: 52, key: 'k049', limit: ['0x3000', '2 data page', 'needs 4 page'] },
};

describe('NVS golden vectors', () => {
  it(`finds the vector folder (${nvsDir})`, () => {
    if (!existsSync(nvsDir)) throw new Error(`NVS vectors not found: looked in ${nvsDir}`);
    expect(folders.length).toBeGreaterThanOrEqual(29);
  });

  for (const name of folders) describe(name, () => {
    const dir = join(nvsDir, name);
    const cmd = command(dir);
    const isError = existsSync(join(dir, 'expected_error.txt'));

    if (isError) {
      it('is rejected with an error naming the line, the key and the limit', () => {
        const expected = EXPECTED_ERRORS[name];
        if (!expected) throw new Error(`new error vector ${name}: add its expectation to EXPECTED_ERRORS`);
        let error: unknown;
        try {
          buildNvsImageFromCsvFile(join(dir, 'input.csv'), { size: cmd.size, version: cmd.version });
        } catch (err) {
          error = err;
        }
        expect(error).toBeInstanceOf(NvsInputError);
        const e = error as NvsInputError;
        expect(e.line).toBe(expected.line);
        expect(e.message).toContain(`line ${expected.line}:`);
        if (expected.key) {
          expect(e.key).toBe(expected.key);
          expect(e.message).toContain(`"${expected.key}"`);
        }
        for (const text of expected.limit) expect(e.message).toContain(text);
      });
      return;
    }

    it('builds output.bin byte for byte', () => {
      const keys = cmd.mode === 'encrypt' ? vectorKeys(dir, cmd.args) : undefined;
      const image = buildNvsImageFromCsvFile(join(dir, 'input.csv'), {
        size: cmd.size,
        version: cmd.version,
        encryptEntry: keys && createNvsXtsCipher(keys, 'encrypt'),
      });
      const expected = readFileSync(join(dir, 'output.bin'));
      expect(image.length).toBe(expected.length);
      expect(Buffer.from(image).equals(expected)).toBe(true);
    });

    if (cmd.mode === 'encrypt') {
      it('decrypts output.bin to decrypted.bin and re-encrypts it to output.bin', () => {
        const keys = vectorKeys(dir, cmd.args);
        const output = readFileSync(join(dir, 'output.bin'));
        const decrypted = decryptNvsImage(output, keys);
        expect(Buffer.from(decrypted).equals(readFileSync(join(dir, 'decrypted.bin')))).toBe(true);
        expect(Buffer.from(encryptNvsImage(decrypted, keys)).equals(output)).toBe(true);
      });
    }

    it('reads back exactly what nvs_tool.py -f json -d minimal printed, without integrity errors', () => {
      const options = cmd.mode === 'encrypt' ? { decryptEntry: createNvsXtsCipher(vectorKeys(dir, cmd.args), 'decrypt') } : {};
      const parsed = parseNvsImage(readFileSync(join(dir, 'output.bin')), options);
      expect(parsed.issues.filter((i) => i.severity === 'error')).toEqual([]);
      expect(formatNvsToolJson(nvsToolMinimalRecords(parsed))).toBe(readFileSync(join(dir, 'nvs_tool_minimal.json'), 'utf8'));
    });

    it('warns exactly when nvs_tool.py -i warned (size under 0x3000, no free page)', () => {
      const integrity = readFileSync(join(dir, 'nvs_tool_integrity.txt'), 'utf8');
      const toolWarned = integrity.split('\n').some((l) => l !== '' && !/^Page no\. \d+\s+CRC32: OK$|^Page Empty$/.test(l));
      const options = cmd.mode === 'encrypt' ? { decryptEntry: createNvsXtsCipher(vectorKeys(dir, cmd.args), 'decrypt') } : {};
      const warnings = parseNvsImage(readFileSync(join(dir, 'output.bin')), options).issues.filter((i) => i.severity === 'warning');
      expect(warnings.length > 0).toBe(toolWarned);
      if (toolWarned) expect(warnings.map((w) => w.message).join('\n')).toMatch(/at least 3 \(0x3000 bytes\)[^]*no empty page/);
    });
  });
});
