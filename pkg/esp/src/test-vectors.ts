import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The ESP golden vectors kept in this repository (pkg/esp/test/vectors: NVS images, partition tables, ESP
 * image files; see its README.md). Tests, benches and tools read them only through this module, so a fresh
 * clone needs nothing beside it.
 */
export function espVectorsDir(): string {
  const dir = fileURLToPath(new URL('../test/vectors/', import.meta.url));
  if (!existsSync(join(dir, 'SHA256SUMS'))) {
    throw new Error(`ESP golden vectors not found: ${dir} has no SHA256SUMS (is the checkout complete?)`);
  }
  return dir;
}

/** Path of one vector file or folder, e.g. `espVectorPath('nvs', '01a_config', 'output.bin')`. */
export function espVectorPath(...parts: string[]): string {
  return join(espVectorsDir(), ...parts);
}
