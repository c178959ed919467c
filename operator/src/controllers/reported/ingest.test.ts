import { Registry } from 'prom-client';
import type { Device, DevicesCluster } from '@kubeflash/api';
import { buildMessage, type Violation } from '@kubeflash/protocol';
import { readVectors, vectorPayloadBytes } from '@kubeflash/protocol/vectors';
import { DeadLetters } from '../../mqtt/dead-letters';
import { TelemetryMetrics } from '../../mqtt/telemetry-metrics';
import { FakeCache } from '../testing';
import { ReportIngest } from './ingest';

const NS = 'home';
function setup() {
  const devices = new FakeCache<Device>();
  const clusters = new FakeCache<DevicesCluster>();
  const cluster = (name: string): DevicesCluster => ({ apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DevicesCluster', metadata: { name, namespace: NS }, spec: { mqtt: { brokerUri: 'mqtt://b', topicPrefix: 'kf' } } });
  clusters.set(cluster('site'));
  clusters.set(cluster('other'));
  for (const [name, c] of [['temp-1', 'site'], ['temp-2', 'site'], ['elsewhere', 'other']]) {
    devices.set({ apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Device', metadata: { name, namespace: NS }, spec: { deviceClassRef: { name: 'c3' }, devicesClusterRef: { name: c } } });
  }
  const registry = new Registry();
  const metrics = new TelemetryMetrics(registry);
  const changed: string[] = [];
  const invalid: { key: string; count: number; violation: Violation }[] = [];
  let now = new Date('2026-03-01T10:00:00Z');
  const ingest = new ReportIngest({
    devices,
    clusters,
    metrics,
    deadLetters: new DeadLetters(5, 60_000),
    changed: (key, meaningful) => changed.push(`${key} ${meaningful ? 'meaningful' : 'heartbeat'}`),
    invalid: (key, count, violation) => invalid.push({ key, count, violation }),
    now: () => now,
  });
  const status = (device: string, over: Record<string, unknown> = {}) => {
    const m = buildMessage('kf', `${NS}.${device}`, 'status', { state: 'online', fw: '1.5.0', project: 'p', chip: 'esp32c3', mac: '34:85:18:6a:10:01', ip: '10.0.0.2', uptime: 1, resetReason: 'poweron', imageState: 'valid', ...over } as never);
    return { topic: m.topic, payload: new TextEncoder().encode(m.payload) };
  };
  const count = async (name: string) => (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return { ingest, devices, clusters, changed, invalid, status, count, advance: (ms: number) => (now = new Date(now.getTime() + ms)), deadLetters: () => (ingest as unknown as { deps: { deadLetters: DeadLetters } }).deps.deadLetters };
}

describe('ReportIngest', () => {
  it('folds a status into the report and calls the first one and a firmware change meaningful, heartbeats not', () => {
    const t = setup();
    const s = t.status('temp-1');
    t.ingest.handle(`${NS}/site`, s.topic, s.payload, false);
    // The writer wrote it: later reports are compared with what was written.
    t.ingest.written(`${NS}/temp-1`, t.ingest.report(`${NS}/temp-1`) ?? {});
    t.ingest.handle(`${NS}/site`, s.topic, t.status('temp-1', { uptime: 61 }).payload, false);
    t.ingest.handle(`${NS}/site`, s.topic, t.status('temp-1', { fw: '1.6.0' }).payload, false);
    expect(t.changed).toEqual([`${NS}/temp-1 meaningful`, `${NS}/temp-1 heartbeat`, `${NS}/temp-1 meaningful`]);
    expect(t.ingest.report(`${NS}/temp-1`)).toMatchObject({ online: true, status: { fw: '1.6.0', uptime: 1 }, lastSeen: new Date('2026-03-01T10:00:00Z') });
  });

  it('does not count a retained status delivered at subscribe time as the device being seen', () => {
    const t = setup();
    const s = t.status('temp-1');
    t.ingest.handle(`${NS}/site`, s.topic, s.payload, true);
    expect(t.ingest.report(`${NS}/temp-1`)?.lastSeen).toBeUndefined();
    expect(t.ingest.report(`${NS}/temp-1`)?.online).toBe(true);
  });

  it('turns a last will into offline/lost and an announced shutdown into offline with its reason', () => {
    const t = setup();
    const topic = `kf/devices/${NS}.temp-1/status`;
    t.ingest.handle(`${NS}/site`, topic, new TextEncoder().encode('{"state":"offline"}'), false);
    expect(t.ingest.report(`${NS}/temp-1`)).toEqual({ online: false, offlineReason: 'lost', essentials: expect.anything() });
    t.ingest.handle(`${NS}/site`, topic, new TextEncoder().encode('{"state":"offline","reason":"reboot"}'), false);
    expect(t.ingest.report(`${NS}/temp-1`)).toMatchObject({ online: false, offlineReason: 'reboot', lastSeen: expect.any(Date) });
  });

  it('counts and drops messages of unknown devices and of another DevicesCluster\'s devices, creating nothing', async () => {
    const t = setup();
    t.ingest.handle(`${NS}/site`, t.status('ghost').topic, t.status('ghost').payload, false);
    t.ingest.handle(`${NS}/site`, t.status('elsewhere').topic, t.status('elsewhere').payload, false);
    expect(t.changed).toEqual([]);
    expect(t.ingest.size).toBe(0);
    expect(t.devices.list().map((d) => d.metadata.name).sort()).toEqual(['elsewhere', 'temp-1', 'temp-2']);
    expect(await t.count('kubeflash_mqtt_messages_total')).toEqual([expect.objectContaining({ value: 2, labels: { kind: 'status', result: 'unknown-device' } })]);
  });

  it('rejects every invalid vector the operator can receive: counted by reason and kept as a dead letter, never folded', async () => {
    const t = setup();
    const invalid = readVectors().filter((v) => v.verdict === 'invalid' && !v.topic.includes('/cmd/'));
    const prefixes = [...new Set(invalid.map((v) => v.topicPrefix))];
    prefixes.forEach((topicPrefix, i) => t.clusters.set({ apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DevicesCluster', metadata: { name: `c${i}`, namespace: NS }, spec: { mqtt: { brokerUri: 'mqtt://b', topicPrefix } } }));
    for (const v of invalid) t.ingest.handle(`${NS}/c${prefixes.indexOf(v.topicPrefix)}`, v.topic, vectorPayloadBytes(v), false);
    const reasons = await t.count('kubeflash_mqtt_invalid_messages_total');
    const expected = new Map<string, number>();
    for (const v of invalid) expected.set(v.reason ?? '', (expected.get(v.reason ?? '') ?? 0) + 1);
    expect(Object.fromEntries(reasons.map((r) => [r.labels.reason, r.value]))).toEqual(Object.fromEntries(expected));
    expect(t.changed).toEqual([]);
    expect(t.deadLetters().list()).toHaveLength(5);
    expect(t.deadLetters().recorded).toBe(invalid.length);
  });

  it('reports a device\'s invalid messages as one Event per interval with the count since the last one, never with the payload', () => {
    const t = setup();
    const topic = `kf/devices/${NS}.temp-1/status`;
    for (let i = 0; i < 3; i++) t.ingest.handle(`${NS}/site`, topic, new TextEncoder().encode('not json'), false);
    expect(t.invalid.map((e) => [e.key, e.count, e.violation.reason])).toEqual([[`${NS}/temp-1`, 1, 'invalid-json']]);
    t.advance(60_001);
    t.ingest.handle(`${NS}/site`, topic, new TextEncoder().encode('{"state":"online"}'), false);
    expect(t.invalid.map((e) => [e.count, e.violation.reason])).toEqual([[1, 'invalid-json'], [3, 'missing-field']]);
    expect(JSON.stringify(t.deadLetters().list())).not.toContain('not json');
  });

  it('exports telemetry as per-device metrics', async () => {
    const t = setup();
    const m = buildMessage('kf', `${NS}.temp-2`, 'telemetry', { values: { temperature_c: 21.5, door_open: true } });
    t.ingest.handle(`${NS}/site`, m.topic, new TextEncoder().encode(m.payload), false);
    const values = await t.count('kubeflash_device_telemetry');
    expect(values.map((v) => [v.labels.reading, v.value])).toEqual([['temperature_c', 21.5], ['door_open', 1]]);
    expect(values[0].labels).toMatchObject({ namespace: NS, device: 'temp-2' });
  });

  it('ignores the empty retained message the operator itself publishes to clear a deleted device\'s status', async () => {
    const t = setup();
    t.ingest.handle(`${NS}/site`, `kf/devices/${NS}.temp-1/status`, new Uint8Array(), true);
    expect(await t.count('kubeflash_mqtt_invalid_messages_total')).toEqual([]);
    expect(t.deadLetters().recorded).toBe(0);
  });
});
