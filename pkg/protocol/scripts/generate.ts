// Writes the package's generated files (schemas/*.schema.json, vectors/*.json, vectors/SHA256SUMS).
// With --check, writes nothing and fails when a file on disk differs.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PACKAGE_ROOT, renderFiles } from './render';

const check = process.argv.includes('--check');
const stale: string[] = [];
const files = renderFiles();
for (const [path, content] of files) {
  const target = join(PACKAGE_ROOT, path);
  const expected = typeof content === 'string' ? Buffer.from(content) : content;
  const current = existsSync(target) ? readFileSync(target) : undefined;
  if (current && current.equals(expected)) continue;
  if (check) {
    stale.push(path);
  } else {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, expected);
    console.log(`wrote pkg/protocol/${path}`);
  }
}
if (stale.length > 0) {
  console.error(`out of date (run: yarn workspace @kubeflash/protocol generate):\n  ${stale.join('\n  ')}`);
  process.exit(1);
}
if (check) console.log(`${files.size} generated files of @kubeflash/protocol are current`);
