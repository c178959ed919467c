// The objects a webhook request refers to, read from the API server at request time (webhooks run on every
// replica, leader or not, so they cannot rely on the leader's caches).
import { ApiException, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { DeviceClassResource, DevicesClusterResource, FirmwareResource, GROUP, VERSION, type DeviceClass, type DevicesCluster, type Firmware } from '@kubeflash/api';
import type { ReferenceLookup } from './validate';

/** Looks references up with GETs (404 means absent; other errors propagate and the request is refused). */
export function apiReferenceLookup(kubeConfig: KubeConfig): ReferenceLookup {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const get = async <T>(plural: string, namespace: string, name: string): Promise<T | undefined> => {
    try {
      return (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace, name })) as T;
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return undefined;
      throw new Error(`cannot read ${plural} ${namespace}/${name}: ${err instanceof ApiException ? `HTTP ${err.code}` : (err as Error).message}`);
    }
  };
  return {
    deviceClass: (namespace, name) => get<DeviceClass>(DeviceClassResource.plural, namespace, name),
    devicesCluster: (namespace, name) => get<DevicesCluster>(DevicesClusterResource.plural, namespace, name),
    firmware: (namespace, name) => get<Firmware>(FirmwareResource.plural, namespace, name),
  };
}
