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

/** Value of a generated key: a string, or bytes written as an NVS blob (ota_pubkey). */
export type GeneratedValue = string | Uint8Array;

/**
 * Values of the generated keys: device_id, mqtt_uri (the broker devices use), mqtt_user, mqtt_pass,
 * mqtt_prefix (the device's topic root without the trailing slash) and, once the namespace has a firmware
 * signing key, ota_pubkey (its DER SubjectPublicKeyInfo, a blob) that devices check OTA signatures with.
 */
export function generatedValues(
  namespace: string,
  name: string,
  cluster: DevicesCluster,
  mqttPassword: string,
  otaPublicKey?: Uint8Array,
): Partial<Record<GeneratedKey, GeneratedValue>> {
  const mqtt = deviceMqtt(namespace, name, cluster);
  return {
    device_id: deviceId(namespace, name),
    mqtt_uri: cluster.spec.mqtt.brokerUri,
    mqtt_user: mqtt.username,
    mqtt_pass: mqttPassword,
    mqtt_prefix: mqtt.topics.root.slice(0, -1),
    ...(otaPublicKey ? { ota_pubkey: otaPublicKey } : {}),
  };
}
