import { WorkQueue, type Reconcile } from './workqueue';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A manual clock: timers fire only when the test advances time. */
class FakeTimers {
  now = 0;
  private timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  set = (fn: () => void, ms: number): { cancel(): void } => {
    const timer = { at: this.now + ms, fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  };
  pendingDelays(): number[] {
    return this.timers.filter((t) => !t.cancelled).map((t) => t.at - this.now);
  }
  advance(ms: number): void {
    this.now += ms;
    const due = this.timers.filter((t) => !t.cancelled && t.at <= this.now);
    this.timers = this.timers.filter((t) => !due.includes(t));
    for (const t of due) t.fn();
  }
}

describe('WorkQueue', () => {
  it('reconciles a key added many times while queued only once', async () => {
    const seen: string[] = [];
    const gate = deferred();
    const q = new WorkQueue(async (key) => {
      seen.push(key);
      await gate.promise;
    }, { concurrency: 1 });
    q.add('a');
    q.add('b');
    q.add('b');
    q.add('b');
    gate.resolve();
    await q.whenIdle();
    expect(seen).toEqual(['a', 'b']);
  });

  it('runs a key once more when it is added while being reconciled, never twice at once', async () => {
    let concurrentSameKey = 0;
    let maxConcurrentSameKey = 0;
    let calls = 0;
    const gate = deferred();
    const q = new WorkQueue(async () => {
      calls++;
      concurrentSameKey++;
      maxConcurrentSameKey = Math.max(maxConcurrentSameKey, concurrentSameKey);
      if (calls === 1) await gate.promise;
      concurrentSameKey--;
    }, { concurrency: 4 });
    q.add('a');
    q.add('a');
    q.add('a');
    gate.resolve();
    await q.whenIdle();
    await q.whenIdle();
    expect(calls).toBe(2);
    expect(maxConcurrentSameKey).toBe(1);
  });

  it('never runs more keys at once than its concurrency', async () => {
    let running = 0;
    let peak = 0;
    const q = new WorkQueue(async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
    }, { concurrency: 3 });
    for (let i = 0; i < 20; i++) q.add(`k${i}`);
    await q.whenIdle();
    expect(peak).toBe(3);
  });

  it('retries a failing key with exponential backoff and resets after a success', async () => {
    const timers = new FakeTimers();
    let failNext = 3;
    const reconcile: Reconcile = async () => {
      if (failNext > 0) {
        failNext--;
        throw new Error('API server unavailable');
      }
    };
    const errors: unknown[] = [];
    const q = new WorkQueue(reconcile, { concurrency: 1, baseBackoffMs: 100, maxBackoffMs: 250, setTimer: timers.set, onReconcile: (_k, _d, e) => errors.push(e) });
    q.add('a');
    await q.whenIdle();
    expect(q.failuresOf('a')).toBe(1);
    expect(timers.pendingDelays()).toEqual([100]);
    timers.advance(100);
    await q.whenIdle();
    expect(timers.pendingDelays()).toEqual([200]);
    timers.advance(200);
    await q.whenIdle();
    expect(timers.pendingDelays()).toEqual([250]);
    timers.advance(250);
    await q.whenIdle();
    expect(q.failuresOf('a')).toBe(0);
    expect(timers.pendingDelays()).toEqual([]);
    expect(errors.filter(Boolean)).toHaveLength(3);
  });

  it('requeues after the delay a reconcile asks for', async () => {
    const timers = new FakeTimers();
    let calls = 0;
    const q = new WorkQueue(async () => {
      calls++;
      return calls === 1 ? { requeueAfterMs: 30_000 } : undefined;
    }, { concurrency: 1, setTimer: timers.set });
    q.add('a');
    await q.whenIdle();
    expect(timers.pendingDelays()).toEqual([30_000]);
    timers.advance(30_000);
    await q.whenIdle();
    expect(calls).toBe(2);
  });

  it('finishes running work on shutdown and takes no more keys', async () => {
    const gate = deferred();
    const seen: string[] = [];
    const q = new WorkQueue(async (key) => {
      seen.push(key);
      await gate.promise;
    }, { concurrency: 1 });
    q.add('a');
    q.add('b');
    const stopped = q.shutdown();
    q.add('c');
    gate.resolve();
    await stopped;
    expect(seen).toEqual(['a']);
  });

  it('rejects a concurrency that is not a positive integer', () => {
    expect(() => new WorkQueue(async () => undefined, { concurrency: 0 })).toThrow('work queue concurrency must be a positive integer, got 0');
  });
});
