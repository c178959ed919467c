import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { VectorCase, VectorFile } from './format';

export * from './format';

/** The package's own folder: the nearest one above this module (source or built) with `vectors/SHA256SUMS`. */
function packageDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'vectors', 'SHA256SUMS'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`@kubeflash/protocol: no vectors/ folder above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

/** The folder holding the vector files, SHA256SUMS and README.md. */
export const VECTORS_DIR = join(packageDir(), 'vectors');

/** Reads every `*.json` vector file of `dir` (default: the package's vectors/), by file name. */
export function readVectorFiles(dir: string = VECTORS_DIR): Map<string, VectorFile> {
  const files = new Map<string, VectorFile>();
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    files.set(name, JSON.parse(readFileSync(join(dir, name), 'utf8')) as VectorFile);
  }
  return files;
}

/** Every vector case of every file, with the file it came from. */
export function readVectors(dir: string = VECTORS_DIR): (VectorCase & { file: string })[] {
  return [...readVectorFiles(dir)].flatMap(([file, content]) => content.cases.map((c) => ({ ...c, file })));
}
