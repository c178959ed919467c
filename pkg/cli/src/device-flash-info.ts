import { ApiException, CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { normalizeChipName, type ChipName } from '@kubeflash/flasher';
import { ConfigEncryption, DeviceClassResource, DeviceResource, GROUP, VERSION, type Device, type DeviceClass } from '@kubeflash/api';

/** The default label of the config partition (DeviceClass `spec.partitions.config.label`). */
export const DEFAULT_CONFIG_PARTITION_LABEL = 'config';

/** What flashing a Device needs to know from the cluster. */
export interface DeviceFlashInfo {
  namespace: string;
  name: string;
  className: string;
  /** The class's chip as written in the API (`esp32c3`), which is also esptool's chip name. */
  apiChip: string;
  /** The same chip as the flasher spells it (`ESP32-C3`). */
  chip: ChipName;
  configPartitionLabel: string;
  configSecretName: string;
  /** The class encrypts its config partition (`encryption: nvs`): nvs_keys.bin must be flashed with it. */
  encrypted: boolean;
  /** The class's current Firmware (status.firmware.name), if it has one. */
  currentFirmware?: string;
}

/** The device's NVS images from its config Secret. */
export interface DeviceConfigImages {
  config: Uint8Array;
  nvsKeys?: Uint8Array;
}

/** A problem with the cluster's objects, worded for a person (which object, what is wrong). */
export class DeviceLookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceLookupError';
  }
}

async function read<T>(what: string, request: () => Promise<T>, notFoundHint = ''): Promise<T> {
  try {
    return await request();
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) throw new DeviceLookupError(`${what} not found${notFoundHint}`);
    throw new DeviceLookupError(`cannot read ${what}: ${err instanceof ApiException ? `HTTP ${err.code}` : (err as Error).message}`);
  }
}

/** Reads a Device and its DeviceClass: chip, config partition label and config Secret name. */
export async function readDeviceFlashInfo(kubeConfig: KubeConfig, namespace: string, name: string): Promise<DeviceFlashInfo> {
  const objects = kubeConfig.makeApiClient(CustomObjectsApi);
  const device = (await read(`Device ${namespace}/${name}`, () =>
    objects.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: DeviceResource.plural, name }),
  )) as Device;
  const className = device.spec.deviceClassRef.name;
  const deviceClass = (await read(`DeviceClass ${namespace}/${className} (class of Device ${name})`, () =>
    objects.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: DeviceClassResource.plural, name: className }),
  )) as DeviceClass;
  const chip = normalizeChipName(deviceClass.spec.chip);
  if (!chip) throw new DeviceLookupError(`DeviceClass ${namespace}/${className} has chip "${deviceClass.spec.chip}", which kubeflash cannot flash`);
  return {
    namespace,
    name,
    className,
    apiChip: deviceClass.spec.chip,
    chip,
    configPartitionLabel: deviceClass.spec.partitions?.config?.label ?? DEFAULT_CONFIG_PARTITION_LABEL,
    configSecretName: device.status?.config?.secretName ?? `${name}-config`,
    encrypted: (deviceClass.spec.encryption ?? ConfigEncryption.None) === ConfigEncryption.Nvs,
    ...(deviceClass.status?.firmware?.name ? { currentFirmware: deviceClass.status.firmware.name } : {}),
  };
}

/** Reads `config.bin` (and `nvs_keys.bin` when the class encrypts) from the device's config Secret. */
export async function readDeviceConfigImages(kubeConfig: KubeConfig, info: DeviceFlashInfo): Promise<DeviceConfigImages> {
  const what = `Secret ${info.namespace}/${info.configSecretName} (config of Device ${info.name})`;
  const notReady = `: the operator has not written the Device's configuration yet (see its ConfigReady condition: kubectl get device ${info.name} -n ${info.namespace} -o yaml)`;
  const secret = await read(what, () => kubeConfig.makeApiClient(CoreV1Api).readNamespacedSecret({ name: info.configSecretName, namespace: info.namespace }), notReady);
  const config = secret.data?.['config.bin'];
  if (!config) throw new DeviceLookupError(`${what} has no config.bin${notReady}`);
  const keys = secret.data?.['nvs_keys.bin'];
  if (info.encrypted && !keys) throw new DeviceLookupError(`${what} has no nvs_keys.bin, but class ${info.className} encrypts its config${notReady}`);
  return { config: new Uint8Array(Buffer.from(config, 'base64')), ...(keys ? { nvsKeys: new Uint8Array(Buffer.from(keys, 'base64')) } : {}) };
}
