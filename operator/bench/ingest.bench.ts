/**
 * Ingest throughput through the real broker (issue 16): a publisher process sends BENCH_MESSAGES online status
 * messages (QoS 1, retained, default 200,000) for BENCH_INGEST_DEVICES devices (default 1,000) to Debian's
 * mosquitto (the embedded broker when mosquitto is not installed); the operator's broker session (persistent
 * session, QoS 1 subscriptions) receives them and its ingest validates each with the protocol parser and folds it
 * into the device's report. Prints validated messages per second of wall time and per CPU-second of the ingest
 * process (goal: >= 20,000 per core).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import type { Device, DevicesCluster } from '@kubeflash/api';
import { AclType, startBroker } from '@kubeflash/broker';
import { WriteCoalescer } from '../src/controllers/reported/coalescer';
import { ReportIngest } from '../src/controllers/reported/ingest';
import { FakeCache } from '../src/controllers/testing';
import { DeadLetters } from '../src/mqtt/dead-letters';
import { BrokerSession } from '../src/mqtt/session';
import { TelemetryMetrics } from '../src/mqtt/telemetry-metrics';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200_000);
const DEVICES = Number(process.env.BENCH_INGEST_DEVICES ?? 1000);
const here = fileURLToPath(new URL('.', import.meta.url));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeflash-ingest-bench-'));
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
  const { broker, notice } = await startBroker({ dir, admin: { username: 'admin', password: 'admin-password' }, seed, persistence: false });
  console.log(`broker: ${notice}`);
  const devices = new FakeCache<Device>();
  const clusters = new FakeCache<DevicesCluster>();
  clusters.set({ apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DevicesCluster', metadata: { name: 'site', namespace: 'fleet' }, spec: { mqtt: { brokerUri: broker.url, topicPrefix: 'kf', accountManagement: 'none' } } });
  for (let i = 0; i < DEVICES; i++) devices.set({ apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Device', metadata: { name: `d${i}`, namespace: 'fleet' }, spec: { deviceClassRef: { name: 'sensor' }, devicesClusterRef: { name: 'site' } } });
  const coalescer = new WriteCoalescer(60_000, () => undefined);
  let received = 0;
  let firstAt = 0;
  let cpuAtFirst = process.cpuUsage();
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => (done = r));
  const ingest = new ReportIngest({ devices, clusters, metrics: new TelemetryMetrics(new Registry()), deadLetters: new DeadLetters(), changed: (key, meaningful) => coalescer.note(key, meaningful) });
  const session = new BrokerSession(
    { cluster: { namespace: 'fleet', name: 'site', topicPrefix: 'kf' }, url: broker.url, operator: { username: 'operator', password: 'operator-password' } },
    {
      onReport: (topic, payload, retained) => {
        if (received === 0) {
          firstAt = performance.now();
          cpuAtFirst = process.cpuUsage();
        }
        ingest.handle('fleet/site', topic, payload, retained);
        if (++received === MESSAGES) done();
      },
      onStatus: () => undefined,
    },
  );
  session.start();
  while (!session.status().connected) await new Promise((r) => setTimeout(r, 20));
  const publisher = spawn(process.execPath, [join(here, '../../node_modules/.bin/tsx'), join(here, 'status-publisher.ts'), broker.url, 'loadgen', 'loadgen-password', String(DEVICES), String(MESSAGES)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const published = new Promise<number>((resolve) => publisher.stdout.on('data', (d: Buffer) => {
    const m = /DONE (\d+)/.exec(d.toString());
    if (m) resolve(Number(m[1]));
  }));
  await finished;
  const wallMs = performance.now() - firstAt;
  const cpu = process.cpuUsage(cpuAtFirst);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const publishMs = await published;
  const valid = ingest.size;
  console.log(`ingest: ${MESSAGES.toLocaleString('en')} status messages of ${DEVICES.toLocaleString('en')} devices through ${broker.kind} (QoS 1): publisher done in ${(publishMs / 1000).toFixed(1)} s`);
  console.log(`ingest: received and validated all in ${(wallMs / 1000).toFixed(2)} s = ${Math.round(MESSAGES / (wallMs / 1000)).toLocaleString('en')} messages/s wall time`);
  console.log(`ingest: ${cpuSeconds.toFixed(2)} CPU-seconds in the ingest process = ${Math.round(MESSAGES / cpuSeconds).toLocaleString('en')} validated status messages/s per core (goal >= 20,000); ${valid} devices folded`);
  await session.stop();
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
