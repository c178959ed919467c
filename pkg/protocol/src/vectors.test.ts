import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MessageKind, ViolationReason, parseMessage, type ParseResult } from './index';
import { VECTORS_DIR, readVectors, vectorPayloadBytes, type VectorCase } from './vectors/node';

const vectors = readVectors();

function verdictOf(result: ParseResult): Pick<VectorCase, 'verdict' | 'kind' | 'reason' | 'field'> {
  if (result.ok) return { verdict: 'valid', kind: result.message.kind };
  const { reason, field } = result.violation;
  return { verdict: 'invalid', reason, ...(field !== undefined ? { field } : {}) };
}

function expectedOf(vector: VectorCase): Pick<VectorCase, 'verdict' | 'kind' | 'reason' | 'field'> {
  return vector.verdict === 'valid'
    ? { verdict: 'valid', kind: vector.kind }
    : { verdict: 'invalid', reason: vector.reason, ...(vector.field !== undefined ? { field: vector.field } : {}) };
}

describe('message vectors', () => {
  test.each(vectors.map((v) => [`${v.file}: ${v.name}`, v] as const))('%s (payload bytes)', (_, vector) => {
    expect(verdictOf(parseMessage(vector.topicPrefix, vector.topic, vectorPayloadBytes(vector)))).toEqual(expectedOf(vector));
  });

  const textual = vectors.filter((v) => v.payload !== undefined);
  test.each(textual.map((v) => [`${v.file}: ${v.name}`, v] as const))('%s (payload string)', (_, vector) => {
    expect(verdictOf(parseMessage(vector.topicPrefix, vector.topic, vector.payload ?? ''))).toEqual(expectedOf(vector));
  });

  test('a valid message reports the channel named by its topic, an invalid one its kind once known', () => {
    for (const vector of vectors) {
      const result = parseMessage(vector.topicPrefix, vector.topic, vectorPayloadBytes(vector));
      const channel = result.ok ? result.message.channel : result.violation.channel;
      expect({ name: vector.name, channel }).toEqual({ name: vector.name, channel: vector.channel });
    }
  });
});

describe('vector files', () => {
  test('there are at least 80 cases, names are unique and every case is well formed', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(80);
    const names = vectors.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    for (const v of vectors) {
      expect({ name: v.name, payloads: [v.payload, v.payloadBase64].filter((p) => p !== undefined).length }).toEqual({ name: v.name, payloads: 1 });
      if (v.verdict === 'valid') expect({ name: v.name, kind: typeof v.kind, reason: v.reason }).toEqual({ name: v.name, kind: 'string', reason: undefined });
      else expect({ name: v.name, kind: v.kind, reason: typeof v.reason }).toEqual({ name: v.name, kind: undefined, reason: 'string' });
    }
  });

  test('every message kind has valid and invalid cases, and every payload-level reason occurs', () => {
    for (const kind of Object.values(MessageKind)) {
      expect({ kind, valid: vectors.some((v) => v.kind === kind) }).toEqual({ kind, valid: true });
    }
    const invalidChannels = new Set(vectors.filter((v) => v.verdict === 'invalid').map((v) => v.channel));
    for (const channel of new Set(vectors.map((v) => v.channel).filter(Boolean))) {
      expect({ channel, invalid: invalidChannels.has(channel) }).toEqual({ channel, invalid: true });
    }
    const reasons = new Set(vectors.map((v) => v.reason));
    // wrong-direction depends on the caller's option, not on the message; unit tests cover it.
    for (const reason of Object.values(ViolationReason).filter((r) => r !== ViolationReason.WrongDirection)) {
      expect({ reason, present: reasons.has(reason) }).toEqual({ reason, present: true });
    }
  });

  test('SHA256SUMS lists every vector file with its hash', () => {
    const sums = readFileSync(join(VECTORS_DIR, 'SHA256SUMS'), 'utf8').trimEnd().split('\n');
    const listed = new Map(sums.map((line) => [line.slice(66), line.slice(0, 64)]));
    const onDisk = [
      ...readdirSync(VECTORS_DIR).filter((f) => f.endsWith('.json')),
      ...readdirSync(join(VECTORS_DIR, 'ota-signature')).map((f) => `ota-signature/${f}`),
    ].sort();
    expect([...listed.keys()].sort()).toEqual(onDisk);
    for (const file of onDisk) {
      const actual = createHash('sha256').update(readFileSync(join(VECTORS_DIR, file))).digest('hex');
      expect({ file, sha256: actual }).toEqual({ file, sha256: listed.get(file) });
    }
  });
});
