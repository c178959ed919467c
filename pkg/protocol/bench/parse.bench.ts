// Throughput of the protocol parser on one core: topic + payload bytes -> validated, typed message (or violation).
// Goal: >= 20,000 validated status messages/s per core for the operator's ingest.
// Run: npx tsx pkg/protocol/bench/parse.bench.ts [seconds per case, default 2]
import { Channel, deviceTopic, parseMessage } from '../src/index';

const seconds = Number(process.argv[2] ?? 2);
const PREFIX = 'kubeflash';
const encoder = new TextEncoder();

/** 1,000 distinct devices' messages, as the broker hands them over (topic string, payload bytes). */
function messages(channel: Channel, payloadFor: (i: number) => unknown): { topic: string; payload: Uint8Array }[] {
  return Array.from({ length: 1000 }, (_, i) => ({
    topic: deviceTopic(PREFIX, `site-${i % 7}.sensor-${i}`, channel),
    payload: encoder.encode(typeof payloadFor(i) === 'string' ? (payloadFor(i) as string) : JSON.stringify(payloadFor(i))),
  }));
}

const status = (i: number) => ({
  state: 'online',
  fw: '1.4.2',
  project: 'c3-sensor',
  idf: 'v5.3.1',
  chip: 'esp32c3',
  mac: `a4:cf:12:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`,
  ip: `10.0.${i >> 8}.${i & 0xff}`,
  rssi: -40 - (i % 50),
  uptime: 1000 + i,
  resetReason: 'poweron',
  imageState: 'valid',
  partition: 'ota_0',
  ts: 1700000000 + i,
});

function measure(name: string, batch: { topic: string; payload: Uint8Array }[], expectOk: boolean): void {
  for (const m of batch) {
    if (parseMessage(PREFIX, m.topic, m.payload).ok !== expectOk) throw new Error(`${name}: unexpected verdict for ${m.topic}`);
  }
  const start = performance.now();
  let count = 0;
  while (performance.now() - start < seconds * 1000) {
    for (const m of batch) parseMessage(PREFIX, m.topic, m.payload);
    count += batch.length;
  }
  const elapsed = (performance.now() - start) / 1000;
  const bytes = batch.reduce((n, m) => n + m.payload.length, 0) / batch.length;
  console.log(`${name.padEnd(46)} ${(count / elapsed).toFixed(0).padStart(9)} messages/s  (${((elapsed / count) * 1e6).toFixed(2)} µs each, ~${bytes.toFixed(0)} B)`);
}

console.log(`protocol parser benchmark: one core, ${seconds}s per case (goal: >= 20,000 validated status/s)`);
measure('status (online, every field), valid', messages(Channel.Status, status), true);
measure('status (LWT)', messages(Channel.Status, () => '{"state":"offline"}'), true);
measure('telemetry (5 readings), valid', messages(Channel.Telemetry, (i) => ({ ts: 1700000000, values: { temperature_c: 21.5 + i / 100, humidity_pct: 55, door_open: false, free_heap: 183204, lux: i } })), true);
measure('status with an unknown field, rejected', messages(Channel.Status, (i) => ({ ...status(i), heap: 1 })), false);
measure('status, invalid JSON, rejected', messages(Channel.Status, (i) => JSON.stringify(status(i)).slice(0, 60)), false);
