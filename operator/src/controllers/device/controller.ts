import { CONFIG_HASH_ANNOTATION, DEVICE_LABEL } from '../../config/secret';
import type { OperatorMetrics } from '../../manager/metrics';
import { WorkQueue } from '../../manager/workqueue';
import type { FleetCaches } from '../caches';
import { objectKey } from '../fleet-index';
import type { FleetListener } from '../fleet-events';
import type { ApiWriter } from '../writer';
import { syncDevice } from './sync';

/** Options of the Device controller. */
export interface DeviceControllerOptions {
  caches: FleetCaches;
  writer: ApiWriter;
  metrics?: OperatorMetrics;
  concurrency?: number;
  now?: () => Date;
  log?: (line: string) => void;
}

/**
 * Keeps every Device's `<device>-config` Secret and ConfigReady status current. Queues a Device when its own
 * spec or labels change, when the FleetIndex says an input changed, and when its config Secret is deleted or
 * edited by someone else; never for its own status writes.
 */
export class DeviceController implements FleetListener {
  static readonly controllerName = 'device';
  private readonly queue: WorkQueue;
  private running = false;
  /** Hash this process last wrote per device, so our own Secret writes do not queue the device again. */
  private readonly written = new Map<string, string>();

  constructor(private readonly options: DeviceControllerOptions) {
    this.queue = new WorkQueue(
      (key) =>
        syncDevice({ caches: options.caches, writer: options.writer, now: options.now, onSecretWritten: (k, h) => this.written.set(k, h) }, key),
      { concurrency: options.concurrency ?? 8, ...options.metrics?.queueObservers(DeviceController.controllerName) },
    );
    const onConfigSecret = (deleted: boolean) => (s: { metadata?: { namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } }) => {
      const device = s.metadata?.labels?.[DEVICE_LABEL];
      if (!device) return;
      const key = objectKey(s.metadata?.namespace, device);
      if (deleted || this.written.get(key) !== s.metadata?.annotations?.[CONFIG_HASH_ANNOTATION]) this.enqueue([key]);
    };
    options.caches.configSecrets.on('update', onConfigSecret(false));
    options.caches.configSecrets.on('delete', onConfigSecret(true));
    options.caches.devices.on('delete', (d) => this.written.delete(objectKey(d.metadata.namespace, d.metadata.name)));
  }

  devicesAffected(keys: Iterable<string>): void {
    this.enqueue(keys);
  }

  private enqueue(keys: Iterable<string>): void {
    if (!this.running) return;
    for (const k of keys) this.queue.add(k);
  }

  /** Starts processing (caches must be synced) and queues every Device. */
  start(): void {
    this.running = true;
    this.resync();
  }

  /** Queues every cached Device (periodic resync; converged devices cause no writes). */
  resync(): void {
    this.enqueue(this.options.caches.devices.list().map((d) => objectKey(d.metadata.namespace, d.metadata.name)));
  }

  whenIdle(): Promise<void> {
    return this.queue.whenIdle();
  }

  get depth(): number {
    return this.queue.depth;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.queue.shutdown();
  }
}
