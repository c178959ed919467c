import { mkdir } from 'node:fs/promises';
import { resolve, join } from 'node:path';
import type { Command } from 'commander';
import { KubeConfig } from '@kubernetes/client-node';
import type { DevCluster } from '@kubeflash/devcluster';
import { dependencyOrder, readManifestDir, ensureObjects, waitForCrdsEstablished } from '@kubeflash/operator/kube';
import { startOperator } from '@kubeflash/operator';
import { crdDir, examplesDir } from '@kubeflash/operator/paths';
import { UsageError, parsePort } from '@kubeflash/operator/cli';

interface DevOptions {
  stateDir: string;
  port: string;
  healthPort: string;
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

  try {
    await serve(kubeConfig, kubeconfigPath, cluster, options.examples, options.operator, healthPort);
  } finally {
    if (cluster) await cluster.stop();
  }
  log('stopped');
}

/** Installs the CRDs (and examples), runs the operator until Ctrl-C. Any failure propagates after cleanup. */
async function serve(kubeConfig: KubeConfig, kubeconfigPath: string, cluster: DevCluster | undefined, examples: boolean, runOperator: boolean, healthPort: number): Promise<void> {
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

  const operator = runOperator ? await startOperator({ kubeConfig, healthPort, log }) : undefined;
  if (!operator) log('operator: not started (--no-operator)');
  // Written last: its presence tells scripts and tests that the API, CRDs and examples are ready.
  if (cluster) await cluster.writeKubeconfig(kubeconfigPath);

  log('');
  log(`kubeflash dev is running. API server: ${kubeConfig.getCurrentCluster()?.server}`);
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
  await operator?.stop();
}
