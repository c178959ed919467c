import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The operator's Prometheus metrics, one registry per process (tests make their own). */
export class OperatorMetrics {
  readonly registry = new Registry();
  readonly reconciles = new Counter({
    name: 'kubeflash_reconcile_total',
    help: 'Reconciles by controller and result (success or error).',
    labelNames: ['controller', 'result'] as const,
    registers: [this.registry],
  });
  readonly reconcileDuration = new Histogram({
    name: 'kubeflash_reconcile_duration_seconds',
    help: 'Time one reconcile takes, by controller.',
    labelNames: ['controller'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'kubeflash_workqueue_depth',
    help: 'Keys waiting in the work queue, by controller.',
    labelNames: ['controller'] as const,
    registers: [this.registry],
  });
  readonly apiWrites = new Counter({
    name: 'kubeflash_api_writes_total',
    help: 'Write requests the controllers sent to the API server, by resource and verb.',
    labelNames: ['resource', 'verb'] as const,
    registers: [this.registry],
  });
  readonly isLeader = new Gauge({
    name: 'kubeflash_leader',
    help: '1 while this replica holds the leader lease.',
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'kubeflash_' });
  }

  /** Observers to pass to a controller's WorkQueue. */
  queueObservers(controller: string): { onReconcile: (key: string, ms: number, error: unknown) => void; onDepthChange: (depth: number) => void } {
    return {
      onReconcile: (_key, ms, error) => {
        this.reconciles.inc({ controller, result: error === undefined ? 'success' : 'error' });
        this.reconcileDuration.observe({ controller }, ms / 1000);
      },
      onDepthChange: (depth) => this.queueDepth.set({ controller }, depth),
    };
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
