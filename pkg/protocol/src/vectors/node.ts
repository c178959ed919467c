import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { VectorCase, VectorFile } from './format';

export * from './format';

/** The folder holding the vector files, SHA256SUMS and README.md. */
export const VECTORS_DIR = fileURLToPath(new URL('../../vectors/', import.meta.url));

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
