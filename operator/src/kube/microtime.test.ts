import { formatMicroTime, microTime } from './microtime';

// The layout kube-apiserver parses MicroTime with (metav1.RFC3339Micro): six fractional digits, always.
const RFC3339_MICRO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

describe('MicroTime', () => {
  const when = new Date('2026-12-03T10:00:00.123Z');

  it('formats with exactly six fractional digits', () => {
    expect(formatMicroTime(when)).toBe('2026-12-03T10:00:00.123000Z');
    expect(formatMicroTime(new Date('2026-12-03T10:00:00Z'))).toMatch(RFC3339_MICRO);
  });

  it('goes on the wire with six digits (client-node passes V1MicroTime values to JSON.stringify)', () => {
    const wire = JSON.parse(JSON.stringify({ spec: { acquireTime: microTime(when), renewTime: microTime(when) } })) as { spec: { acquireTime: string; renewTime: string } };
    expect(wire.spec).toEqual({ acquireTime: '2026-12-03T10:00:00.123000Z', renewTime: '2026-12-03T10:00:00.123000Z' });
  });

  it('a plain Date would not (the bug this helper exists for)', () => {
    expect(JSON.parse(JSON.stringify({ t: when })).t).not.toMatch(RFC3339_MICRO);
  });
});
