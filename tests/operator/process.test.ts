/**
 * The operator process: leader election between two replicas (only the lease holder writes, the other takes
 * over when it stops), health and metrics endpoints.
 */
import { jest } from '@jest/globals';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { ensureObjects } from '@kubeflash/operator/kube';
import { startOperator, type RunningOperator } from '@kubeflash/operator';
import { eventually, useTestCluster, type TestCluster } from '@kubeflash/devcluster/testing';
import { EXAMPLE_DEVICES, configValues, exampleFleet, inDependencyOrder, installCrds, readDevice, readSecret, writesOf } from './support';

jest.setTimeout(90_000);

let cluster: TestCluster;
let ns: string;
const running: RunningOperator[] = [];

const replica = async (identity: string): Promise<RunningOperator> => {
  const op = await startOperator({
    kubeConfig: cluster.kubeConfig,
    healthPort: 0,
    resyncPeriodMs: 0,
    // Suites may share one real cluster (KUBEFLASH_TEST_KUBECONFIG): each operator watches only its namespace.
    namespace: ns,
    leaderElection: { namespace: ns, leaseName: 'kubeflash-operator-le', identity, retryPeriodMs: 200, leaseDurationSeconds: 2 },
    // The example broker does not exist here; broker sessions are tested in tests/mqtt.
    brokers: false,
  });
  running.push(op);
  return op;
};

beforeAll(async () => {
  cluster = await useTestCluster({ namespacePrefix: 'kf-process' });
  ns = cluster.namespace;
  await installCrds(cluster.kubeConfig);
  await ensureObjects(cluster.kubeConfig, inDependencyOrder(await exampleFleet(ns)), 'create-or-replace');
});

afterAll(async () => {
  for (const op of running) await op.stop();
  await cluster?.cleanup();
});

describe('operator replicas', () => {
  it('only the lease holder writes; the standby takes over when the leader stops and converges without rewriting', async () => {
    const a = await replica('replica-a');
    await a.whenControllersRunning();
    const b = await replica('replica-b');
    await eventually(async () => {
      for (const d of EXAMPLE_DEVICES) if (!(await readSecret(cluster.kubeConfig, ns, `${d}-config`))) return undefined;
      return true;
    }, 'config Secrets from the leader');
    await new Promise((r) => setTimeout(r, 1500));
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    expect(b.controllers()).toBeUndefined();
    expect(await writesOf(b.metrics)).toBe(0);

    await a.stop();
    const controllers = await b.whenControllersRunning();
    expect(b.isLeader).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    await controllers.whenIdle();
    expect(await writesOf(b.metrics)).toBe(0);

    // The new leader handles changes.
    const device = await readDevice(cluster.kubeConfig, ns, 'garage-temp-2');
    await cluster.kubeConfig.makeApiClient(CustomObjectsApi).replaceNamespacedCustomObject({
      group: 'kubeflash.dev', version: 'v1alpha1', namespace: ns, plural: 'devices', name: 'garage-temp-2',
      body: { ...device, spec: { ...device.spec, config: { values: { sample_period: '120' } } } },
    });
    await eventually(async () => {
      const s = await readSecret(cluster.kubeConfig, ns, 'garage-temp-2-config');
      return s && configValues(s).sample_period === 120n ? true : undefined;
    }, 'the new leader to rewrite garage-temp-2');
  });

  it('serves /healthz, /readyz and /metrics with reconcile and write counters', async () => {
    const op = running.find((o) => o.isLeader) as RunningOperator;
    const get = (path: string) => fetch(`http://127.0.0.1:${op.healthPort}${path}`);
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(200);
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toMatch(/kubeflash_reconcile_total\{controller="device",result="success"\} \d+/);
    expect(metrics).toMatch(/kubeflash_api_writes_total\{resource="secrets",verb="update"\} 1/);
    expect(metrics).toMatch(/kubeflash_leader 1/);
  });
});
