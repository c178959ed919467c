/**
 * Broker account creation (issue 16): the operator's broker session creates BENCH_ACCOUNTS device accounts
 * (default 500) one by one through `$CONTROL/dynamic-security/v1`, each a client and its role with the device ACL,
 * exactly as the Device controller does, against Debian's mosquitto with the dynamic-security plugin and the
 * embedded broker. Prints the time per account in blocks of 100 (mosquitto 2.0 rewrites its whole dynamic-security
 * file after every command, so it slows as the file grows), the total, and the time until a device connects with
 * the credentials just created. Env: BENCH_ACCOUNTS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { BrokerKind, findMosquitto, startEmbeddedBroker, startMosquitto, type RunningBroker } from '@kubeflash/broker';
import { deviceAccount, type ClusterRef } from '../src/mqtt/accounts';
import { BrokerSession } from '../src/mqtt/session';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 500);
const BLOCK = 100;
const ADMIN = { username: 'admin', password: 'admin-password' };
const cluster: ClusterRef = { namespace: 'fleet', name: 'site', topicPrefix: 'kf' };

async function waitFor(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function run(kind: BrokerKind): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `kubeflash-accounts-bench-${kind}-`));
  const options = { dir, admin: ADMIN, persistence: false };
  const broker: RunningBroker = kind === BrokerKind.Mosquitto ? await startMosquitto(options) : await startEmbeddedBroker(options);
  const session = new BrokerSession({ cluster, url: broker.url, admin: ADMIN, operator: { password: 'operator-password' } }, { onReport: () => undefined, onStatus: () => undefined });
  try {
    session.start();
    await waitFor(() => session.status().administered === true && session.status().connected, 'the operator session (admin and ingest connected)');
    const blocks: number[] = [];
    const started = performance.now();
    let blockStart = started;
    let last = deviceAccount(cluster, { namespace: cluster.namespace, name: 'd0' }, 'password-of-device-0');
    for (let i = 0; i < ACCOUNTS; i++) {
      last = deviceAccount(cluster, { namespace: cluster.namespace, name: `d${i}` }, `password-of-device-${i}`);
      const result = await session.ensureAccount(last);
      if (!result.ok || !result.created) throw new Error(`account d${i} was not created: ${result.ok ? 'it existed' : result.message}`);
      if ((i + 1) % BLOCK === 0 || i + 1 === ACCOUNTS) {
        const now = performance.now();
        blocks.push((now - blockStart) / (i % BLOCK + 1));
        blockStart = now;
      }
    }
    const totalMs = performance.now() - started;
    const connectStart = performance.now();
    const device = await mqtt.connectAsync(broker.url, { username: last.username, password: last.password, clientId: last.username, reconnectPeriod: 0, protocolVersion: 4 });
    const connectMs = performance.now() - connectStart;
    await device.endAsync();
    console.log(`${kind}: ${ACCOUNTS} device accounts (client + role, ${ACCOUNTS * 2} dynamic-security commands) created one by one in ${(totalMs / 1000).toFixed(1)} s = ${(totalMs / ACCOUNTS).toFixed(1)} ms per account, ${(ACCOUNTS / (totalMs / 1000)).toFixed(0)} accounts/s`);
    console.log(`${kind}: ms per account by block of ${BLOCK}: ${blocks.map((ms) => ms.toFixed(1)).join(', ')}`);
    console.log(`${kind}: the last device connects with its new credentials in ${connectMs.toFixed(0)} ms; machine load average ${loadavg()[0].toFixed(1)}`);
  } finally {
    await session.stop();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const found = findMosquitto();
  if (found.ok) await run(BrokerKind.Mosquitto);
  else console.warn(`SKIPPED: the mosquitto part of this bench: ${found.reason}`);
  await run(BrokerKind.Embedded);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
