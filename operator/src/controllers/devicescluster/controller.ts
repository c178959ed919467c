import type { Logger } from '../../manager/logger';
import type { OperatorMetrics } from '../../manager/metrics';
import type { FleetCaches } from '../caches';
import type { FleetListener } from '../fleet-events';
import { objectKey, type FleetIndex } from '../fleet-index';
import { KeyedController } from '../keyed-controller';
import type { ApiWriter } from '../writer';
import { syncDevicesCluster } from './sync';

/** Keeps DevicesCluster status.devices equal to the number of Devices that reference it. */
export class DevicesClusterController extends KeyedController implements FleetListener {
  constructor(options: { caches: FleetCaches; index: FleetIndex; writer: ApiWriter; metrics?: OperatorMetrics; logger?: Logger }) {
    super(
      'devicescluster',
      (key) => syncDevicesCluster(options, key),
      () => options.caches.clusters.list().map((o) => objectKey(o.metadata.namespace, o.metadata.name)),
      { metrics: options.metrics, logger: options.logger },
    );
  }

  membershipChanged(change: { clusters: Iterable<string> }): void {
    this.enqueue(change.clusters);
  }
}
