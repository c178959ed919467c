import { WriteCoalescer } from './coalescer';

function harness(intervalMs = 60_000) {
  let now = 1_000_000;
  const released: { key: string; at: number }[] = [];
  const c = new WriteCoalescer(intervalMs, (key) => released.push({ key, at: now }), () => now);
  return { c, released, advance: (ms: number) => (now += ms), now: () => now };
}

describe('WriteCoalescer', () => {
  it('releases a meaningful change at once, even right after a write', () => {
    const { c, released } = harness();
    c.written('a');
    c.note('a', true);
    expect(released.map((r) => r.key)).toEqual(['a']);
  });

  it('releases heartbeats of one device at most once per interval, however often they come', () => {
    let now = 0;
    const released: number[] = [];
    // The writer writes at once on every release, as the controller's sync does.
    const c: WriteCoalescer = new WriteCoalescer(60_000, () => {
      released.push(now);
      c.written('a');
    }, () => now);
    for (; now <= 10 * 60_000; now += 5_000) {
      c.note('a', false);
      c.sweep();
    }
    // Ten minutes of heartbeats every 5 s: one write at the start and one per interval after it.
    expect(released).toEqual([0, 60_000, 120_000, 180_000, 240_000, 300_000, 360_000, 420_000, 480_000, 540_000, 600_000]);
  });

  it('seeds the last write from the stored lastSeen, so a restart does not write every device at once', () => {
    const { c, released, advance, now } = harness(60_000);
    c.seed('a', now() - 10_000);
    c.note('a', false);
    expect(released).toEqual([]);
    expect(c.tooSoon('a')).toBe(true);
    advance(50_000);
    c.sweep();
    expect(released.map((r) => r.key)).toEqual(['a']);
  });

  it('forgets deleted devices', () => {
    const { c, released, advance } = harness(1000);
    c.written('a');
    c.note('a', false);
    c.forget('a');
    advance(5000);
    c.sweep();
    expect(released).toEqual([]);
    expect(c.waiting).toBe(0);
  });
});
