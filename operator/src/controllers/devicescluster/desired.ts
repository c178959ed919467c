import type { DevicesCluster } from '@kubeflash/api';

/** Field manager of the DevicesCluster controller's status writes (it owns status.devices only). */
export const DEVICESCLUSTER_FIELD_MANAGER = 'kubeflash-devicescluster';

/** Status the DevicesCluster controller owns. */
export interface DevicesClusterOwnedStatus {
  devices: number;
}

/** The owned status of a DevicesCluster with `devices` Devices referencing it; undefined when it is already stored (pure). */
export function desiredDevicesCluster(object: DevicesCluster, devices: number): DevicesClusterOwnedStatus | undefined {
  return object.status?.devices === devices ? undefined : { devices };
}
