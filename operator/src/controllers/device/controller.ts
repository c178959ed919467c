import { CONFIG_HASH_ANNOTATION, DEVICE_LABEL } from '../../config/secret';
import { SIGNING_KEY_SECRET } from '../../artifacts/signing';
import type { Logger } from '../../manager/logger';
import type { OperatorMetrics } from '../../manager/metrics';
import type { FleetCaches } from '../caches';
import { objectKey } from '../fleet-index';
import { KeyedController } from '../keyed-controller';
import type { FleetListener } from '../fleet-events';
import type { ApiWriter } from '../writer';
import { syncDevice, type DeviceSyncDeps } from './sync';

/** Options of the Device controller. */
export interface DeviceControllerOptions {
  caches: FleetCaches;
  writer: ApiWriter;
  /** Broker sessions: the device's account is made through its DevicesCluster's session (mosquitto-dynsec). */
  brokers?: DeviceSyncDeps['brokers'];
  metrics?: OperatorMetrics;
  concurrency?: number;
  now?: () => Date;
  logger?: Logger;
}

/**
 * Keeps every Device's `<device>-credentials` and `<device>-config` Secrets, its broker account (mosquitto-dynsec)
 * and its ConfigReady status current. Queues a Device when its own spec or labels change, when it is being
 * deleted, when the FleetIndex says an input changed, and when one of its Secrets is deleted or edited by someone
 * else; never for its own status writes.
 */
export class DeviceController implements FleetListener {
  static readonly controllerName = 'device';
  private readonly keyed: KeyedController;
  /** Hash this process last wrote per device, so our own Secret writes do not queue the device again. */
  private readonly written = new Map<string, string>();

  constructor(options: DeviceControllerOptions) {
    this.keyed = new KeyedController(
      DeviceController.controllerName,
      (key) =>
        syncDevice(
          {
            caches: options.caches,
            writer: options.writer,
            brokers: options.brokers,
            now: options.now,
            logger: options.logger,
            onSecretWritten: (k, h) => this.written.set(k, h),
            onRendered: (result) => options.metrics?.configRenders.inc({ result }),
          },
          key,
        ),
      () => options.caches.devices.list().map((d) => objectKey(d.metadata.namespace, d.metadata.name)),
      { metrics: options.metrics, logger: options.logger, concurrency: options.concurrency ?? 8 },
    );
    const onConfigSecret = (deleted: boolean) => (s: { metadata?: { namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } }) => {
      const device = s.metadata?.labels?.[DEVICE_LABEL];
      if (!device) return;
      const key = objectKey(s.metadata?.namespace, device);
      if (deleted || this.written.get(key) !== s.metadata?.annotations?.[CONFIG_HASH_ANNOTATION]) this.enqueue([key]);
    };
    options.caches.configSecrets.on('update', onConfigSecret(false));
    options.caches.configSecrets.on('delete', onConfigSecret(true));
    // The namespace's signing key is every device's ota_pubkey: a new or changed key re-renders them all.
    const onSigningKey = (s: { metadata?: { namespace?: string; name?: string } }) => {
      if (s.metadata?.name !== SIGNING_KEY_SECRET) return;
      this.enqueue(options.caches.devices.list(s.metadata.namespace).map((d) => objectKey(d.metadata.namespace, d.metadata.name)));
    };
    for (const verb of ['add', 'update', 'delete'] as const) options.caches.configSecrets.on(verb, onSigningKey);
    options.caches.devices.on('delete', (d) => this.written.delete(objectKey(d.metadata.namespace, d.metadata.name)));
  }

  devicesAffected(keys: Iterable<string>): void {
    this.enqueue(keys);
  }

  private enqueue(keys: Iterable<string>): void {
    this.keyed.enqueue(keys);
  }

  /** Starts processing (caches must be synced) and queues every Device. */
  start(): void {
    this.keyed.start();
  }

  /** Queues every cached Device (periodic resync; converged devices cause no writes). */
  resync(): void {
    this.keyed.resync();
  }

  whenIdle(): Promise<void> {
    return this.keyed.whenIdle();
  }

  get depth(): number {
    return this.keyed.depth;
  }

  stop(): Promise<void> {
    return this.keyed.stop();
  }
}
