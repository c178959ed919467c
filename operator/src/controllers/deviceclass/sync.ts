import { DeviceClassResource } from '@kubeflash/api';
import type { FleetCaches } from '../caches';
import type { FleetIndex } from '../fleet-index';
import type { ApiWriter } from '../writer';
import { DEVICECLASS_FIELD_MANAGER, desiredDeviceClass } from './desired';

/** Reconciles one DeviceClass's device count: gather (cache, index) -> decide -> apply. */
export async function syncDeviceClass(deps: { caches: FleetCaches; index: FleetIndex; writer: ApiWriter }, key: string): Promise<void> {
  const [namespace, name] = key.split('/');
  const object = deps.caches.classes.get(namespace, name);
  if (!object || object.metadata.deletionTimestamp) return;
  const status = desiredDeviceClass(object, deps.index.devicesOfClass(namespace, name).size);
  if (status) await deps.writer.applyStatus(DeviceClassResource.kind, DeviceClassResource.plural, namespace, name, status, DEVICECLASS_FIELD_MANAGER);
}
