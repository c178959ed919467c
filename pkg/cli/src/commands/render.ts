import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { buildNvsKeyPartition } from '@kubeflash/esp';
import { renderFleet } from '@kubeflash/operator/config';
import { readManifestDir } from '@kubeflash/operator/kube';
import { UsageError } from '@kubeflash/operator/cli';

interface RenderOptions {
  out: string;
}

/**
 * `kubeflash render <manifests dir> --out <dir>`: compiles every Device of a folder of YAML (with its classes,
 * clusters, groups and Secrets) into `<dir>/<namespace>/<device>/config.bin` and `config.csv`, as the operator
 * would, without a cluster. Encrypted classes also get `nvs_keys.bin`.
 */
export function registerRenderCommand(program: Command): void {
  program
    .command('render')
    .description('compile the config.bin/config.csv of every Device in a folder of YAML, offline (same bytes as the operator)')
    .argument('<manifests>', 'folder of YAML manifests: Devices, DeviceClasses, DevicesClusters, DeviceGroups, Secrets')
    .requiredOption('--out <dir>', 'output folder; files go to <dir>/<namespace>/<device>/')
    .action((manifests: string, options: RenderOptions) => runRender(manifests, options));
}

async function runRender(manifestsDir: string, options: RenderOptions): Promise<void> {
  const dir = resolve(manifestsDir);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`${manifestsDir} is not a folder of YAML manifests`);
  let manifests;
  try {
    manifests = await readManifestDir(dir);
  } catch (err) {
    throw new UsageError(`cannot read manifests: ${err instanceof Error ? err.message : String(err)}`);
  }
  // What the API server would store (YAML-only types such as dates do not survive JSON).
  const objects = JSON.parse(JSON.stringify(manifests.map((m) => m.object)));
  const results = renderFleet(objects);
  if (results.length === 0) throw new UsageError(`no Devices (kubeflash.dev/v1alpha1) found in ${manifestsDir}`);
  const out = resolve(options.out);
  let failed = 0;
  for (const r of results) {
    const id = `${r.namespace}/${r.name}`;
    if (!r.outcome.ok) {
      failed++;
      process.stderr.write(`kubeflash: ${id}: ${r.outcome.reason}: ${r.outcome.message}\n`);
      continue;
    }
    const target = join(out, r.namespace, r.name);
    await mkdir(target, { recursive: true });
    await writeFile(join(target, 'config.bin'), r.outcome.files.configBin);
    await writeFile(join(target, 'config.csv'), r.outcome.files.configCsv);
    if (r.credentials.nvsKeys) await writeFile(join(target, 'nvs_keys.bin'), buildNvsKeyPartition(r.credentials.nvsKeys), { mode: 0o600 });
    const note = r.generatedCredentials ? ' (new credentials generated: no <device>-credentials Secret in the input)' : '';
    process.stdout.write(`${id}: ${r.outcome.bytesUsed}/${r.outcome.partitionSize} bytes, ${r.outcome.hash}${note}\n`);
  }
  if (failed > 0) throw new UsageError(`${failed} of ${results.length} devices could not be rendered`, 1);
}
