/** Asks the queue to run the key again after a delay (polling, TTLs). */
export interface Requeue {
  requeueAfterMs: number;
}

/** Reconciles one key; resolves with nothing, or with a Requeue. */
export type Reconcile = (key: string) => Promise<Requeue | undefined> | Promise<void>;

export interface WorkQueueOptions {
  /** How many keys are reconciled at the same time (never the same key twice at once). */
  concurrency: number;
  /** First retry delay after a failure; doubles with every further failure of the same key. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Observers for metrics; all optional. */
  onReconcile?: (key: string, durationMs: number, error: unknown) => void;
  /** Called after a failed reconcile with the key's consecutive failure count and the delay of its retry. */
  onFailure?: (key: string, attempt: number, error: unknown, retryInMs: number) => void;
  onDepthChange?: (depth: number) => void;
  /** Injected clock for timers (tests). */
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

const defaultTimer = (fn: () => void, ms: number): { cancel(): void } => {
  const handle = setTimeout(fn, ms);
  handle.unref?.();
  return { cancel: () => clearTimeout(handle) };
};

/**
 * A work queue with the semantics controllers rely on (as client-go's): a key is queued at most once;
 * a key added while it is being reconciled runs once more afterwards; failures are retried with
 * per-key exponential backoff; at most `concurrency` keys run at once.
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirtyWhileProcessing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, { cancel(): void }>();
  private running = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly setTimer: NonNullable<WorkQueueOptions['setTimer']>;

  constructor(
    private readonly reconcile: Reconcile,
    private readonly options: WorkQueueOptions,
  ) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new Error(`work queue concurrency must be a positive integer, got ${options.concurrency}`);
    }
    this.baseBackoffMs = options.baseBackoffMs ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 5 * 60_000;
    this.setTimer = options.setTimer ?? defaultTimer;
  }

  /** Keys waiting to run (not counting the ones running or delayed). */
  get depth(): number {
    return this.queue.length;
  }

  add(key: string): void {
    if (this.stopped) return;
    this.delayed.get(key)?.cancel();
    this.delayed.delete(key);
    if (this.processing.has(key)) {
      this.dirtyWhileProcessing.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.options.onDepthChange?.(this.queue.length);
    this.pump();
  }

  /** Adds the key after a delay; an earlier `add` of the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.stopped || this.queued.has(key)) return;
    this.delayed.get(key)?.cancel();
    this.delayed.set(key, this.setTimer(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs));
  }

  /** Number of consecutive failures of a key (0 after a success). */
  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Resolves when nothing is queued or running (delayed retries do not count). */
  whenIdle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking keys, cancels delayed ones and waits for running reconciles to finish. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    for (const timer of this.delayed.values()) timer.cancel();
    this.delayed.clear();
    this.queue.length = 0;
    this.queued.clear();
    await this.whenIdle();
  }

  private pump(): void {
    while (!this.stopped && this.running < this.options.concurrency && this.queue.length > 0) {
      const key = this.queue.shift() as string;
      this.queued.delete(key);
      this.options.onDepthChange?.(this.queue.length);
      this.processing.add(key);
      this.running++;
      void this.runOne(key);
    }
  }

  private async runOne(key: string): Promise<void> {
    const started = performance.now();
    let error: unknown;
    let requeueAfterMs: number | undefined;
    try {
      const result = await this.reconcile(key);
      requeueAfterMs = result ? result.requeueAfterMs : undefined;
    } catch (err) {
      error = err;
    }
    this.options.onReconcile?.(key, performance.now() - started, error);
    this.processing.delete(key);
    this.running--;
    if (error !== undefined) {
      const failures = this.failuresOf(key) + 1;
      this.failures.set(key, failures);
      const delay = Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** (failures - 1));
      this.options.onFailure?.(key, failures, error, delay);
      this.addAfter(key, delay);
    } else {
      this.failures.delete(key);
      if (requeueAfterMs !== undefined && requeueAfterMs >= 0) this.addAfter(key, requeueAfterMs);
    }
    if (this.dirtyWhileProcessing.delete(key)) this.add(key);
    this.pump();
    if (this.running === 0 && this.queue.length === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
