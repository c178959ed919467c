import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { resolve, join } from 'node:path';
import type { Command } from 'commander';
import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions, type KubernetesObject } from '@kubernetes/client-node';
import type { DevCluster } from '@kubeflash/devcluster';
import type { BrokerChoice, RunningBroker } from '@kubeflash/broker';
import { dependencyOrder, readManifestDir, ensureObjects, waitForCrdsEstablished, type SourcedManifest as Manifest } from '@kubeflash/operator/kube';
import { createLogger, LogFormat, startOperator } from '@kubeflash/operator';
import { crdDir, examplesDir } from '@kubeflash/operator/paths';
import { UsageError, parsePort } from '@kubeflash/operator/cli';

interface DevOptions {
  stateDir: string;
  port: string;
  healthPort: string;
  examples: boolean;
  kubeconfig?: string;
  broker: string;
  brokerPort: string;
  virtualDevices?: string;
}

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('run the embedded devcluster (development only) with the CRDs, the example fleet and the operator')
    .option('--state-dir <dir>', 'folder for the persisted cluster state and the kubeconfig', '.kubeflash/dev')
    .option('--port <port>', 'port of the devcluster API server (0 = any free port)', '6443')
    .option('--health-port <port>', 'port of the operator health endpoints (0 = any free port)', '0')
    .option('--no-examples', 'do not apply the example fleet')
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
  const brokerPort = parsePort(options.brokerPort, '--broker-port');
  if (!['auto', 'mosquitto', 'embedded'].includes(options.broker)) throw new UsageError(`--broker must be auto, mosquitto or embedded, got "${options.broker}"`);
  const virtualDevices = options.virtualDevices === undefined ? undefined : Number(options.virtualDevices);
  if (virtualDevices !== undefined && (!Number.isInteger(virtualDevices) || virtualDevices < 0)) {
    throw new UsageError(`--virtual-devices must be a whole number of at least 0, got "${options.virtualDevices}"`);
  }
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
    const stateDir = resolve(options.stateDir);
    await mkdir(stateDir, { recursive: true });
    cluster = await (await import('@kubeflash/devcluster')).startDevCluster({ port, stateDir, log: (line) => log(`devcluster: ${line}`) });
    kubeconfigPath = join(stateDir, 'kubeconfig');
    kubeConfig.loadFromString(cluster.kubeconfigYaml());
  }

  const stateDir = resolve(options.stateDir);
  const examples = options.examples ? dependencyOrder(await readManifestDir(examplesDir)) : [];
  let broker: RunningBroker | undefined;
  try {
    const admin = await brokerAdmin(examples, stateDir);
    const started = await (await import('@kubeflash/broker')).startBroker({
      dir: join(stateDir, 'broker'),
      admin,
      port: brokerPort,
      choice: options.broker as BrokerChoice,
      log: (line) => log(`broker: ${line}`),
    });
    broker = started.broker;
    log(`MQTT broker: ${started.notice}, listening on ${broker.url}`);
    await serve({ kubeConfig, kubeconfigPath, cluster, examples, healthPort, broker, virtualDevices });
  } finally {
    await broker?.stop();
    if (cluster) await cluster.stop();
  }
  log('stopped');
}

/**
 * The broker's admin account: the one the example DevicesCluster's adminSecretRef names (so the operator
 * administers the dev broker with the example Secret), else one generated once and kept in the state folder.
 */
async function brokerAdmin(examples: Manifest[], stateDir: string): Promise<{ username: string; password: string }> {
  for (const m of examples) {
    const o = m.object as KubernetesObject & { spec?: { mqtt?: { adminSecretRef?: { name: string } } } };
    if (o.kind !== 'DevicesCluster' || !o.spec?.mqtt?.adminSecretRef) continue;
    const secret = examples.find((s) => s.object.kind === 'Secret' && s.object.metadata?.name === o.spec?.mqtt?.adminSecretRef?.name && s.object.metadata?.namespace === o.metadata?.namespace);
    const data = (secret?.object as { stringData?: Record<string, string> } | undefined)?.stringData;
    if (data?.username && data.password) return { username: data.username, password: data.password };
  }
  const file = join(stateDir, 'broker-admin.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as { username: string; password: string };
  const admin = { username: 'kubeflash-admin', password: randomBytes(18).toString('base64url') };
  await mkdir(stateDir, { recursive: true });
  await writeFile(file, JSON.stringify(admin), { mode: 0o600 });
  log(`broker: admin account kubeflash-admin, its password is in ${file}`);
  return admin;
}

/** The example DevicesClusters moved to the dev broker: plain mqtt://127.0.0.1:<port>, no separate operator URI or CA. */
function onDevBroker(examples: Manifest[], broker: RunningBroker): KubernetesObject[] {
  return examples.map((m) => {
    if (m.object.kind !== 'DevicesCluster') return m.object;
    const o = JSON.parse(JSON.stringify(m.object)) as KubernetesObject & { spec: { mqtt: Record<string, unknown> } };
    o.spec.mqtt.brokerUri = broker.url;
    delete o.spec.mqtt.operatorBrokerUri;
    delete o.spec.mqtt.caSecretRef;
    return o;
  });
}

interface ServeOptions {
  kubeConfig: KubeConfig;
  kubeconfigPath: string;
  cluster: DevCluster | undefined;
  examples: Manifest[];
  healthPort: number;
  broker: RunningBroker;
  virtualDevices: number | undefined;
}

/**
 * Installs the CRDs (and the examples, on the dev broker), runs the operator and one virtual device per example
 * Device until Ctrl-C. Any failure propagates after cleanup.
 */
async function serve({ kubeConfig, kubeconfigPath, cluster, examples, healthPort, broker, virtualDevices }: ServeOptions): Promise<void> {
  const crds = await readManifestDir(crdDir);
  await ensureObjects(kubeConfig, crds.map((m) => m.object), 'create-or-replace');
  await waitForCrdsEstablished(kubeConfig, crds.map((m) => m.object.metadata?.name ?? ''));
  log(`CRDs: ${crds.length} installed`);

  const exampleDevices: { namespace: string; name: string }[] = [];
  if (examples.length > 0) {
    const objects = onDevBroker(examples, broker);
    const outcomes = await ensureObjects(kubeConfig, objects, 'create-or-keep');
    const created = outcomes.filter((o) => o === 'created').length;
    log(`examples: ${created} created, ${outcomes.length - created} already present`);
    // Kept examples from an earlier run point at that run's broker port: move them to this one.
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    for (const o of objects.filter((x) => x.kind === 'DevicesCluster')) {
      const body = { spec: { mqtt: { brokerUri: broker.url, operatorBrokerUri: null, caSecretRef: null } } };
      await custom.patchNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', plural: 'devicesclusters', namespace: o.metadata?.namespace ?? 'default', name: o.metadata?.name ?? '', body }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      log(`examples: DevicesCluster ${o.metadata?.namespace}/${o.metadata?.name} uses the dev broker ${broker.url}`);
    }
    for (const o of objects) if (o.kind === 'Device') exampleDevices.push({ namespace: o.metadata?.namespace ?? 'default', name: o.metadata?.name ?? '' });
  }

  const operator = await startOperator({ kubeConfig, healthPort, logger: createLogger({ format: LogFormat.Text }) });
  const simulated = exampleDevices.slice(0, virtualDevices ?? exampleDevices.length);
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
  log(`  export KUBECONFIG=${kubeconfigPath}`);
  log('  kubectl get kubeflash -A          # every kubeflash object');
  log('  kubectl get devices -A -o wide');
  log(`MQTT broker ${broker.kind} on ${broker.url}; ${simulated.length} virtual device${simulated.length === 1 ? '' : 's'} (--virtual-devices N)`);
  log('Press Ctrl-C to stop.');

  await new Promise<void>((resolveStop) => {
    const stop = (): void => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  log('stopping...');
  for (const simulation of await simulations) await simulation.stop();
  await operator.stop();
}
