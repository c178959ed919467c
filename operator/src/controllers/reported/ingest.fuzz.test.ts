/**
 * Fuzz: 100,000 random and mutated messages (payloads and topics) through the operator's ingest. It must never
 * throw, account for every message (valid, invalid, unknown device, cleared), keep its dead-letter buffer
 * bounded, and fold only messages the protocol parser accepts.
 */
import { Registry } from 'prom-client';
import type { Device, DevicesCluster } from '@kubeflash/api';
import { parseMessage, Direction } from '@kubeflash/protocol';
import { readVectors, vectorPayloadBytes } from '@kubeflash/protocol/vectors';
import { DeadLetters } from '../../mqtt/dead-letters';
import { TelemetryMetrics } from '../../mqtt/telemetry-metrics';
import { FakeCache } from '../testing';
import { ReportIngest } from './ingest';

const MESSAGES = 100_000;

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = ['{', '}', '[', ']', ',', ':', '"', '\\', 'null', 'true', '-0', '1e309', '9007199254740993', '"state"', '"online"', '"offline"', '"__proto__"', '"constructor"', '\u0000', '\ud800', '💥', ' '.repeat(300), '{"a":'.repeat(50)];
const LEVELS = ['kf', 'devices', 'home.temp-1', 'home.temp-2', 'home.ghost', 'status', 'telemetry', 'logs', 'ota', 'progress', 'result', 'cmd', 'reboot', '+', '#', '$SYS', '', 'HOME.TEMP-1', 'home', 'temp-1', '.', 'x'.repeat(300)];

describe('ReportIngest under fuzzing', () => {
  it(`survives ${MESSAGES.toLocaleString('en')} random and mutated topics and payloads and accounts for every one`, async () => {
    const rnd = random(0x6b756265);
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
    const devices = new FakeCache<Device>();
    const clusters = new FakeCache<DevicesCluster>();
    clusters.set({ apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DevicesCluster', metadata: { name: 'site', namespace: 'home' }, spec: { mqtt: { brokerUri: 'mqtt://b', topicPrefix: 'kf' } } });
    for (const name of ['temp-1', 'temp-2']) devices.set({ apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Device', metadata: { name, namespace: 'home' }, spec: { deviceClassRef: { name: 'c' }, devicesClusterRef: { name: 'site' } } });
    const registry = new Registry();
    const deadLetters = new DeadLetters(1000);
    let folded = 0;
    const ingest = new ReportIngest({ devices, clusters, metrics: new TelemetryMetrics(registry), deadLetters, changed: () => folded++, invalid: () => undefined });

    const seeds = readVectors().filter((v) => !v.topic.includes('/cmd/')).map((v) => ({ topic: v.topic.replace(/^[^/]+(\/[^/]+)?\/devices\/[^/]+\//, 'kf/devices/home.temp-1/'), payload: vectorPayloadBytes(v) }));
    let expectedValid = 0;
    const thrown: string[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const base = pick(seeds);
      let topic = base.topic;
      let payload: Uint8Array = new Uint8Array(base.payload);
      switch (Math.floor(rnd() * 8)) {
        case 0: // flip bytes
          for (let k = 0; k < 1 + rnd() * 4; k++) if (payload.length) payload[Math.floor(rnd() * payload.length)] ^= 1 << Math.floor(rnd() * 8);
          break;
        case 1: // truncate
          payload = payload.slice(0, Math.floor(rnd() * payload.length));
          break;
        case 2: { // splice in JSON-ish tokens
          const text = new TextDecoder().decode(payload);
          const at = Math.floor(rnd() * (text.length + 1));
          payload = new TextEncoder().encode(text.slice(0, at) + pick(TOKENS) + text.slice(at));
          break;
        }
        case 3: // random bytes
          payload = new Uint8Array(Math.floor(rnd() * 64)).map(() => Math.floor(rnd() * 256));
          break;
        case 4: // random topic
          topic = Array.from({ length: 1 + Math.floor(rnd() * 7) }, () => pick(LEVELS)).join('/');
          break;
        case 5: // another device or channel
          topic = topic.replace('home.temp-1', pick(['home.temp-2', 'home.ghost', 'other.temp-1', 'home.TEMP-1', 'home.temp-1/x'])).replace(/\/status$/, pick(['/status', '/telemetry', '/logs', '/ota/result', '/cmd/reboot', '/unknown']));
          break;
        case 6: // oversized
          payload = new Uint8Array(4000 + Math.floor(rnd() * 2000)).fill(0x20);
          break;
        default: // unchanged valid (or invalid) vector
          break;
      }
      const verdict = parseMessage('kf', topic, payload, { direction: Direction.DeviceToOperator });
      if (verdict.ok && ['home.temp-1', 'home.temp-2'].includes(verdict.message.deviceId)) expectedValid++;
      try {
        ingest.handle('home/site', topic, payload, rnd() < 0.1);
      } catch (err) {
        thrown.push(`${topic}: ${String(err)}`);
      }
    }
    expect(thrown).toEqual([]);

    const counted = (await registry.getSingleMetric('kubeflash_mqtt_messages_total')?.get())?.values ?? [];
    const total = counted.reduce((n, v) => n + v.value, 0);
    expect(total).toBe(MESSAGES);
    const valid = counted.filter((v) => v.labels.result === 'valid').reduce((n, v) => n + v.value, 0);
    expect(valid).toBe(expectedValid);
    expect(folded).toBe(expectedValid);
    expect(deadLetters.list().length).toBeLessThanOrEqual(1000);
    expect(ingest.size).toBeLessThanOrEqual(2);
    expect(devices.list()).toHaveLength(2);
    const byResult = Object.fromEntries(['valid', 'invalid', 'unknown-device', 'cleared'].map((r) => [r, counted.filter((v) => v.labels.result === r).reduce((n, v) => n + v.value, 0)]));
    console.log(`fuzz: ${MESSAGES} messages -> ${JSON.stringify(byResult)}`);
  });
});
