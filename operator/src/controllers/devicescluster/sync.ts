import { DevicesClusterResource } from '@kubeflash/api';
import type { FleetCaches } from '../caches';
import type { FleetIndex } from '../fleet-index';
import type { ApiWriter } from '../writer';
import { DEVICESCLUSTER_FIELD_MANAGER, desiredDevicesCluster } from './desired';

/** Reconciles one DevicesCluster's device count: gather (cache, index) -> decide -> apply. */
export async function syncDevicesCluster(deps: { caches: FleetCaches; index: FleetIndex; writer: ApiWriter }, key: string): Promise<void> {
  const [namespace, name] = key.split('/');
  const object = deps.caches.clusters.get(namespace, name);
  if (!object || object.metadata.deletionTimestamp) return;
  const status = desiredDevicesCluster(object, deps.index.devicesOfCluster(namespace, name).size);
  if (status) await deps.writer.applyStatus(DevicesClusterResource.kind, DevicesClusterResource.plural, namespace, name, status, DEVICESCLUSTER_FIELD_MANAGER);
}
