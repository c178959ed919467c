import type { Logger } from '../../manager/logger';
import type { OperatorMetrics } from '../../manager/metrics';
import type { FleetCaches } from '../caches';
import type { FleetListener } from '../fleet-events';
import { objectKey, type FleetIndex } from '../fleet-index';
import { KeyedController } from '../keyed-controller';
import type { ApiWriter } from '../writer';
import { syncDeviceClass } from './sync';

/** Keeps DeviceClass status.devices equal to the number of Devices that reference it. */
export class DeviceClassController extends KeyedController implements FleetListener {
  constructor(options: { caches: FleetCaches; index: FleetIndex; writer: ApiWriter; metrics?: OperatorMetrics; logger?: Logger }) {
    super(
      'deviceclass',
      (key) => syncDeviceClass(options, key),
      () => options.caches.classes.list().map((o) => objectKey(o.metadata.namespace, o.metadata.name)),
      { metrics: options.metrics, logger: options.logger },
    );
  }

  membershipChanged(change: { classes: Iterable<string> }): void {
    this.enqueue(change.classes);
  }
}
