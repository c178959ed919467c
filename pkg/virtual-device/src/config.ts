import { parseNvsImage, parseNvsKeyPartition, type NvsEntry } from '@kubeflash/esp';
import { decryptNvsImage } from '@kubeflash/esp/node';
import { parseDeviceId } from '@kubeflash/protocol';

/** What a device reads from its config partition at boot: the generated keys, and every other key by name. */
export interface DeviceConfig {
  deviceId: string;
  /** `mqtt://host[:port]` or `mqtts://host[:port]`. */
  mqttUri: string;
  mqttUser: string;
  mqttPass: string;
  /** The device's topic root without the trailing slash: `<topicPrefix>/devices/<deviceId>`. */
  mqttPrefix: string;
  /** The topicPrefix part of mqttPrefix. */
  topicPrefix: string;
  /** PEM of the broker CA (mqtt_ca), for mqtts brokers. */
  mqttCa?: string;
  /** DER SubjectPublicKeyInfo of the firmware signing key (ota_pubkey), when the config has one. */
  otaPublicKey?: Uint8Array;
  webUser?: string;
  webPass?: string;
  /** Every entry of the config namespace, by key. */
  values: Map<string, NvsEntry>;
}

/** A config partition a device cannot boot from: which key and why (never a value). */
export class DeviceConfigError extends Error {
  override readonly name = 'DeviceConfigError';
  constructor(readonly key: string, reason: string) {
    super(`config key ${key}: ${reason}`);
  }
}

const MQTT_URI = /^mqtts?:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?)(:[0-9]{1,5})?\/?$/;

/**
 * Reads a device's config partition image as the firmware does: decrypts it with the nvs_keys partition when
 * given, takes the keys of one NVS namespace (default `config`), and checks the generated keys (device id,
 * broker URI, credentials, topic root consistent with the device id, CA only with mqtts, web login as a pair).
 */
export function readDeviceConfig(configBin: Uint8Array, options: { nvsKeys?: Uint8Array; namespace?: string } = {}): DeviceConfig {
  const image = options.nvsKeys ? decryptNvsImage(configBin, parseNvsKeyPartition(options.nvsKeys)) : configBin;
  const parsed = parseNvsImage(image);
  const errors = parsed.issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw new DeviceConfigError('(image)', `the NVS image is damaged${options.nvsKeys ? '' : ' or encrypted (give its nvs_keys)'}: ${errors[0].message}`);
  const namespace = options.namespace ?? 'config';
  const values = new Map(parsed.values.filter((v) => v.namespace === namespace).map((v) => [v.key, v]));
  const text = (key: string, required: boolean): string | undefined => {
    const e = values.get(key);
    if (!e) {
      if (required) throw new DeviceConfigError(key, `is missing from NVS namespace ${namespace}`);
      return undefined;
    }
    if (e.type === 'string') return e.value;
    if (e.type === 'blob') return Buffer.from(e.value).toString('utf8').replace(/\0+$/, '');
    throw new DeviceConfigError(key, `must be a string, is ${e.type}`);
  };
  const deviceId = text('device_id', true) as string;
  if (!parseDeviceId(deviceId)) throw new DeviceConfigError('device_id', 'must be <namespace>.<name> (Kubernetes names)');
  const mqttUri = text('mqtt_uri', true) as string;
  if (!MQTT_URI.test(mqttUri)) throw new DeviceConfigError('mqtt_uri', 'must be mqtt://host[:port] or mqtts://host[:port]');
  const mqttUser = text('mqtt_user', true) as string;
  const mqttPass = text('mqtt_pass', true) as string;
  if (!mqttUser || !mqttPass) throw new DeviceConfigError(mqttUser ? 'mqtt_pass' : 'mqtt_user', 'must not be empty');
  const mqttPrefix = text('mqtt_prefix', true) as string;
  const suffix = `/devices/${deviceId}`;
  if (!mqttPrefix.endsWith(suffix) || mqttPrefix.length === suffix.length || /[#+]/.test(mqttPrefix)) {
    throw new DeviceConfigError('mqtt_prefix', 'must be <topicPrefix>/devices/<device_id> without wildcards or a trailing slash');
  }
  const mqttCa = text('mqtt_ca', false);
  if (mqttCa !== undefined && !mqttUri.startsWith('mqtts://')) throw new DeviceConfigError('mqtt_ca', 'is set but mqtt_uri is not mqtts://');
  if (mqttCa !== undefined && !mqttCa.includes('-----BEGIN CERTIFICATE-----')) throw new DeviceConfigError('mqtt_ca', 'is not PEM certificate text');
  const pub = values.get('ota_pubkey');
  const webUser = text('web_user', false);
  const webPass = text('web_pass', false);
  if ((webUser === undefined) !== (webPass === undefined)) throw new DeviceConfigError(webUser === undefined ? 'web_user' : 'web_pass', 'web_user and web_pass must be set together');
  return {
    deviceId,
    mqttUri,
    mqttUser,
    mqttPass,
    mqttPrefix,
    topicPrefix: mqttPrefix.slice(0, -suffix.length),
    ...(mqttCa !== undefined ? { mqttCa } : {}),
    ...(pub?.type === 'blob' ? { otaPublicKey: pub.value } : {}),
    ...(webUser !== undefined ? { webUser, webPass } : {}),
    values,
  };
}
