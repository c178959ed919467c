import type { V1OwnerReference, V1Secret } from '@kubernetes/client-node';
import { buildNvsKeyPartition, parseNvsKeyPartition } from '@kubeflash/esp';
import type { DeviceCredentials } from './credentials';

/** The one module that knows how a device's config Secret is laid out (so its storage can change later). */

/** Key of the NVS image in the config Secret. */
export const CONFIG_BIN_KEY = 'config.bin';
/** Key of the same data in nvs_partition_gen CSV form. */
export const CONFIG_CSV_KEY = 'config.csv';
/** Key of the generated MQTT password (credentials Secret; config Secrets written before it held it too). */
export const MQTT_PASSWORD_KEY = 'mqtt_password';
/** Key of the generated web UI password (credentials Secret). */
export const WEB_PASSWORD_KEY = 'web_password';
/** Key of the nvs_keys partition image (classes with `encryption: nvs`), in both Secrets. */
export const NVS_KEYS_KEY = 'nvs_keys.bin';
/** Annotation on the credentials Secret: the spec.credentials.rotate value the credentials were generated for. */
export const CREDENTIALS_ROTATION_ANNOTATION = 'kubeflash.dev/credentials-rotation';
/** Annotation on the credentials Secret: when the credentials were generated. */
export const CREDENTIALS_GENERATED_ANNOTATION = 'kubeflash.dev/credentials-generated-at';
/** Annotation holding the hash of every input of the image. */
export const CONFIG_HASH_ANNOTATION = 'kubeflash.dev/config-hash';
/** Label on every Secret the operator writes (informers select owned Secrets by it). */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** Value of MANAGED_BY_LABEL. */
export const MANAGED_BY_VALUE = 'kubeflash-operator';
/** Label naming the Device a config Secret belongs to. */
export const DEVICE_LABEL = 'kubeflash.dev/device';

/** Name of a device's config Secret. */
export function configSecretName(deviceName: string): string {
  return `${deviceName}-config`;
}

/** Name of a device's credentials Secret (the one copy of its generated passwords and NVS keys). */
export function credentialsSecretName(deviceName: string): string {
  return `${deviceName}-credentials`;
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const fromB64 = (text: string | undefined): Uint8Array | undefined => (text === undefined ? undefined : new Uint8Array(Buffer.from(text, 'base64')));

/**
 * Credentials stored in a credentials Secret's data (base64 values, as the API returns them); also reads the
 * password and NVS keys that config Secrets held before credentials had their own Secret.
 */
export function credentialsFromSecretData(data: Record<string, string> | undefined): Partial<DeviceCredentials> {
  const out: Partial<DeviceCredentials> = {};
  const text = (key: string): string | undefined => {
    const bytes = fromB64(data?.[key]);
    return bytes && bytes.length > 0 ? Buffer.from(bytes).toString('utf8') : undefined;
  };
  const mqtt = text(MQTT_PASSWORD_KEY);
  if (mqtt !== undefined) out.mqttPassword = mqtt;
  const web = text(WEB_PASSWORD_KEY);
  if (web !== undefined) out.webPassword = web;
  const keys = fromB64(data?.[NVS_KEYS_KEY]);
  if (keys && keys.length > 0) out.nvsKeys = parseNvsKeyPartition(keys);
  return out;
}

const ownerOf = (device: { name: string; uid: string; apiVersion: string }): V1OwnerReference => ({
  apiVersion: device.apiVersion,
  kind: 'Device',
  name: device.name,
  uid: device.uid,
  controller: true,
  blockOwnerDeletion: true,
});

/**
 * Builds a device's credentials Secret (owned by the Device): the generated MQTT and web passwords and, for
 * encrypted classes, the NVS keys. It is written when missing and on rotation only, so re-rendering the config
 * never changes a password.
 */
export function buildCredentialsSecret(
  device: { namespace: string; name: string; uid: string; apiVersion: string },
  credentials: DeviceCredentials,
  rotation: string,
  generatedAt: Date,
): V1Secret {
  const data: Record<string, string> = {
    [MQTT_PASSWORD_KEY]: b64(new TextEncoder().encode(credentials.mqttPassword)),
    [WEB_PASSWORD_KEY]: b64(new TextEncoder().encode(credentials.webPassword)),
  };
  if (credentials.nvsKeys) data[NVS_KEYS_KEY] = b64(buildNvsKeyPartition(credentials.nvsKeys));
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: credentialsSecretName(device.name),
      namespace: device.namespace,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [DEVICE_LABEL]: device.name },
      annotations: { [CREDENTIALS_ROTATION_ANNOTATION]: rotation, [CREDENTIALS_GENERATED_ANNOTATION]: generatedAt.toISOString().replace(/\.\d+Z$/, 'Z') },
      ownerReferences: [ownerOf(device)],
    },
    data,
  };
}

/** The files of a rendered config. */
export interface ConfigFiles {
  configBin: Uint8Array;
  configCsv: string;
}

/** Builds a device's config Secret (owned by the Device, so it goes away with it); nvs_keys.bin is a copy for flashing. */
export function buildConfigSecret(
  device: { namespace: string; name: string; uid: string; apiVersion: string },
  files: ConfigFiles,
  credentials: DeviceCredentials,
  hash: string,
): V1Secret {
  const owner = ownerOf(device);
  const data: Record<string, string> = {
    [CONFIG_BIN_KEY]: b64(files.configBin),
    [CONFIG_CSV_KEY]: b64(new TextEncoder().encode(files.configCsv)),
  };
  if (credentials.nvsKeys) data[NVS_KEYS_KEY] = b64(buildNvsKeyPartition(credentials.nvsKeys));
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: configSecretName(device.name),
      namespace: device.namespace,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [DEVICE_LABEL]: device.name },
      annotations: { [CONFIG_HASH_ANNOTATION]: hash },
      ownerReferences: [owner],
    },
    data,
  };
}
