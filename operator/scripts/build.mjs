#!/usr/bin/env node
// The operator's production bundle: dist/kubeflash-operator.mjs, one ESM file with every dependency
// inside, run with plain node (`node dist/kubeflash-operator.mjs operator`). Development-only code
// (devcluster, tsx) must never be in it: the build fails if any of it was pulled in.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const operatorDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(operatorDir, 'dist', 'kubeflash-operator.mjs');
const FORBIDDEN = [/(^|\/)pkg\/devcluster\//, /node_modules\/tsx\//, /node_modules\/typescript\//];

const result = await build({
  absWorkingDir: operatorDir,
  entryPoints: ['src/main.ts'],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  conditions: ['kubeflash-source'],
  // CommonJS dependencies inside an ESM bundle still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __kubeflashCreateRequire } from 'node:module';\nconst require = __kubeflashCreateRequire(import.meta.url);" },
  sourcemap: 'linked',
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
});

const inputs = Object.keys(result.metafile.inputs);
const forbidden = inputs.filter((input) => FORBIDDEN.some((pattern) => pattern.test(input)));
if (forbidden.length > 0) {
  console.error(`the operator bundle must not contain development-only code, but it includes:\n  ${forbidden.join('\n  ')}`);
  process.exit(1);
}
writeFileSync(join(operatorDir, 'dist', 'kubeflash-operator.meta.json'), JSON.stringify(result.metafile));
const bytes = result.metafile.outputs[Object.keys(result.metafile.outputs).find((o) => o.endsWith('.mjs'))].bytes;
console.log(`@kubeflash/operator: dist/kubeflash-operator.mjs (${(bytes / 1024 / 1024).toFixed(1)} MiB, ${inputs.length} inputs)`);
