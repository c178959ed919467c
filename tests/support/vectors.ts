import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The shared golden vectors (`../shared/vectors` beside the repository, or $KUBEFLASH_VECTORS); throws if absent. */
export function vectorsDir(): string {
  const dir = process.env.KUBEFLASH_VECTORS ?? resolve(repoRoot, '..', 'shared', 'vectors');
  if (!existsSync(join(dir, 'README.txt'))) {
    throw new Error(`golden vectors not found at ${dir}: the repository must sit beside shared/, or set KUBEFLASH_VECTORS`);
  }
  return dir;
}
