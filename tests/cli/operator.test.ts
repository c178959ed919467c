import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiException, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { eventually, useTestCluster, type TestCluster } from '@kubeflash/devcluster/testing';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(repoRoot, 'pkg', 'cli', 'bin', 'kubeflash.js');
const bundle = join(repoRoot, 'operator', 'dist', 'kubeflash-operator.mjs');

/** Builds the operator's production bundle from the current sources. */
function buildBundle(): void {
  const built = spawnSync(process.execPath, [join(repoRoot, 'operator', 'scripts', 'build.mjs')], { encoding: 'utf8', timeout: 120_000 });
  if (built.status !== 0) throw new Error(`building the operator bundle failed:\n${built.stdout}${built.stderr}`);
}

describe.each([
  { name: 'kubeflash operator (the CLI, through tsx)', program: cli, prepare: () => undefined },
  { name: 'the operator bundle with plain node', program: bundle, prepare: buildBundle },
])('$name', ({ program, prepare }) => {
  let cluster: TestCluster;
  let child: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    prepare();
    cluster = await useTestCluster({ namespacePrefix: 'kf-operator-cmd' });
    const applied = await cluster.kubectl(['apply', '-f', join(repoRoot, 'charts', 'kubeflash', 'crds')]);
    if (applied.code !== 0) throw new Error(`applying the CRDs failed: ${applied.stderr}`);
    const objects = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    const create = (plural: string, kind: string, name: string, spec: object) =>
      objects.createNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: cluster.namespace, plural, body: { apiVersion: 'kubeflash.dev/v1alpha1', kind, metadata: { name }, spec } });
    await create('devicesclusters', 'DevicesCluster', 'home', { mqtt: { brokerUri: 'mqtts://mqtt.example.net:8883' } });
    await create('deviceclasses', 'DeviceClass', 'c3-sensor', { chip: 'esp32c3' });
    await create('devices', 'Device', 'garage-temp-1', { deviceClassRef: { name: 'c3-sensor' }, devicesClusterRef: { name: 'home' } });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await cluster?.cleanup();
  });

  it('reconciles with the given kubeconfig, serves its health endpoints and shuts down on SIGTERM', async () => {
    // No NODE_OPTIONS from jest: the bundle must run with plain node, without loaders.
    child = spawn(process.execPath, [program, 'operator', '--kubeconfig', cluster.kubeconfigPath, '--namespace', cluster.namespace, '--health-address', '127.0.0.1', '--health-port', '0', '--no-leader-election'], { cwd: repoRoot, env: { ...process.env, NODE_OPTIONS: '' } });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));

    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    const secret = await eventually(async () => {
      if (child?.exitCode !== null) throw new Error(`kubeflash operator exited (${child?.exitCode}):\n${output}`);
      try {
        return await core.readNamespacedSecret({ name: 'garage-temp-1-config', namespace: cluster.namespace });
      } catch (err) {
        if (err instanceof ApiException && err.code === 404) return undefined;
        throw err;
      }
    }, 'the config Secret', 30_000).catch((err: Error) => {
      throw new Error(`${err.message}\noperator output:\n${output}`);
    });
    expect(Object.keys(secret.data ?? {})).toEqual(expect.arrayContaining(['config.bin', 'config.csv']));

    const port = /health endpoints on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
    expect(port).toBeDefined();
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain('kubeflash_reconcile_total');

    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('shutting down');
    // The log is structured: one JSON object per line with a time, a level and a message.
    for (const line of output.split('\n').filter((l) => l.startsWith('{'))) {
      expect(Object.keys(JSON.parse(line) as object)).toEqual(expect.arrayContaining(['time', 'level', 'msg']));
    }
    expect(output.split('\n').filter((l) => l.startsWith('{')).length).toBeGreaterThan(2);
    expect(output).not.toMatch(/mqtt_pass|password=/i);
  });
});
