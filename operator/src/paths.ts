import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root, for dev-time assets (CRDs, examples) that ship beside the sources. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const crdDir = join(repoRoot, 'charts', 'kubeflash', 'crds');
export const examplesDir = join(repoRoot, 'examples');
