/**
 * A rollout of 1,000 virtual devices (issue 17): devcluster in this process (its request log counts the API writes),
 * Debian's mosquitto with dynamic security (the embedded broker when mosquitto is missing), the artifact service in
 * this process on loopback (file store) serving a 1 MiB signed app image with Range and per-device signed URLs, the
 * operator's production bundle as its own process, and a process of BENCH_ROLLOUT_DEVICES virtual devices (default
 * 1,000) booted from the config.bin the operator wrote, running 1.4.0. One Rollout to 1.5.0 (waves 1, 10, 50, 100 %,
 * maxConcurrent 500, healthCheck.minOnlineSeconds 5). Prints the wall time from creating the Rollout to Succeeded
 * (goal < 60 s), the operator's API writes per device during it (goal <= 6) and the operator's peak RSS.
 * Broker accounts are seeded as in mqtt-fleet.bench.ts (mosquitto 2.0 saves its whole file after every command).
 * Env: BENCH_ROLLOUT_DEVICES, BENCH_TIMEOUT_S (setup cap, default 900).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { Device, Firmware, Rollout } from '@kubeflash/api';
import { startDevCluster } from '@kubeflash/devcluster';
import { startBroker, type SeedAccount } from '@kubeflash/broker';
import { ensureObjects, waitForCrdsEstablished } from '../src/kube/apply';
import { readManifestDir } from '../src/kube/manifests';
import { crdDir } from '../src/paths';
import { generateMqttPassword, generateWebPassword } from '../src/config/credentials';
import { deviceAccount, ownerMarker } from '../src/mqtt/accounts';
import { DEFAULT_BUILDER_SETTINGS, UPLOAD_MANIFEST, buildDemoFirmware, ensureUrlKey, newUploadToken, openFileSystemStore, postUpload, startArtifactService } from '../src/artifacts/index';
import { firmwareOwner } from '../src/controllers/firmware/job';
import { cpuSeconds, inParallel, mosquittoPids, rssMb, until, withDescendants } from './bench-support';

const DEVICES = Number(process.env.BENCH_ROLLOUT_DEVICES ?? 1000);
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_S ?? 900);
const NS = 'fleet';
const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '..', '..');

async function main(): Promise<void> {
  const deadline = Date.now() + TIMEOUT_S * 1000;
  const work = mkdtempSync(join(tmpdir(), 'kubeflash-rollout-bench-'));
  const children: ChildProcess[] = [];
  let counting = false;
  const writes = new Map<string, number>();
  const cluster = await startDevCluster({
    port: 0,
    watchHistory: 500_000,
    onRequest: (e) => {
      if (!counting || e.method === 'GET' || e.status >= 300) return;
      const manager = /fieldManager=([^&]+)/.exec(e.url)?.[1];
      const what = `${e.method} ${e.url.split('?')[0].replace(/\/namespaces\/[^/]+\//, '/').replace(/\/(devices|rollouts|events)\/[^/]+/, '/$1/*')}${manager ? ` (${manager})` : ''}`;
      writes.set(what, (writes.get(what) ?? 0) + 1);
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
    const read = <T>(plural: string, name: string) => custom.getNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: NS, plural, name }) as Promise<T>;
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const admin = { username: 'kubeflash-admin', password: 'bench-admin-password' };
    await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'broker-admin' }, stringData: admin } });

    const names = Array.from({ length: DEVICES }, (_, i) => `d${String(i).padStart(4, '0')}`);
    const passwords = new Map(names.map((n) => [n, { mqtt: generateMqttPassword(), web: generateWebPassword() }]));
    const ref = { namespace: NS, name: 'site', topicPrefix: 'kf' };
    const accounts = names.map((n) => deviceAccount(ref, { namespace: NS, name: n }, passwords.get(n)?.mqtt ?? ''));
    const seed = {
      accounts: accounts.map((a): SeedAccount => ({ username: a.username, password: a.password, textname: a.textname, textdescription: a.textdescription, roles: [a.rolename] })),
      roles: accounts.map((a) => ({ rolename: a.rolename, textname: a.textname, textdescription: ownerMarker(ref), acls: a.acls })),
    };
    const { broker, notice } = await startBroker({ dir: join(work, 'broker'), admin, seed, persistence: false });
    console.log(`broker: ${notice}`);
    const { store } = await openFileSystemStore(join(work, 'store'));
    const service = await startArtifactService({ kubeConfig: kc, store, urlKey: await ensureUrlKey(core, NS), builder: DEFAULT_BUILDER_SETTINGS, namespace: NS, port: 0 });
    try {
      await create('devicesclusters', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DevicesCluster', metadata: { name: 'site' }, spec: { mqtt: { brokerUri: broker.url, topicPrefix: 'kf', accountManagement: 'mosquitto-dynsec', adminSecretRef: { name: 'broker-admin' } }, artifacts: { publicBaseUrl: service.url } } });
      await create('deviceclasses', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DeviceClass', metadata: { name: 'sensor' }, spec: { chip: 'esp32c3', firmware: { source: { upload: {} }, version: '1.4.0' } } });
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
      // The new version, 1 MiB, uploaded and signed.
      await create('firmwares', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Firmware', metadata: { name: 'sensor-1-5-0' }, spec: { deviceClassRef: { name: 'sensor' }, version: '1.5.0', source: { upload: {} } } });
      await until(async () => !!(await read<Firmware>('firmwares', 'sensor-1-5-0')).status?.phase, 'the Firmware set up', deadline);
      const fw = await read<Firmware>('firmwares', 'sensor-1-5-0');
      const token = newUploadToken(NS, 'sensor-1-5-0', fw.metadata.generation ?? 1, firmwareOwner(fw));
      await core.createNamespacedSecret({ namespace: NS, body: token.secret });
      const build = buildDemoFirmware({ chip: 'esp32c3', version: '1.5.0', projectName: 'sensor', appSize: 1024 * 1024 });
      const uploaded = await postUpload(service.url, NS, 'sensor-1-5-0', token.token, {
        files: [{ name: UPLOAD_MANIFEST, data: Buffer.from(JSON.stringify(build.flasherArgs)) }, ...build.files.map((f) => ({ name: f.path, data: f.data }))],
        images: build.files.map((f) => ({ path: f.path, offset: 0, size: f.data.length })),
      });
      if (uploaded.status !== 201) throw new Error(`upload refused: ${JSON.stringify(uploaded.body)}`);
      await until(async () => !!(await read<Firmware>('firmwares', 'sensor-1-5-0')).status?.signature, 'the Firmware signed', deadline);
      const app = (await read<Firmware>('firmwares', 'sensor-1-5-0')).status?.artifacts?.find((a) => a.name === 'app');

      const bundle = join(repo, 'operator', 'dist', 'kubeflash-operator.mjs');
      const built = spawnSync(process.execPath, [join(repo, 'operator', 'scripts', 'build.mjs')], { cwd: join(repo, 'operator'), stdio: ['ignore', 'ignore', 'inherit'] });
      if (built.status !== 0) throw new Error('cannot build the operator bundle');
      const operator = spawn(process.execPath, [bundle, 'operator', '--kubeconfig', kubeconfig, '--namespace', NS, '--no-leader-election', '--health-address', '127.0.0.1', '--health-port', '0', '--device-concurrency', '16'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, KUBEFLASH_NAMESPACE: NS } });
      children.push(operator);
      let healthPort = 0;
      const problems = new Map<string, number>();
      operator.stdout?.on('data', (d: Buffer) => {
        const text = d.toString();
        const m = /health endpoints on http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
        if (m) healthPort = Number(m[1]);
        for (const line of text.split('\n')) {
          if (!counting || !/"level":"(warn|error)"/.test(line)) continue;
          const short = line.replace(/"(time|key|device|attempt|retryInMs|rollout)":"?[^,}]*"?,?/g, '').slice(0, 240);
          problems.set(short, (problems.get(short) ?? 0) + 1);
        }
      });
      const metric = async (name: string): Promise<number> => {
        const text = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
        return text.split('\n').filter((l) => l.startsWith(name)).reduce((s, l) => s + Number(l.split(' ').at(-1)), 0);
      };
      await until(async () => healthPort > 0 && (await metric('kubeflash_reconcile_total{controller="device",result="success"}')) >= DEVICES, 'a reconcile of every Device', deadline);
      await until(async () => (await metric('kubeflash_workqueue_depth{controller="device"}')) === 0, 'the device queue to drain', deadline);
      // The devices run the workspace sources (the kubeflash-source condition), never a stale dist build.
      const fleet = spawn(process.execPath, [join(repo, 'node_modules', '.bin', 'tsx'), join(here, 'virtual-fleet.ts'), kubeconfig, NS, '60'], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --conditions=kubeflash-source`.trim() },
      });
      children.push(fleet);
      let fleetReady = '';
      fleet.stdout?.on('data', (d: Buffer) => {
        const m = /READY .*/.exec(d.toString());
        if (m) fleetReady = m[0];
      });
      await until(() => fleetReady !== '', 'every virtual device online', deadline);
      await until(async () => (await metric('kubeflash_device_online{')) >= DEVICES, 'the operator to see every device online', deadline);
      // Let the devices' first status writes settle (they are not part of the rollout).
      await until(async () => (await metric('kubeflash_workqueue_depth{controller="reported"}')) === 0, 'the first status writes', deadline);
      await new Promise((r) => setTimeout(r, 3000));
      console.log(`fleet: ${DEVICES.toLocaleString('en')} virtual devices online (${fleetReady}); app image ${app?.size?.toLocaleString('en')} bytes`);

      const fleetPids = withDescendants(fleet.pid ?? 0);
      const cpuOf = () => ({ operator: cpuSeconds(operator.pid ?? 0), devices: fleetPids.reduce((a, pid) => a + cpuSeconds(pid), 0), 'devcluster + artifact service': cpuSeconds(process.pid), mosquitto: mosquittoPids().reduce((a, pid) => a + cpuSeconds(pid), 0) });
      const cpuBefore = cpuOf();
      const rssBefore = rssMb(operator.pid ?? 0, 'VmRSS');
      counting = true;
      const t0 = performance.now();
      await create('rollouts', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Rollout', metadata: { name: 'to-1-5-0' }, spec: { firmwareRef: { name: 'sensor-1-5-0' }, strategy: { waves: [1, 10, 50, 100], maxConcurrent: 500 }, healthCheck: { minOnlineSeconds: 5 } } });
      let rollout: Rollout | undefined;
      await until(async () => {
        rollout = await read<Rollout>('rollouts', 'to-1-5-0');
        return rollout.status?.phase === 'Succeeded' || rollout.status?.phase === 'Aborted';
      }, 'the rollout to finish', deadline);
      const seconds = (performance.now() - t0) / 1000;
      counting = false;
      const total = [...writes.values()].reduce((a, b) => a + b, 0) - 1; // minus the bench's own create of the Rollout
      console.log(`rollout of ${DEVICES.toLocaleString('en')} devices, 1 MiB image, 4 waves, minOnlineSeconds 5: ${rollout?.status?.phase} in ${seconds.toFixed(1)} s (goal < 60 s) ${seconds < 60 ? 'OK' : 'OVER'}; counts ${JSON.stringify(rollout?.status?.counts)}`);
      console.log(`operator API writes during the rollout: ${total} = ${(total / DEVICES).toFixed(2)} per device (goal <= 6) ${total / DEVICES <= 6 ? 'OK' : 'OVER'}`);
      const created = new Date(rollout?.metadata.creationTimestamp ?? 0).getTime();
      const at = (t: string | undefined) => (t ? `${((Date.parse(t) - created) / 1000).toFixed(0)} s` : '-');
      for (const w of rollout?.status?.waves ?? []) console.log(`  wave ${w.wave}: ${w.devices.length} devices, started ${at(w.startTime)}, completed ${at(w.completionTime)} after the Rollout was created`);
      // Per wave: when its devices' attempts were recorded (command sent) and how long each took to its result.
      const devicesNow = (await custom.listNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: NS, plural: 'devices' })) as { items: Device[] };
      const otaByName = new Map(devicesNow.items.map((d) => [d.metadata.name ?? '', d.status?.ota]));
      const pct = (xs: number[], p: number) => xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? NaN;
      for (const w of rollout?.status?.waves ?? []) {
        const waveStart = Date.parse(w.startTime ?? '');
        const sent = w.devices.map((n) => Date.parse(otaByName.get(n)?.startTime ?? '') - waveStart).filter(Number.isFinite);
        const took = w.devices.map((n) => Date.parse(otaByName.get(n)?.lastResult?.time ?? '') - Date.parse(otaByName.get(n)?.startTime ?? '')).filter(Number.isFinite);
        console.log(`  wave ${w.wave}: attempt recorded after the wave started p50 ${pct(sent, 50) / 1000} s, max ${pct(sent, 100) / 1000} s; command to result p50 ${pct(took, 50) / 1000} s, p90 ${pct(took, 90) / 1000} s, max ${pct(took, 100) / 1000} s`);
      }
      const reasons = new Map<string, number>();
      for (const e of (await core.listNamespacedEvent({ namespace: NS })).items) {
        if (new Date(e.metadata.creationTimestamp ?? 0).getTime() < created - 1000) continue;
        const what = `${e.involvedObject.kind} ${e.reason}`;
        reasons.set(what, (reasons.get(what) ?? 0) + 1);
      }
      console.log(`  Events created during the rollout by kind and reason: ${[...reasons.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
      for (const [what, n] of [...writes.entries()].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(6)}  ${what}`);
      for (const [line, n] of problems) console.log(`  operator log x${n}: ${line}`);
      const reconciles = await metric('kubeflash_reconcile_duration_seconds_count{controller="rollout"');
      const reconcileSeconds = await metric('kubeflash_reconcile_duration_seconds_sum{controller="rollout"');
      console.log(`rollout reconciles: ${reconciles}, ${reconcileSeconds.toFixed(1)} s in all (mean ${((reconcileSeconds / reconciles) * 1000).toFixed(0)} ms)`);
      const cpuAfter = cpuOf();
      console.log(`CPU seconds during the rollout: ${Object.entries(cpuAfter).map(([k, v]) => `${k} ${(v - cpuBefore[k as keyof typeof cpuBefore]).toFixed(1)}`).join(', ')} (wall ${seconds.toFixed(1)} s on 2 cores)`);
      console.log(`operator RSS ${rssBefore} MB before the rollout, peak RSS ${rssMb(operator.pid ?? 0, 'VmHWM')} MB (now ${rssMb(operator.pid ?? 0, 'VmRSS')} MB); commands ${await metric('kubeflash_rollout_commands_total')}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (2 shared cores)`);
    } finally {
      for (const c of children) c.kill('SIGTERM');
      await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(undefined) : c.once('exit', r)))));
      await service.stop();
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
