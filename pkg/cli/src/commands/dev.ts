import { mkdir, writeFile } from 'node:fs/promises';
import { resolve, join } from 'node:path';
import type { Command } from 'commander';
import { AdmissionregistrationV1Api, ApiException, CoreV1Api, KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { WEBHOOK_CONFIGURATION_NAME, installObjects } from '@kubeflash/install';
import type { DevCluster } from '@kubeflash/devcluster';
import { dependencyOrder, readManifestDir, ensureObjects, waitForCrdsEstablished } from '@kubeflash/operator/kube';
import { createLogger, fixedCertificates, LogFormat, makeServingMaterial, startOperator } from '@kubeflash/operator';
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
  operator: boolean;
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
    .option('--no-operator', 'do not run the operator (with --no-examples: the bare API server with the CRDs installed)')
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
    await serve(kubeConfig, kubeconfigPath, cluster, { examples: options.examples, runOperator: options.operator, healthPort }, { stateDir, port: artifactsPort });
  } finally {
    if (cluster) await cluster.stop();
  }
  log('stopped');
}

/** The webhook configurations of the install, pointing at this process's webhook server by URL. */
function devWebhookConfigurations(port: number, caBundlePem: string): KubernetesObject[] {
  const webhookClient = { url: `https://127.0.0.1:${port}`, caBundle: Buffer.from(caBundlePem).toString('base64') };
  return installObjects({ webhookClient, namespaceObject: false }).filter((o) => WEBHOOK_KINDS.includes(String(o.kind))) as KubernetesObject[];
}

const WEBHOOK_KINDS = ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'];

/** Removes the dev webhook configurations (they point at a port that is about to close). */
async function unregisterDevWebhooks(kubeConfig: KubeConfig): Promise<void> {
  const api = kubeConfig.makeApiClient(AdmissionregistrationV1Api);
  await Promise.allSettled([
    api.deleteValidatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME }),
    api.deleteMutatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME }),
  ]);
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

/**
 * Installs the CRDs, runs the operator with its admission webhooks served in-process and registered by URL (on
 * devcluster; a real cluster's API server cannot reach this machine), then applies the examples through them and
 * starts the artifact service, until Ctrl-C. With --no-operator only the CRDs and examples are installed. Any
 * failure propagates after cleanup.
 */
interface ServeOptions {
  examples: boolean;
  runOperator: boolean;
  healthPort: number;
}

async function serve(
  kubeConfig: KubeConfig,
  kubeconfigPath: string,
  cluster: DevCluster | undefined,
  { examples, runOperator, healthPort }: ServeOptions,
  artifacts: { stateDir: string; port: number },
): Promise<void> {
  const crds = await readManifestDir(crdDir);
  await ensureObjects(kubeConfig, crds.map((m) => m.object), 'create-or-replace');
  await waitForCrdsEstablished(kubeConfig, crds.map((m) => m.object.metadata?.name ?? ''));
  log(`CRDs: ${crds.length} installed`);

  const material = cluster && runOperator ? await makeServingMaterial([], ['127.0.0.1']) : undefined;
  const operator = runOperator ? await startOperator({
    kubeConfig,
    healthPort,
    logger: createLogger({ format: LogFormat.Text }),
    webhooks: material ? { host: '127.0.0.1', port: 0, certificates: fixedCertificates(material) } : undefined,
  }) : undefined;
  const webhookPort = operator?.webhookPort();
  if (!operator) {
    log('operator: not started (--no-operator)');
  } else if (material && webhookPort) {
    await ensureObjects(kubeConfig, devWebhookConfigurations(webhookPort, material.caBundlePem), 'create-or-replace');
    log(`webhooks: validation and defaults served on https://127.0.0.1:${webhookPort} and registered`);
  } else {
    log('webhooks: not registered in an external cluster (its API server cannot reach this machine); the Helm chart installs them');
  }

  if (examples) {
    const manifests = dependencyOrder(await readManifestDir(examplesDir));
    const outcomes = await ensureObjects(kubeConfig, manifests.map((m) => m.object), 'create-or-keep');
    const created = outcomes.filter((o) => o === 'created').length;
    log(`examples: ${created} created, ${outcomes.length - created} already present`);
  }

  const service = runOperator ? await startDevArtifacts(kubeConfig, artifacts) : undefined;
  if (service && examples) {
    const seeded = await seedDemoFirmware(kubeConfig, service.url);
    log(`firmware: ${seeded.length} demo build(s) uploaded${seeded.length ? `: ${seeded.join(', ')}` : ''}`);
  }
  // Written last: its presence tells scripts and tests that the API, CRDs and examples are ready.
  if (cluster) await cluster.writeKubeconfig(kubeconfigPath);

  log('');
  log(`kubeflash dev is running. API server: ${kubeConfig.getCurrentCluster()?.server}`);
  if (service) log(`  artifact service: ${service.url}   (also in ${join(artifacts.stateDir, ARTIFACTS_URL_FILE)})`);
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
  if (material) await unregisterDevWebhooks(kubeConfig);
  await service?.stop();
  await operator?.stop();
}
