/**
 * Benchmark helper, run as a child process: boots one virtual device per `<device>-config` Secret of a namespace
 * (booted from that config.bin, as `kubeflash devices simulate` does), connecting `concurrency` at a time, prints
 * `ONLINE <n>` as they come up and `READY <n>` when all are online, then keeps them running until killed.
 * Usage: tsx operator/bench/virtual-fleet.ts <kubeconfig> <namespace> <heartbeat seconds>
 */
import { CoreV1Api, KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { VirtualDevice } from '@kubeflash/virtual-device';

const [kubeconfig, namespace] = process.argv.slice(2, 4);
const heartbeatMs = Number(process.argv[4] ?? 60) * 1000;

async function main(): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const secrets: V1Secret[] = [];
  let token: string | undefined;
  do {
    const page = await core.listNamespacedSecret({ namespace, labelSelector: 'app.kubernetes.io/managed-by=kubeflash-operator', limit: 500, _continue: token });
    secrets.push(...page.items.filter((s) => s.metadata?.name?.endsWith('-config') && s.data?.['config.bin']));
    token = page.metadata?._continue || undefined;
  } while (token);
  const devices = secrets.map((s) => new VirtualDevice({ configBin: new Uint8Array(Buffer.from(s.data?.['config.bin'] ?? '', 'base64')), board: { chip: 'esp32c3', firmwareVersion: '1.4.0', project: 'sensor' }, heartbeatMs }));
  let online = 0;
  for (const d of devices) d.once('online', () => online++);
  const report = setInterval(() => process.stdout.write(`ONLINE ${online}\n`), 5000);
  let next = 0;
  await Promise.all(Array.from({ length: 100 }, async () => {
    while (next < devices.length) await devices[next++].start().catch(() => undefined);
  }));
  while (online < devices.length) await new Promise((r) => setTimeout(r, 200));
  clearInterval(report);
  process.stdout.write(`READY ${online} rss=${Math.round(process.memoryUsage().rss / 1048576)}MB\n`);
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await Promise.all(devices.map((d) => d.stop()));
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
