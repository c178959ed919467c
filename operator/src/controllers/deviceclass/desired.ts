import type { DeviceClass } from '@kubeflash/api';

/** Field manager of the DeviceClass controller's status writes (it owns status.devices only). */
export const DEVICECLASS_FIELD_MANAGER = 'kubeflash-deviceclass';

/** Status the DeviceClass controller owns. */
export interface DeviceClassOwnedStatus {
  devices: number;
}

/** The owned status of a DeviceClass with `devices` Devices referencing it; undefined when it is already stored (pure). */
export function desiredDeviceClass(object: DeviceClass, devices: number): DeviceClassOwnedStatus | undefined {
  return object.status?.devices === devices ? undefined : { devices };
}
