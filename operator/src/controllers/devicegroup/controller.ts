import type { Logger } from '../../manager/logger';
import type { OperatorMetrics } from '../../manager/metrics';
import type { FleetCaches } from '../caches';
import type { FleetListener } from '../fleet-events';
import { objectKey, type FleetIndex } from '../fleet-index';
import { KeyedController } from '../keyed-controller';
import type { ApiWriter } from '../writer';
import { syncDeviceGroup } from './sync';

/** Keeps DeviceGroup status current: matchedDevices and Ready (referenced Secrets exist). */
export class DeviceGroupController extends KeyedController implements FleetListener {
  constructor(options: { caches: FleetCaches; index: FleetIndex; writer: ApiWriter; metrics?: OperatorMetrics; logger?: Logger; now?: () => Date }) {
    super(
      'devicegroup',
      (key) => syncDeviceGroup(options, key),
      () => options.caches.groups.list().map((g) => objectKey(g.metadata.namespace, g.metadata.name)),
      { metrics: options.metrics, logger: options.logger },
    );
  }

  membershipChanged(change: { groups: Iterable<string> }): void {
    this.enqueue(change.groups);
  }
}
