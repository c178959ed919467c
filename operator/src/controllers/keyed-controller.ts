import { apiErrorMessage } from '../kube/apply';
import type { Logger } from '../manager/logger';
import type { OperatorMetrics } from '../manager/metrics';
import { WorkQueue } from '../manager/workqueue';

/** Options shared by every controller. */
export interface KeyedControllerOptions {
  metrics?: OperatorMetrics;
  /** Reconcile failures are logged here (controller, key, attempt, error). */
  logger?: Logger;
  concurrency?: number;
}

/** A queue of `namespace/name` keys with a sync function, started once caches are synced. */
export class KeyedController {
  private readonly queue: WorkQueue;
  private running = false;

  constructor(
    readonly controllerName: string,
    sync: (key: string) => Promise<void>,
    private readonly allKeys: () => string[],
    options: KeyedControllerOptions = {},
  ) {
    const logger = options.logger;
    this.queue = new WorkQueue(sync, {
      concurrency: options.concurrency ?? 2,
      ...options.metrics?.queueObservers(controllerName),
      onFailure: (key, attempt, error, retryInMs) =>
        logger?.error('reconcile failed', { controller: controllerName, key, attempt, retryInMs, error: apiErrorMessage(error) }),
    });
  }

  enqueue(keys: Iterable<string>): void {
    if (!this.running) return;
    for (const k of keys) this.queue.add(k);
  }

  /** Starts processing and queues every key. */
  start(): void {
    this.running = true;
    this.resync();
  }

  resync(): void {
    this.enqueue(this.allKeys());
  }

  whenIdle(): Promise<void> {
    return this.queue.whenIdle();
  }

  /** Keys waiting in the queue. */
  get depth(): number {
    return this.queue.depth;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.queue.shutdown();
  }
}
