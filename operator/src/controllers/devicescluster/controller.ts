import type { V1Secret } from '@kubernetes/client-node';
import type { Logger } from '../../manager/logger';
import type { OperatorMetrics } from '../../manager/metrics';
import type { BrokerManager } from '../../mqtt/manager';
import type { FleetCaches } from '../caches';
import type { FleetListener } from '../fleet-events';
import { objectKey, type FleetIndex } from '../fleet-index';
import { KeyedController } from '../keyed-controller';
import type { ApiWriter } from '../writer';
import { DEVICESCLUSTER_LABEL } from './desired';
import { syncDevicesCluster } from './sync';

/** How often the fleet summary (online / offline / never seen, versions) is recounted. */
export const FLEET_SUMMARY_PERIOD_MS = 30_000;

/**
 * Keeps every DevicesCluster's broker session running with the right settings (the operator's own account, the
 * admin account with mosquitto-dynsec, the CA) and its status current: device count, broker link, Ready, and a
 * fleet summary recounted at most every FLEET_SUMMARY_PERIOD_MS. Queued on membership changes, on changes of the
 * Secrets it references, on broker session changes, and periodically.
 */
export class DevicesClusterController extends KeyedController implements FleetListener {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: { caches: FleetCaches; index: FleetIndex; writer: ApiWriter; brokers?: BrokerManager; metrics?: OperatorMetrics; logger?: Logger; fleetPeriodMs?: number }) {
    super(
      'devicescluster',
      (key) => syncDevicesCluster(options, key),
      () => options.caches.clusters.list().map((o) => objectKey(o.metadata.namespace, o.metadata.name)),
      { metrics: options.metrics, logger: options.logger },
    );
    const referencing = (s: V1Secret): string[] =>
      options.caches.clusters
        .list(s.metadata?.namespace)
        .filter((c) => [c.spec.mqtt.adminSecretRef?.name, c.spec.mqtt.operatorSecretRef?.name, c.spec.mqtt.caSecretRef?.name].includes(s.metadata?.name))
        .map((c) => objectKey(c.metadata.namespace, c.metadata.name));
    for (const event of ['add', 'update', 'delete'] as const) options.caches.secrets.on(event, (s) => this.enqueue(referencing(s)));
    options.caches.configSecrets.on('delete', (s) => {
      const cluster = s.metadata?.labels?.[DEVICESCLUSTER_LABEL];
      if (cluster) this.enqueue([objectKey(s.metadata?.namespace, cluster)]);
    });
    options.caches.clusters.on('update', (c) => this.enqueue([objectKey(c.metadata.namespace, c.metadata.name)]));
    options.caches.clusters.on('delete', (c) => this.enqueue([objectKey(c.metadata.namespace, c.metadata.name)]));
  }

  membershipChanged(change: { clusters: Iterable<string> }): void {
    this.enqueue(change.clusters);
  }

  /** The broker session of `key` changed state. */
  sessionChanged(key: string): void {
    this.enqueue([key]);
  }

  override start(): void {
    super.start();
    const period = this.options.fleetPeriodMs ?? FLEET_SUMMARY_PERIOD_MS;
    if (period > 0) {
      this.timer = setInterval(() => this.resync(), period);
      this.timer.unref();
    }
  }

  override async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await super.stop();
  }
}
