/**
 * Benchmark helper, run as a child process: publishes `count` online status messages (QoS 1, retained, as devices
 * do) for `devices` device ids under `kf`, as fast as the broker takes them, then prints `DONE <ms>`.
 * Usage: tsx operator/bench/status-publisher.ts <url> <username> <password> <devices> <count>
 */
import mqtt from 'mqtt';
import { buildMessage } from '@kubeflash/protocol';

const [url, username, password] = process.argv.slice(2, 5);
const devices = Number(process.argv[5] ?? 1000);
const count = Number(process.argv[6] ?? 100_000);

async function main(): Promise<void> {
  const client = await mqtt.connectAsync(url, { username, password, clientId: `bench-publisher-${process.pid}`, protocolVersion: 4, reconnectPeriod: 0 }, false);
  const messages = Array.from({ length: devices }, (_, i) =>
    buildMessage('kf', `fleet.d${i}`, 'status', { state: 'online', fw: '1.4.0', project: 'sensor', chip: 'esp32c3', mac: `02:00:00:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, ip: '192.0.2.1', rssi: -60, uptime: 100, resetReason: 'poweron', imageState: 'valid' }),
  );
  const started = performance.now();
  let inFlight = 0;
  let sent = 0;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (inFlight < 500 && sent < count) {
        const m = messages[sent % devices];
        sent++;
        inFlight++;
        client.publish(m.topic, m.payload, { qos: 1, retain: true }, () => {
          inFlight--;
          if (sent >= count && inFlight === 0) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  process.stdout.write(`DONE ${Math.round(performance.now() - started)}\n`);
  await client.endAsync();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
