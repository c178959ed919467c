import {
  DeviceClassResource, DeviceGroupResource, DeviceResource, DevicesClusterResource, FirmwareResource, GROUP, RolloutResource,
  type ResourceNames,
} from '@kubeflash/api';

/** Name of the "Devices" product in the cluster explorer. */
export const KUBEFLASH_PRODUCT = 'kubeflash';

/** API group of every kubeflash kind. */
export const KUBEFLASH_GROUP = GROUP;

/** Steve's id of a kind: `<group>.<singular>` (e.g. kubeflash.dev.device). */
function steveType(names: ResourceNames): string {
  return `${ names.group }.${ names.singular }`;
}

/** Steve type ids of the kubeflash kinds (from @kubeflash/api); files in models/, list/, edit/ and detail/ are named by these. */
export const KUBEFLASH = {
  DEVICES_CLUSTER: steveType(DevicesClusterResource),
  DEVICE_CLASS:    steveType(DeviceClassResource),
  DEVICE_GROUP:    steveType(DeviceGroupResource),
  DEVICE:          steveType(DeviceResource),
  FIRMWARE:        steveType(FirmwareResource),
  ROLLOUT:         steveType(RolloutResource),
} as const;

/** Kubernetes resource names (group, version, plural) of the kubeflash kinds, by Steve type id. */
export const KUBEFLASH_RESOURCES: Record<string, ResourceNames> = Object.fromEntries(
  [DevicesClusterResource, DeviceClassResource, DeviceGroupResource, DeviceResource, FirmwareResource, RolloutResource].map((names) => [steveType(names), names]),
);

/** Core Kubernetes types the pages read. */
export const CORE = {
  SECRET: 'secret',
  EVENT:  'event',
  POD:    'pod',
} as const;
