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
  readonly queueWait = new Histogram({
    name: 'kubeflash_workqueue_wait_seconds',
    help: 'Time a key waits in the work queue before its reconcile starts, by controller.',
    labelNames: ['controller'] as const,
    buckets: [0.001, 0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  readonly configRenders = new Counter({
    name: 'kubeflash_config_renders_total',
    help: 'Device config renders by result: written (a config Secret was written), invalid (the config cannot be rendered: ConfigReady False), write_failed (the API refused the Secret).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly webhookReviews = new Counter({
    name: 'kubeflash_webhook_reviews_total',
    help: 'Admission reviews answered, by webhook (validate, mutate) and outcome (allowed, denied, error).',
    labelNames: ['webhook', 'outcome'] as const,
    registers: [this.registry],
  });
  private fleetSource: (() => Record<string, number>) | undefined;
  readonly devices = new Gauge({
    name: 'kubeflash_devices',
    help: 'Devices the operator manages, by ConfigReady status (True, False, Unknown); reported by the leading replica.',
    labelNames: ['config_ready'] as const,
    registers: [this.registry],
    collect: () => {
      this.devices.reset();
      const counts = this.fleetSource?.();
      for (const [status, n] of Object.entries(counts ?? {})) this.devices.set({ config_ready: status }, n);
    },
  });
  readonly isLeader = new Gauge({
    name: 'kubeflash_leader',
    help: '1 while this replica holds the leader lease.',
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'kubeflash_' });
  }

  /** Where `kubeflash_devices` is counted from (the running controllers' cache); undefined while not leading. */
  setFleetSource(source: (() => Record<string, number>) | undefined): void {
    this.fleetSource = source;
  }

  /** Observers to pass to a controller's WorkQueue. */
  queueObservers(controller: string): {
    onReconcile: (key: string, ms: number, error: unknown) => void;
    onDepthChange: (depth: number) => void;
    onStart: (key: string, waitedMs: number) => void;
  } {
    return {
      onStart: (_key, waitedMs) => this.queueWait.observe({ controller }, waitedMs / 1000),
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
