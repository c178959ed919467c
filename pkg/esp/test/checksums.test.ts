import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { espVectorsDir } from '../src/test-vectors';

/** Files of the vector folder that SHA256SUMS does not cover: the list itself and the folder's own docs/settings. */
const UNLISTED = new Set(['SHA256SUMS', 'README.md', '.gitattributes']);

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

/** Parses `sha256sum` output: one `<64 hex>  <path>` per line. */
function parseSums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!m) throw new Error(`SHA256SUMS line ${i + 1} is not "<sha256>  <path>": ${JSON.stringify(line)}`);
    if (sums.has(m[2])) throw new Error(`SHA256SUMS lists ${m[2]} twice`);
    sums.set(m[2], m[1]);
  });
  return sums;
}

describe('ESP golden vectors (pkg/esp/test/vectors)', () => {
  const dir = espVectorsDir();
  const sums = parseSums(readFileSync(join(dir, 'SHA256SUMS'), 'utf8'));

  it('lists the NVS, partition table and image vectors', () => {
    const top = new Set([...sums.keys()].map((path) => path.split('/')[0]));
    expect([...top].sort()).toEqual(['README.txt', 'images', 'nvs', 'partition_table']);
    expect(sums.size).toBeGreaterThan(200);
  });

  it('has every listed file with its recorded SHA-256', () => {
    const wrong = [...sums].flatMap(([path, want]) => {
      let got: string;
      try {
        got = createHash('sha256').update(readFileSync(join(dir, path))).digest('hex');
      } catch {
        return [`${path}: missing`];
      }
      return got === want ? [] : [`${path}: sha256 ${got}, SHA256SUMS says ${want}`];
    });
    expect(wrong).toEqual([]);
  });

  it('lists every file in the folder', () => {
    const unlisted = listFiles(dir).filter((path) => !UNLISTED.has(path) && !sums.has(path));
    expect(unlisted).toEqual([]);
  });
});
