import { randomBytes } from 'node:crypto';
import { ViolationReason, parseMessage } from './index';
import { readVectors, vectorPayloadBytes } from './vectors/node';

// A seeded generator, so a failure can be replayed.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('parseMessage robustness', () => {
  test('never throws on 10,000 mutated vector payloads and random topics, and always gives a known reason', () => {
    const random = rng(16);
    const vectors = readVectors();
    const reasons = new Set<string>(Object.values(ViolationReason));
    const decoder = new TextDecoder();
    const unexpected: string[] = [];
    for (let i = 0; i < 10000; i++) {
      const v = vectors[Math.floor(random() * vectors.length)];
      const bytes = Uint8Array.from(vectorPayloadBytes(v));
      const flips = 1 + Math.floor(random() * 4);
      for (let f = 0; f < flips && bytes.length > 0; f++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      const topic = random() < 0.1 ? randomBytes(12).toString('latin1') : v.topic;
      const result = parseMessage(v.topicPrefix, topic, random() < 0.5 ? bytes : decoder.decode(bytes));
      if (!result.ok && (!reasons.has(result.violation.reason) || !result.violation.detail)) unexpected.push(`${v.name}: ${JSON.stringify(result.violation)}`);
    }
    expect(unexpected).toEqual([]);
  });

  test('a __proto__ key is an unknown field, and pollutes nothing', () => {
    const payload = '{"state":"offline","__proto__":{"polluted":true}}';
    const result = parseMessage('kubeflash', 'kubeflash/devices/garage.sensor-1/status', payload);
    expect(result).toMatchObject({ ok: false, violation: { reason: ViolationReason.UnknownField, field: '/__proto__', kind: 'lwt' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('a parsed message is the payload object itself, typed by kind', () => {
    const result = parseMessage('kubeflash', 'kubeflash/devices/garage.sensor-1/telemetry', '{"values":{"lux":3}}');
    expect(result.ok && result.message.kind === 'telemetry' && result.message.payload.values.lux).toBe(3);
  });
});
