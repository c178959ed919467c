/**
 * 10,000 connected virtual devices (issue 16): devcluster (this process, its request log counts status writes),
 * Debian's mosquitto with dynamic security (the embedded broker when mosquitto is missing), the operator's
 * production bundle as its own process, and a process of BENCH_FLEET_DEVICES virtual devices (default 10,000)
 * booted from the config.bin the operator wrote, heartbeating every 60 s. Prints the status writes per minute
 * of the idle fleet against 1.05 x devices / interval (interval 60 s) and the operator's RSS (goal < 400 MB).
 *
 * The broker accounts are seeded into mosquitto's dynamic-security file beforehand, exactly as the operator would
 * create them (same passwords from the devices' credentials Secrets, same roles and markers): mosquitto 2.0 saves
 * its whole file after every command, so creating 10,000 accounts one by one takes about an hour (see
 * docs/troubleshooting.md); the operator finds them converged and sends no commands.
 * Env: BENCH_FLEET_DEVICES, BENCH_WINDOW_S (measurement window, default 120), BENCH_TIMEOUT_S (setup cap, default 900).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { startDevCluster } from '@kubeflash/devcluster';
import { startBroker, type SeedAccount } from '@kubeflash/broker';
import { ensureObjects, waitForCrdsEstablished } from '../src/kube/apply';
import { readManifestDir } from '../src/kube/manifests';
import { crdDir } from '../src/paths';
import { generateMqttPassword, generateWebPassword } from '../src/config/credentials';
import { deviceAccount, ownerMarker } from '../src/mqtt/accounts';
import { inParallel, rssMb, until } from './bench-support';

const DEVICES = Number(process.env.BENCH_FLEET_DEVICES ?? 10_000);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 120);
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_S ?? 900);
const INTERVAL_S = 60;
const NS = 'fleet';
const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '..', '..');

async function main(): Promise<void> {
  const deadline = Date.now() + TIMEOUT_S * 1000;
  const work = mkdtempSync(join(tmpdir(), 'kubeflash-mqtt-fleet-'));
  const children: ChildProcess[] = [];
  const writes: number[] = [];
  const cluster = await startDevCluster({
    port: 0,
    watchHistory: 500_000,
    onRequest: (e) => {
      if (e.method === 'PATCH' && /\/devices\/[^/]+\/status\?/.test(e.url) && e.url.includes('fieldManager=kubeflash-reported') && e.status < 300) writes.push(Date.now());
    },
  });
  const kubeconfig = join(work, 'kubeconfig');
  await cluster.writeKubeconfig(kubeconfig);
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  try {
    const crds = (await readManifestDir(crdDir)).map((m) => m.object);
    await ensureObjects(kc, crds, 'create-or-replace');
    await waitForCrdsEstablished(kc, crds.map((c) => c.metadata?.name ?? ''));
    const core = kc.makeApiClient(CoreV1Api);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const create = (plural: string, body: object) => custom.createNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: NS, plural, body }) as Promise<{ metadata: { uid: string } }>;
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const admin = { username: 'kubeflash-admin', password: 'bench-admin-password' };
    await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'broker-admin' }, stringData: admin } });

    // Credentials first (they decide the accounts), then the broker with every account seeded.
    const names = Array.from({ length: DEVICES }, (_, i) => `d${i}`);
    const passwords = new Map(names.map((n) => [n, { mqtt: generateMqttPassword(), web: generateWebPassword() }]));
    const ref = { namespace: NS, name: 'site', topicPrefix: 'kf' };
    const accounts = names.map((n) => deviceAccount(ref, { namespace: NS, name: n }, passwords.get(n)?.mqtt ?? ''));
    const seed = {
      accounts: accounts.map((a): SeedAccount => ({ username: a.username, password: a.password, textname: a.textname, textdescription: a.textdescription, roles: [a.rolename] })),
      roles: accounts.map((a) => ({ rolename: a.rolename, textname: a.textname, textdescription: ownerMarker(ref), acls: a.acls })),
    };
    const t0 = performance.now();
    const { broker, notice } = await startBroker({ dir: join(work, 'broker'), admin, seed, persistence: false });
    console.log(`broker: ${notice}; ${DEVICES.toLocaleString('en')} device accounts seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    try {
      await create('devicesclusters', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DevicesCluster', metadata: { name: 'site' }, spec: { mqtt: { brokerUri: broker.url, topicPrefix: 'kf', accountManagement: 'mosquitto-dynsec', adminSecretRef: { name: 'broker-admin' } } } });
      await create('deviceclasses', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DeviceClass', metadata: { name: 'sensor' }, spec: { chip: 'esp32c3', firmware: { source: { upload: {} }, version: '1.4.0' } } });
      const t1 = performance.now();
      await inParallel(names, 32, async (name) => {
        const device = await create('devices', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Device', metadata: { name }, spec: { deviceClassRef: { name: 'sensor' }, devicesClusterRef: { name: 'site' } } });
        const p = passwords.get(name);
        await core.createNamespacedSecret({
          namespace: NS,
          body: {
            metadata: {
              name: `${name}-credentials`,
              labels: { 'app.kubernetes.io/managed-by': 'kubeflash-operator', 'kubeflash.dev/device': name },
              annotations: { 'kubeflash.dev/credentials-rotation': '', 'kubeflash.dev/credentials-generated-at': '2026-01-01T00:00:00Z' },
              ownerReferences: [{ apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Device', name, uid: device.metadata.uid, controller: true, blockOwnerDeletion: true }],
            },
            stringData: { mqtt_password: p?.mqtt ?? '', web_password: p?.web ?? '' },
          },
        });
      });
      console.log(`devcluster: ${DEVICES.toLocaleString('en')} Devices and credentials Secrets created in ${((performance.now() - t1) / 1000).toFixed(1)} s`);

      const bundle = join(repo, 'operator', 'dist', 'kubeflash-operator.mjs');
      if (!existsSync(bundle)) {
        const built = spawnSync(process.execPath, [join(repo, 'operator', 'scripts', 'build.mjs')], { cwd: join(repo, 'operator'), stdio: 'inherit' });
        if (built.status !== 0) throw new Error('cannot build the operator bundle');
      }
      const operator = spawn(process.execPath, [bundle, 'operator', '--kubeconfig', kubeconfig, '--namespace', NS, '--no-leader-election', '--health-address', '127.0.0.1', '--health-port', '0', '--device-concurrency', '16'], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(operator);
      let healthPort = 0;
      operator.stdout?.on('data', (d: Buffer) => {
        const m = /health endpoints on http:\/\/127\.0\.0\.1:(\d+)/.exec(d.toString());
        if (m) healthPort = Number(m[1]);
      });
      const metric = async (name: string): Promise<number> => {
        const text = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
        return text.split('\n').filter((l) => l.startsWith(name)).reduce((s, l) => s + Number(l.split(' ').at(-1)), 0);
      };
      const t2 = performance.now();
      await until(async () => healthPort > 0 && (await metric('kubeflash_reconcile_total{controller="device",result="success"}')) >= DEVICES, 'a reconcile of every Device', deadline, 500);
      await until(async () => (await metric('kubeflash_workqueue_depth{controller="device"}')) === 0, 'the device queue to drain', deadline, 500);
      console.log(`operator: every Device converged (config Secret, status, finalizer; accounts found as seeded) in ${((performance.now() - t2) / 1000).toFixed(1)} s; RSS ${rssMb(operator.pid ?? 0, 'VmRSS')} MB`);

      const fleet = spawn(process.execPath, [join(repo, 'node_modules', '.bin', 'tsx'), join(here, 'virtual-fleet.ts'), kubeconfig, NS, String(INTERVAL_S)], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(fleet);
      let fleetReady = '';
      fleet.stdout?.on('data', (d: Buffer) => {
        const m = /READY .*/.exec(d.toString());
        if (m) fleetReady = m[0];
      });
      const t3 = performance.now();
      await until(() => fleetReady !== '', 'every virtual device online', deadline, 500);
      await until(async () => (await metric('kubeflash_device_online{')) >= DEVICES, 'the operator to see every device online', deadline, 500);
      console.log(`virtual devices: ${fleetReady} (${((performance.now() - t3) / 1000).toFixed(1)} s); the operator sees all online; operator RSS ${rssMb(operator.pid ?? 0, 'VmRSS')} MB`);

      // One interval for the first heartbeats to settle, then count.
      await new Promise((r) => setTimeout(r, INTERVAL_S * 1000));
      const from = Date.now();
      await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
      const counted = writes.filter((t) => t >= from).length;
      const perMinute = (counted / WINDOW_S) * 60;
      const bound = (1.05 * DEVICES) / (INTERVAL_S / 60);
      console.log(`status writes: ${counted} in ${WINDOW_S} s with ${DEVICES.toLocaleString('en')} idle devices = ${Math.round(perMinute).toLocaleString('en')} per minute (bound 1.05 x devices / interval = ${Math.round(bound).toLocaleString('en')}) ${perMinute <= bound ? 'OK' : 'OVER'}`);
      const rss = rssMb(operator.pid ?? 0, 'VmRSS');
      const peak = rssMb(operator.pid ?? 0, 'VmHWM');
      console.log(`operator RSS with ${DEVICES.toLocaleString('en')} connected devices: ${rss} MB (peak ${peak} MB; goal < 400 MB) ${peak < 400 ? 'OK' : 'OVER'}`);
      console.log(`ingest: ${await metric('kubeflash_mqtt_messages_total{kind="status",result="valid"}')} valid status messages, ${await metric('kubeflash_mqtt_invalid_messages_total')} invalid`);
    } finally {
      for (const c of children) c.kill('SIGTERM');
      await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(undefined) : c.once('exit', r)))));
      await broker.stop();
    }
  } finally {
    await cluster.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
