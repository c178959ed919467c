/**
 * Heartbeats do not become API writes: 10,000 idle devices, each re-publishing its status every 15 s through the
 * broker, cost at most 1.05 x devices / interval status writes per minute (interval 60 s), counted by
 * devcluster's request log (PATCH .../devices/<name>/status with the reported-status field manager).
 * KUBEFLASH_WRITE_BOUND_DEVICES changes the device count (e.g. for a quick local run). Always runs against its own
 * devcluster (a real cluster has no request log this suite can read), also when KUBEFLASH_TEST_KUBECONFIG is set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { MqttClient } from 'mqtt';
import { AclType, type RunningBroker } from '@kubeflash/broker';
import { startEmbeddedBroker, startMosquitto, findMosquitto } from '@kubeflash/broker';
import { buildMessage } from '@kubeflash/protocol';
import { startOperator, type RunningOperator } from '@kubeflash/operator';
import { eventually, REAL_CLUSTER_KUBECONFIG, startTestDevCluster } from '@kubeflash/devcluster/testing';
import type { DevCluster } from '@kubeflash/devcluster';
import { installCrds } from '../operator/support';
import { ADMIN, connect, sleep } from './support';

if (REAL_CLUSTER_KUBECONFIG) console.warn('NOTE: the write-bound suite runs against its own devcluster although KUBEFLASH_TEST_KUBECONFIG is set: it counts status writes in devcluster\'s request log');

const DEVICES = Number(process.env.KUBEFLASH_WRITE_BOUND_DEVICES ?? 10_000);
const INTERVAL_MS = 60_000;
const HEARTBEAT_MS = 15_000;
const WINDOW_MS = 120_000;
const NS = 'fleet';
jest.setTimeout(20 * 60_000);

describe(`status writes of ${DEVICES.toLocaleString('en')} idle devices`, () => {
  let dir: string;
  let devcluster: DevCluster;
  let kubeConfig: KubeConfig;
  let broker: RunningBroker;
  let operator: RunningOperator | undefined;
  let loadgen: MqttClient | undefined;
  let timer: NodeJS.Timeout | undefined;
  const statusWrites: number[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubeflash-write-bound-'));
    // A watch history like a real API server's watch cache under this write rate (devcluster's default is 1,000 events).
    ({ devcluster } = await startTestDevCluster(dir, {
      watchHistory: 500_000,
      onRequest: (e) => {
        if (e.method === 'PATCH' && /\/devices\/[^/]+\/status\?/.test(e.url) && e.url.includes('fieldManager=kubeflash-reported') && e.status < 300) statusWrites.push(Date.now());
      },
    }));
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(devcluster.kubeconfigYaml());
    // Accounts are managed outside kubeflash here (accountManagement none): one load generator publishes for every device.
    const seed = {
      accounts: [
        { username: 'operator', password: 'operator-password', roles: ['operator'] },
        { username: 'loadgen', password: 'loadgen-password', roles: ['loadgen'] },
      ],
      roles: [
        { rolename: 'operator', acls: [{ acltype: AclType.SubscribePattern, topic: 'kf/devices/#', priority: 0, allow: true }, { acltype: AclType.PublishClientReceive, topic: 'kf/devices/#', priority: 0, allow: true }] },
        { rolename: 'loadgen', acls: [{ acltype: AclType.PublishClientSend, topic: 'kf/devices/#', priority: 0, allow: true }] },
      ],
    };
    const options = { dir: join(dir, 'broker'), admin: ADMIN, seed, persistence: false };
    broker = findMosquitto().ok ? await startMosquitto(options) : await startEmbeddedBroker(options);
    await installCrds(kubeConfig);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'operator-account' }, stringData: { username: 'operator', password: 'operator-password' } } });
    const create = (plural: string, body: object) => custom.createNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: NS, plural, body });
    await create('devicesclusters', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DevicesCluster', metadata: { name: 'site' }, spec: { mqtt: { brokerUri: broker.url, topicPrefix: 'kf', accountManagement: 'none', operatorSecretRef: { name: 'operator-account' } } } });
    await create('deviceclasses', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DeviceClass', metadata: { name: 'sensor' }, spec: { chip: 'esp32c3', firmware: { source: { upload: {} }, version: '1.4.0' } } });
    for (let i = 0; i < DEVICES; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, DEVICES - i) }, (_, k) => create('devices', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Device', metadata: { name: `d${i + k}` }, spec: { deviceClassRef: { name: 'sensor' }, devicesClusterRef: { name: 'site' } } })));
    }
    operator = await startOperator({ kubeConfig, healthPort: 0, resyncPeriodMs: 0, namespace: NS, leaderElection: false, statusWriteIntervalMs: INTERVAL_MS });
    const controllers = await operator.whenControllersRunning();
    await controllers.whenIdle();
  });

  afterAll(async () => {
    if (timer) clearInterval(timer);
    await loadgen?.endAsync(true).catch(() => undefined);
    await operator?.stop();
    await broker?.stop();
    await devcluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`stay within 1.05 x devices / interval status writes per minute (interval ${INTERVAL_MS / 1000} s, heartbeat every ${HEARTBEAT_MS / 1000} s)`, async () => {
    loadgen = await connect(broker.url, { username: 'loadgen', password: 'loadgen-password', clientId: 'loadgen', protocolVersion: broker.maxProtocolVersion });
    const started = Date.now();
    const status = (i: number) =>
      buildMessage('kf', `${NS}.d${i}`, 'status', { state: 'online', fw: '1.4.0', project: 'sensor', chip: 'esp32c3', mac: `02:00:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, ip: '192.0.2.1', rssi: -60, uptime: Math.floor((Date.now() - started) / 1000), resetReason: 'poweron', imageState: 'valid' });
    // Every device heartbeats once per HEARTBEAT_MS, spread evenly: one tick every 100 ms sends its share.
    const perTick = DEVICES / (HEARTBEAT_MS / 100);
    let next = 0;
    timer = setInterval(() => {
      for (let k = 0; k < perTick; k++) {
        const m = status(next);
        loadgen?.publish(m.topic, m.payload, { qos: m.qos, retain: m.retain });
        next = (next + 1) % DEVICES;
      }
    }, 100);
    // Warm-up: every device comes online (a meaningful write each) and its first interval passes.
    await eventually(async () => {
      const body = await (await fetch(`http://127.0.0.1:${operator?.healthPort}/metrics`)).text();
      const online = /kubeflash_device_online\{[^}]*\} 1/g;
      return (body.match(online)?.length ?? 0) >= DEVICES ? true : undefined;
    }, 'every device online', 5 * 60_000);
    await sleep(INTERVAL_MS);
    const from = Date.now();
    const before = statusWrites.length;
    await sleep(WINDOW_MS);
    const writes = statusWrites.filter((t) => t >= from).length;
    const perMinute = (writes / WINDOW_MS) * 60_000;
    const bound = (1.05 * DEVICES) / (INTERVAL_MS / 60_000);
    console.log(`write bound: ${DEVICES} idle devices, heartbeat ${HEARTBEAT_MS / 1000} s, interval ${INTERVAL_MS / 1000} s: ${writes} status writes in ${WINDOW_MS / 1000} s = ${Math.round(perMinute)} per minute (bound ${Math.round(bound)}; ${before} writes before the window)`);
    expect(perMinute).toBeLessThanOrEqual(bound);
    // The writes did happen (lastSeen stays fresh): at least half of the devices were written in the window.
    expect(writes).toBeGreaterThan(DEVICES / 2);
  });
});
