#!/usr/bin/env node
// Builds a library workspace (run from its folder) to plain JavaScript for Node and bundlers: every
// `exports` entry that names a `kubeflash-source` file is bundled by esbuild into its `default` file
// (shared code in chunks, dependencies left as imports), and tsc writes the `.d.ts` files under dist/types.
// Inside the repository, TypeScript, jest, tsx, webpack and esbuild resolve the `kubeflash-source`
// condition and use the sources directly, so nothing needs building during development.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const pkgDir = process.cwd();
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const entries = Object.values(pkg.exports ?? {}).filter((target) => typeof target === 'object' && target['kubeflash-source']);
if (entries.length === 0) throw new Error(`${pkg.name}: no exports entry has a "kubeflash-source" condition`);

const outdir = join(pkgDir, 'dist');
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: pkgDir,
  entryPoints: entries.map((target) => ({
    in: target['kubeflash-source'],
    out: relative('dist', target.default).replace(/\.js$/, ''),
  })),
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

// Declarations of the sources only (the package's tsconfig may also cover tests, benches and scripts).
const declarationConfig = join(pkgDir, '.tsconfig.declarations.json');
writeFileSync(declarationConfig, JSON.stringify({ extends: './tsconfig.json', include: ['src/**/*.ts'], exclude: ['src/**/*.test.ts'] }));
const tsc = spawnSync(process.execPath, [
  join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'typescript', 'bin', 'tsc'),
  '-p', declarationConfig,
  '--noEmit', 'false', '--declaration', '--emitDeclarationOnly', '--sourceMap', 'false',
  '--outDir', join(outdir, 'types'), '--rootDir', join(pkgDir, 'src'),
], { stdio: 'inherit' });
rmSync(declarationConfig);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
console.log(`${pkg.name}: built ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} into dist/`);
