import { mkdir, writeFile } from 'node:fs/promises';
import { resolve, join } from 'node:path';
import type { Command } from 'commander';
import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { DevCluster } from '@kubeflash/devcluster';
import { dependencyOrder, readManifestDir, ensureObjects, waitForCrdsEstablished } from '@kubeflash/operator/kube';
import { createLogger, LogFormat, startOperator } from '@kubeflash/operator';
import { crdDir, examplesDir } from '@kubeflash/operator/paths';
import { UsageError, parsePort, ARTIFACTS_URL_FILE } from '@kubeflash/operator/cli';
import { DEFAULT_BUILDER_SETTINGS, ensureUrlKey, openFileSystemStore, startArtifactService } from '@kubeflash/operator/artifacts';
import { seedDemoFirmware } from './dev-firmware';

interface DevOptions {
  stateDir: string;
  port: string;
  healthPort: string;
  artifactsPort: string;
  examples: boolean;
  kubeconfig?: string;
}

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('run the embedded devcluster (development only) with the CRDs, the example fleet and the operator')
    .option('--state-dir <dir>', 'folder for the persisted cluster state and the kubeconfig', '.kubeflash/dev')
    .option('--port <port>', 'port of the devcluster API server (0 = any free port)', '6443')
    .option('--health-port <port>', 'port of the operator health endpoints (0 = any free port)', '0')
    .option('--artifacts-port <port>', 'port of the artifact service (0 = any free port); its URL goes to <state-dir>/artifacts.url', '0')
    .option('--no-examples', 'do not apply the example fleet')
    .option('--kubeconfig <path>', 'use this cluster instead of starting devcluster')
    .action((options: DevOptions) => runDev(options));
}

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function runDev(options: DevOptions): Promise<void> {
  const port = parsePort(options.port, '--port');
  const healthPort = parsePort(options.healthPort, '--health-port');
  const artifactsPort = parsePort(options.artifactsPort, '--artifacts-port');
  const stateDir = resolve(options.stateDir);
  let cluster: DevCluster | undefined;
  const kubeConfig = new KubeConfig();
  let kubeconfigPath: string;

  if (options.kubeconfig) {
    kubeconfigPath = resolve(options.kubeconfig);
    try {
      kubeConfig.loadFromFile(kubeconfigPath);
    } catch (err) {
      throw new UsageError(`cannot read kubeconfig ${kubeconfigPath}: ${err instanceof Error ? err.message : String(err)}`);
    }
  } else {
    await mkdir(stateDir, { recursive: true });
    cluster = await (await import('@kubeflash/devcluster')).startDevCluster({ port, stateDir, log: (line) => log(`devcluster: ${line}`) });
    kubeconfigPath = join(stateDir, 'kubeconfig');
    kubeConfig.loadFromString(cluster.kubeconfigYaml());
  }

  try {
    await serve(kubeConfig, kubeconfigPath, cluster, options.examples, healthPort, { stateDir, port: artifactsPort });
  } finally {
    if (cluster) await cluster.stop();
  }
  log('stopped');
}

/** Namespace of the dev artifact service's signed-URL key (as the chart's release namespace). */
const DEV_SYSTEM_NAMESPACE = 'kubeflash-system';

/** Starts the artifact service in this process, storing blobs in <state-dir>/artifacts; its URL goes to <state-dir>/artifacts.url. */
async function startDevArtifacts(kubeConfig: KubeConfig, artifacts: { stateDir: string; port: number }) {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  try {
    await core.createNamespace({ body: { metadata: { name: DEV_SYSTEM_NAMESPACE } } });
  } catch (err) {
    if (!(err instanceof ApiException && err.code === 409)) throw err;
  }
  const { store, removedPartialUploads } = await openFileSystemStore(join(artifacts.stateDir, 'artifacts'));
  if (removedPartialUploads) log(`artifacts: removed ${removedPartialUploads} partial upload(s) left by the previous run`);
  const service = await startArtifactService({
    kubeConfig,
    store,
    port: artifacts.port,
    urlKey: await ensureUrlKey(core, DEV_SYSTEM_NAMESPACE),
    // No pods run here: build Jobs are created (and shown) but never start; dev uploads demo builds instead.
    builder: { ...DEFAULT_BUILDER_SETTINGS, uploaderImage: 'kubeflash-operator:dev', artifactsUrl: 'http://127.0.0.1' },
    startTimeoutMs: 24 * 3600_000,
    logger: createLogger({ format: LogFormat.Text }),
  });
  await writeFile(join(artifacts.stateDir, ARTIFACTS_URL_FILE), `${service.url}\n`);
  return service;
}

/** Installs the CRDs (and examples), runs the operator until Ctrl-C. Any failure propagates after cleanup. */
async function serve(kubeConfig: KubeConfig, kubeconfigPath: string, cluster: DevCluster | undefined, examples: boolean, healthPort: number, artifacts: { stateDir: string; port: number }): Promise<void> {
  const crds = await readManifestDir(crdDir);
  await ensureObjects(kubeConfig, crds.map((m) => m.object), 'create-or-replace');
  await waitForCrdsEstablished(kubeConfig, crds.map((m) => m.object.metadata?.name ?? ''));
  log(`CRDs: ${crds.length} installed`);

  if (examples) {
    const manifests = dependencyOrder(await readManifestDir(examplesDir));
    const outcomes = await ensureObjects(kubeConfig, manifests.map((m) => m.object), 'create-or-keep');
    const created = outcomes.filter((o) => o === 'created').length;
    log(`examples: ${created} created, ${outcomes.length - created} already present`);
  }

  const operator = await startOperator({ kubeConfig, healthPort, logger: createLogger({ format: LogFormat.Text }) });
  const service = await startDevArtifacts(kubeConfig, artifacts);
  if (examples) {
    const seeded = await seedDemoFirmware(kubeConfig, service.url);
    log(`firmware: ${seeded.length} demo build(s) uploaded${seeded.length ? `: ${seeded.join(', ')}` : ''}`);
  }
  // Written last: its presence tells scripts and tests that the API, CRDs and examples are ready.
  if (cluster) await cluster.writeKubeconfig(kubeconfigPath);

  log('');
  log(`kubeflash dev is running. API server: ${kubeConfig.getCurrentCluster()?.server}`);
  log(`  artifact service: ${service.url}   (also in ${join(artifacts.stateDir, ARTIFACTS_URL_FILE)})`);
  log(`  export KUBECONFIG=${kubeconfigPath}`);
  log('  kubectl get kubeflash -A          # every kubeflash object');
  log('  kubectl get devices -A -o wide');
  log('Press Ctrl-C to stop.');

  await new Promise<void>((resolveStop) => {
    const stop = (): void => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  log('stopping...');
  await service.stop();
  await operator.stop();
}
