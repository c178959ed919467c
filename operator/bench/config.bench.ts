/**
 * Config controllers at scale (issue 4): 10,000 Devices across 20 groups on devcluster (in a child process).
 * Prints cold-converge time, API writes per device, writes on a full resync, peak RSS of the operator process,
 * and the time to re-converge after one group Secret used by 500 devices changes.
 * Env: BENCH_DEVICES (default 10000), BENCH_GROUPS (default 20), BENCH_TIMEOUT_S (cold-converge cap, default
 * 300: past it the bench prints how far it got and stops), BENCH_PROFILE_CLUSTER=<dir> (CPU profile of devcluster).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { CONFIG_BIN_KEY, DEVICE_LABEL } from '../src/config/secret';
import { startConfigControllers } from '../src/controllers/config-controllers';
import { OperatorMetrics } from '../src/manager/metrics';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 10000);
const GROUPS = Number(process.env.BENCH_GROUPS ?? 20);
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_S ?? 300);
const here = fileURLToPath(new URL('.', import.meta.url));

async function writes(metrics: OperatorMetrics): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const v of (await metrics.apiWrites.get()).values) out[`${v.labels.verb} ${v.labels.resource}`] = v.value;
  return out;
}
const total = (w: Record<string, number>, filter: (k: string) => boolean = () => true) =>
  Object.entries(w).filter(([k]) => filter(k)).reduce((s, [, v]) => s + v, 0);
const notEvents = (k: string) => !k.endsWith(' events');

/**
 * What a device's config Secret costs in etcd, from a sample of them. etcd keeps core objects as protobuf, with
 * data values unencoded: about the data bytes plus the metadata (counted here as JSON, protobuf is smaller).
 * config.bin stays the whole, flashable partition image in the Secret (the documented contract).
 */
async function configSecretBytes(kubeConfig: KubeConfig): Promise<string> {
  const { items } = await kubeConfig.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace: 'bench', labelSelector: DEVICE_LABEL, limit: 100 });
  const avg = (f: (s: (typeof items)[number]) => number): number => Math.round(items.reduce((sum, s) => sum + f(s), 0) / items.length);
  const raw = (v: string | undefined): number => Buffer.from(v ?? '', 'base64').length;
  const data = avg((s) => Object.values(s.data ?? {}).reduce((sum, v) => sum + raw(v), 0));
  const metadata = avg((s) => JSON.stringify({ ...s, data: undefined }).length);
  return `etcd bytes per device: ~${data + metadata} (config Secret data ${data}, of it config.bin ${avg((s) => raw(s.data?.[CONFIG_BIN_KEY]))}; ` +
    `metadata ~${metadata}); ${avg((s) => JSON.stringify(s).length)} bytes as JSON through the API; sample of ${items.length}; ` +
    `~${(((data + metadata) * DEVICES) / 1048576).toFixed(0)} MB for ${DEVICES} devices`;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'kubeflash-bench-'));
  const child = spawn(process.execPath, [...(process.env.BENCH_PROFILE_CLUSTER ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE_CLUSTER, '--import', 'tsx'] : [join(here, '../../node_modules/.bin/tsx')]), join(here, 'fleet-cluster.ts'), String(DEVICES), String(GROUPS), work], { stdio: ['ignore', 'pipe', 'inherit'] });
  const kubeconfigPath = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const seeded = /SEEDED .*/.exec(out);
      if (seeded) console.log(`devcluster: ${seeded[0].slice(7)}`);
      const m = /READY (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`devcluster child exited with ${code}`)));
  });
  try {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfigPath);
    const metrics = new OperatorMetrics();
    const perDevice = DEVICES;

    console.log(`operator process RSS before start: ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);
    const t0 = performance.now();
    const controllers = await startConfigControllers({ kubeConfig, metrics, resyncPeriodMs: 0, deviceConcurrency: 16, brokers: false });
    const synced = performance.now();
    const progress = setInterval(() => {
      void writes(metrics).then((w) =>
        console.log(`  t=${((performance.now() - t0) / 1000).toFixed(0)} s: ${w['create secrets'] ?? 0} Secrets, queue ${controllers.device.depth}, rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`),
      );
    }, 10_000);
    progress.unref();
    try {
      await waitFor(async () => {
        const w = await writes(metrics);
        return (w['create secrets'] ?? 0) >= DEVICES && (w['apply devices/status'] ?? 0) >= DEVICES;
      }, TIMEOUT_S * 1000, 'cold convergence');
    } catch {
      const w = await writes(metrics);
      console.log(`cold converge: NOT DONE after ${TIMEOUT_S} s: ${w['create secrets'] ?? 0} of ${DEVICES} config Secrets written; stopping.`);
      console.log('  (devcluster runs its garbage collector over every stored object after each new object with ownerReferences,');
      console.log('   so each config Secret costs O(objects stored); see operator/bench/README.md)');
      clearInterval(progress);
      await controllers.stop();
      return;
    }
    await controllers.whenIdle();
    const cold = performance.now() - t0;
    clearInterval(progress);
    const coldWrites = await writes(metrics);
    console.log(`cold converge: ${(cold / 1000).toFixed(1)} s for ${DEVICES} devices (caches synced after ${((synced - t0) / 1000).toFixed(1)} s)`);
    console.log(`  writes per device: ${(total(coldWrites, notEvents) / perDevice).toFixed(3)} object writes + ${((coldWrites['create events'] ?? 0) / perDevice).toFixed(3)} Events`);
    console.log(`  writes: ${JSON.stringify(coldWrites)}`);
    console.log(`  ${await configSecretBytes(kubeConfig)}`);

    await new Promise((r) => setTimeout(r, 1000));
    await controllers.whenIdle();
    const beforeResync = total(await writes(metrics));
    const r0 = performance.now();
    controllers.resync();
    await controllers.whenIdle();
    console.log(`full resync: ${total(await writes(metrics)) - beforeResync} writes, ${((performance.now() - r0) / 1000).toFixed(1)} s`);

    const before = await writes(metrics);
    const c0 = performance.now();
    await kubeConfig.makeApiClient(CoreV1Api).replaceNamespacedSecret({
      name: 'wifi-3', namespace: 'bench', body: { metadata: { name: 'wifi-3', namespace: 'bench' }, stringData: { wifi_ssid: 'net-3', wifi_pass: 'pass-3-rotated' } },
    });
    const affected = controllers.index.devicesForSecret('bench', 'wifi-3').size;
    await waitFor(async () => ((await writes(metrics))['update secrets'] ?? 0) - (before['update secrets'] ?? 0) >= affected && affected > 0, 120_000, 're-convergence');
    await controllers.whenIdle();
    const after = await writes(metrics);
    const delta = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v !== 0));
    console.log(`group Secret change: ${affected} devices re-converged in ${((performance.now() - c0) / 1000).toFixed(2)} s; writes ${JSON.stringify(delta)}`);
    console.log(`operator peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (heap used now ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MB)`);
    await controllers.stop();
  } finally {
    child.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
