import { mkdir } from 'node:fs/promises';
import { resolve, join } from 'node:path';
import type { Command } from 'commander';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { DevCluster } from '@kubeflash/devcluster';
import type { BrokerChoice, RunningBroker } from '@kubeflash/broker';
import { dependencyOrder, readManifestDir, ensureObjects, waitForCrdsEstablished, type SourcedManifest as Manifest } from '@kubeflash/operator/kube';
import { createLogger, fixedCertificates, LogFormat, makeServingMaterial, startOperator } from '@kubeflash/operator';
import { crdDir, examplesDir } from '@kubeflash/operator/paths';
import { UsageError, parsePort, ARTIFACTS_URL_FILE } from '@kubeflash/operator/cli';
import { DEV_SYSTEM_NAMESPACE, pointClustersAtArtifacts, startDevArtifacts } from '../dev/artifacts';
import { brokerAdmin, moveClustersToBroker, onDevBroker } from '../dev/broker';
import { seedDemoFirmware } from '../dev/firmware';
import { devWebhookConfigurations, unregisterDevWebhooks } from '../dev/webhooks';

interface DevOptions {
  stateDir: string;
  port: string;
  healthPort: string;
  artifactsPort: string;
  examples: boolean;
  operator: boolean;
  kubeconfig?: string;
  broker: string;
  brokerPort: string;
  virtualDevices?: string;
}

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('run the embedded devcluster (development only) with the CRDs, an MQTT broker, the operator, the artifact service, the example fleet and virtual devices')
    .option('--state-dir <dir>', 'folder for the persisted cluster state and the kubeconfig', '.kubeflash/dev')
    .option('--port <port>', 'port of the devcluster API server (0 = any free port)', '6443')
    .option('--health-port <port>', 'port of the operator health endpoints (0 = any free port)', '0')
    .option('--artifacts-port <port>', 'port of the artifact service (0 = any free port); its URL goes to <state-dir>/artifacts.url', '0')
    .option('--no-examples', 'do not apply the example fleet')
    .option('--no-operator', 'run neither the operator, the broker, the artifact service nor virtual devices (with --no-examples: the bare API server with the CRDs installed)')
    .option('--kubeconfig <path>', 'use this cluster instead of starting devcluster')
    .option('--broker <kind>', 'MQTT broker: auto (mosquitto with dynamic security when installed, else embedded), mosquitto or embedded', 'auto')
    .option('--broker-port <port>', 'port of the MQTT broker (0 = any free port)', '0')
    .option('--virtual-devices <n>', 'virtual devices for the first n example Devices (default: one per example Device; 0 for none)')
    .action((options: DevOptions) => runDev(options));
}

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function runDev(options: DevOptions): Promise<void> {
  const port = parsePort(options.port, '--port');
  const healthPort = parsePort(options.healthPort, '--health-port');
  const artifactsPort = parsePort(options.artifactsPort, '--artifacts-port');
  const brokerPort = parsePort(options.brokerPort, '--broker-port');
  if (!['auto', 'mosquitto', 'embedded'].includes(options.broker)) throw new UsageError(`--broker must be auto, mosquitto or embedded, got "${options.broker}"`);
  const virtualDevices = options.virtualDevices === undefined ? undefined : Number(options.virtualDevices);
  if (virtualDevices !== undefined && (!Number.isInteger(virtualDevices) || virtualDevices < 0)) {
    throw new UsageError(`--virtual-devices must be a whole number of at least 0, got "${options.virtualDevices}"`);
  }
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

  const examples = options.examples ? dependencyOrder(await readManifestDir(examplesDir)) : [];
  let broker: RunningBroker | undefined;
  try {
    if (options.operator) {
      const started = await (await import('@kubeflash/broker')).startBroker({
        dir: join(stateDir, 'broker'),
        admin: await brokerAdmin(examples, stateDir, log),
        port: brokerPort,
        choice: options.broker as BrokerChoice,
        log: (line) => log(`broker: ${line}`),
      });
      broker = started.broker;
      log(`MQTT broker: ${started.notice}, listening on ${broker.url}`);
    }
    await serve({ kubeConfig, kubeconfigPath, cluster, examples, runOperator: options.operator, healthPort, broker, virtualDevices, artifacts: { stateDir, port: artifactsPort } });
  } finally {
    await broker?.stop();
    if (cluster) await cluster.stop();
  }
  log('stopped');
}

interface ServeOptions {
  kubeConfig: KubeConfig;
  kubeconfigPath: string;
  cluster: DevCluster | undefined;
  examples: Manifest[];
  runOperator: boolean;
  healthPort: number;
  /** The dev broker (undefined with --no-operator). */
  broker: RunningBroker | undefined;
  virtualDevices: number | undefined;
  artifacts: { stateDir: string; port: number };
}

/**
 * Installs the CRDs, runs the operator with its admission webhooks served in-process and registered by URL (on
 * devcluster; a real cluster's API server cannot reach this machine), applies the examples through them (on the
 * dev broker), starts the artifact service with demo builds and one virtual device per example Device, until
 * Ctrl-C. With --no-operator only the CRDs and examples are installed. Any failure propagates after cleanup.
 */
async function serve({ kubeConfig, kubeconfigPath, cluster, examples, runOperator, healthPort, broker, virtualDevices, artifacts }: ServeOptions): Promise<void> {
  const crds = await readManifestDir(crdDir);
  await ensureObjects(kubeConfig, crds.map((m) => m.object), 'create-or-replace');
  await waitForCrdsEstablished(kubeConfig, crds.map((m) => m.object.metadata?.name ?? ''));
  log(`CRDs: ${crds.length} installed`);

  const material = cluster && runOperator ? await makeServingMaterial([], ['127.0.0.1']) : undefined;
  const operator = runOperator
    ? await startOperator({
        kubeConfig,
        healthPort,
        logger: createLogger({ format: LogFormat.Text }),
        // The artifact service keeps its URL-signing key there; the operator signs OTA URLs with it.
        urlKeyNamespace: DEV_SYSTEM_NAMESPACE,
        webhooks: material ? { host: '127.0.0.1', port: 0, certificates: fixedCertificates(material) } : undefined,
      })
    : undefined;
  const webhookPort = operator?.webhookPort();
  if (!operator) {
    log('operator: not started (--no-operator)');
  } else if (material && webhookPort) {
    await ensureObjects(kubeConfig, devWebhookConfigurations(webhookPort, material.caBundlePem), 'create-or-replace');
    log(`webhooks: validation and defaults served on https://127.0.0.1:${webhookPort} and registered`);
  } else {
    log('webhooks: not registered in an external cluster (its API server cannot reach this machine); the Helm chart installs them');
  }

  const exampleDevices: { namespace: string; name: string }[] = [];
  let exampleObjects: KubernetesObject[] = [];
  if (examples.length > 0) {
    const objects = onDevBroker(examples, broker);
    exampleObjects = objects;
    const outcomes = await ensureObjects(kubeConfig, objects, 'create-or-keep');
    const created = outcomes.filter((o) => o === 'created').length;
    log(`examples: ${created} created, ${outcomes.length - created} already present`);
    if (broker) await moveClustersToBroker(kubeConfig, objects, broker, log);
    for (const o of objects) if (o.kind === 'Device') exampleDevices.push({ namespace: o.metadata?.namespace ?? 'default', name: o.metadata?.name ?? '' });
  }

  const service = runOperator ? await startDevArtifacts(kubeConfig, artifacts, log) : undefined;
  if (service && examples.length > 0) {
    await pointClustersAtArtifacts(kubeConfig, exampleObjects, service.url, log);
    const seeded = await seedDemoFirmware(kubeConfig, service.url);
    log(`firmware: ${seeded.length} demo build(s) uploaded${seeded.length ? `: ${seeded.join(', ')}` : ''}`);
  }

  const simulated = broker ? exampleDevices.slice(0, virtualDevices ?? exampleDevices.length) : [];
  const { startSimulation } = await import('../devices/simulate');
  const simulations = Promise.all(
    [...new Set(simulated.map((d) => d.namespace))].map((namespace) =>
      startSimulation({ kubeConfig, namespace, names: simulated.filter((d) => d.namespace === namespace).map((d) => d.name), log: (line) => log(`virtual device ${line}`) }),
    ),
  ).catch((err: unknown) => {
    log(`virtual devices: ${err instanceof Error ? err.message : String(err)}`);
    return [];
  });
  // Written last: its presence tells scripts and tests that the API, CRDs and examples are ready.
  if (cluster) await cluster.writeKubeconfig(kubeconfigPath);

  log('');
  log(`kubeflash dev is running. API server: ${kubeConfig.getCurrentCluster()?.server}`);
  if (service) log(`  artifact service: ${service.url}   (also in ${join(artifacts.stateDir, ARTIFACTS_URL_FILE)})`);
  if (broker) log(`  MQTT broker ${broker.kind} on ${broker.url}; ${simulated.length} virtual device${simulated.length === 1 ? '' : 's'} (--virtual-devices N)`);
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
  for (const simulation of await simulations) await simulation.stop();
  if (material) await unregisterDevWebhooks(kubeConfig);
  await service?.stop();
  await operator?.stop();
}
