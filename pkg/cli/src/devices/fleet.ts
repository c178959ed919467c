import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { GROUP, VERSION, type Device, type DeviceClass, type DevicesCluster } from '@kubeflash/api';
import type { Board, VirtualDeviceOptions } from '@kubeflash/virtual-device';

/** What a virtual device of one Device needs from the cluster. */
export interface DeviceImage {
  namespace: string;
  name: string;
  device: Device;
  options: Pick<VirtualDeviceOptions, 'configBin' | 'nvsKeys' | 'namespace'> & { board: Partial<Board> };
}

const custom = (kc: KubeConfig) => kc.makeApiClient(CustomObjectsApi);
const core = (kc: KubeConfig) => kc.makeApiClient(CoreV1Api);

/** Reads a kubeflash object; undefined when it does not exist. */
export async function readObject<T>(kc: KubeConfig, plural: string, namespace: string, name: string): Promise<T | undefined> {
  try {
    return (await custom(kc).getNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace, name })) as T;
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}

/** The Devices of a namespace, sorted by name. */
export async function listDevices(kc: KubeConfig, namespace: string): Promise<Device[]> {
  const list = (await custom(kc).listNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'devices', namespace })) as { items: Device[] };
  return list.items.sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
}

/** The board a Device stands for: its class's chip and firmware version, its spec.macAddress. */
export function boardFor(device: Device, deviceClass: DeviceClass | undefined): Partial<Board> {
  return {
    ...(deviceClass?.spec.chip ? { chip: deviceClass.spec.chip } : {}),
    ...(device.spec.macAddress ? { mac: device.spec.macAddress.toLowerCase() } : {}),
    firmwareVersion: deviceClass?.spec.firmware?.version ?? '0.0.0',
    project: (deviceClass?.metadata.name ?? 'virtual-device').slice(0, 31),
  };
}

/**
 * A Device's config image as a board would be flashed with it: config.bin (and nvs_keys.bin) from its
 * `<device>-config` Secret, the NVS namespace of its class, and the board it stands for. Undefined while the
 * operator has not written the Secret yet.
 */
export async function readDeviceImage(kc: KubeConfig, namespace: string, name: string): Promise<DeviceImage | undefined> {
  const device = await readObject<Device>(kc, 'devices', namespace, name);
  if (!device) throw new Error(`Device ${namespace}/${name} does not exist`);
  let secret;
  try {
    secret = await core(kc).readNamespacedSecret({ name: `${name}-config`, namespace });
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
  const bin = secret.data?.['config.bin'];
  if (!bin) return undefined;
  const deviceClass = await readObject<DeviceClass>(kc, 'deviceclasses', namespace, device.spec.deviceClassRef.name);
  const keys = secret.data?.['nvs_keys.bin'];
  return {
    namespace,
    name,
    device,
    options: {
      configBin: new Uint8Array(Buffer.from(bin, 'base64')),
      ...(keys ? { nvsKeys: new Uint8Array(Buffer.from(keys, 'base64')) } : {}),
      ...(deviceClass?.spec.configSchema?.namespace ? { namespace: deviceClass.spec.configSchema.namespace } : {}),
      board: boardFor(device, deviceClass),
    },
  };
}

/** The account the operator receives reports with (its own Secret with mosquitto-dynsec, operatorSecretRef otherwise). */
export async function operatorCredentials(kc: KubeConfig, cluster: DevicesCluster): Promise<{ username?: string; password?: string }> {
  const namespace = cluster.metadata.namespace ?? 'default';
  const name = cluster.spec.mqtt.accountManagement === 'mosquitto-dynsec' ? `${cluster.metadata.name}-mqtt-operator` : cluster.spec.mqtt.operatorSecretRef?.name;
  if (!name) return {};
  let secret;
  try {
    secret = await core(kc).readNamespacedSecret({ name, namespace });
  } catch (err) {
    if ((err as { code?: number }).code === 404) throw new Error(`Secret ${namespace}/${name} with the operator's broker account does not exist (is the operator running?)`);
    throw err;
  }
  const text = (k: string): string | undefined => (secret.data?.[k] ? Buffer.from(secret.data[k], 'base64').toString('utf8') : undefined);
  return { username: text('username'), password: text('password') };
}

/** PEM of the DevicesCluster's broker CA (spec.mqtt.caSecretRef), if any. */
export async function brokerCa(kc: KubeConfig, cluster: DevicesCluster): Promise<string | undefined> {
  const ref = cluster.spec.mqtt.caSecretRef;
  if (!ref) return undefined;
  const secret = await core(kc).readNamespacedSecret({ name: ref.name, namespace: cluster.metadata.namespace ?? 'default' });
  const pem = secret.data?.[ref.key ?? 'ca.crt'];
  return pem ? Buffer.from(pem, 'base64').toString('utf8') : undefined;
}
