import type { DevicesCluster } from '../v1alpha1/devicescluster';
import type { GeneratedKey } from '../validation/index';

/** Topic prefix of a DevicesCluster that sets none (the CRD default). */
export const DEFAULT_TOPIC_PREFIX = 'kubeflash';

/** A device's broker account name and topics, as status.mqtt shows them. */
export interface DeviceMqtt {
  username: string;
  topics: { root: string; status: string; telemetry: string; commands: string };
}

/** The device id: `<namespace>.<name>` (both DNS names, so already topic-safe). */
export function deviceId(namespace: string, name: string): string {
  return `${namespace}.${name}`;
}

/** Account and topics of a device (`<topicPrefix>/devices/<deviceId>/...`). */
export function deviceMqtt(namespace: string, name: string, cluster: DevicesCluster): DeviceMqtt {
  const id = deviceId(namespace, name);
  const root = `${cluster.spec.mqtt.topicPrefix ?? DEFAULT_TOPIC_PREFIX}/devices/${id}/`;
  return { username: id, topics: { root, status: `${root}status`, telemetry: `${root}telemetry`, commands: `${root}cmd/#` } };
}

/** Login name of every device's local web UI (web_user); the password (web_pass) is generated per device. */
export const DEVICE_WEB_USER = 'admin';

/** Generated values that are not derived from names: the CA devices trust, the device's web login password and the key OTA images are signed with. */
export interface GeneratedExtras {
  /** PEM bytes of the broker's CA (spec.mqtt.caSecretRef); written as mqtt_ca only for an mqtts:// broker. */
  mqttCa?: Uint8Array;
  /** The generated password of the device's web UI (web_pass, with web_user DEVICE_WEB_USER). */
  webPassword?: string;
  /** DER SubjectPublicKeyInfo of the namespace's firmware signing key (ota_pubkey, a blob), once it has one. */
  otaPublicKey?: Uint8Array;
}

/** True when devices of the cluster connect with TLS (an mqtts:// broker URI). */
export function brokerUsesTls(cluster: DevicesCluster): boolean {
  return cluster.spec.mqtt.brokerUri.startsWith('mqtts://');
}

/**
 * Values of the generated keys: device_id, mqtt_uri (the broker devices use), mqtt_user, mqtt_pass, mqtt_prefix
 * (the device's topic root without the trailing slash), mqtt_ca (blob, PEM; mqtts brokers with a CA only), and
 * web_user/web_pass and, once the namespace has a firmware signing key, ota_pubkey (its DER SubjectPublicKeyInfo,
 * a blob) that devices check OTA signatures with.
 */
export function generatedValues(namespace: string, name: string, cluster: DevicesCluster, mqttPassword: string, extras: GeneratedExtras = {}): Partial<Record<GeneratedKey, string | Uint8Array>> {
  const mqtt = deviceMqtt(namespace, name, cluster);
  const values: Partial<Record<GeneratedKey, string | Uint8Array>> = {
    device_id: deviceId(namespace, name),
    mqtt_uri: cluster.spec.mqtt.brokerUri,
    mqtt_user: mqtt.username,
    mqtt_pass: mqttPassword,
    mqtt_prefix: mqtt.topics.root.slice(0, -1),
    ...(extras.otaPublicKey ? { ota_pubkey: extras.otaPublicKey } : {}),
  };
  if (extras.mqttCa && brokerUsesTls(cluster)) values.mqtt_ca = extras.mqttCa;
  if (extras.webPassword !== undefined) {
    values.web_user = DEVICE_WEB_USER;
    values.web_pass = extras.webPassword;
  }
  return values;
}
