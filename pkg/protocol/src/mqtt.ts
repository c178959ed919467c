import { Channel, CHANNEL_RULES } from './channels';
import { deviceRoot, deviceTopic, operatorSubscriptions } from './topics';

/** MQTT protocol versions: 5 is preferred, 3.1.1 (protocol level 4) is accepted; nothing depends on v5 features. */
export const MQTT_VERSIONS = { preferred: 5, accepted: [5, 4] } as const;

/** Seconds between keep-alive pings of a device; the broker publishes the will after 1.5 times this of silence. */
export const DEVICE_KEEPALIVE_SECONDS = 60;
/** Seconds between a connected device's status re-publications (its heartbeat). */
export const STATUS_HEARTBEAT_SECONDS = 60;

/** Session rules of each side. */
export const SESSION = {
  /**
   * Devices start clean and keep no session (v5: Clean Start 1, Session Expiry Interval 0; v3.1.1: Clean Session 1):
   * commands sent while a device is offline are dropped, and the operator re-sends what still matters.
   */
  device: { cleanStart: true, sessionExpirySeconds: 0, keepAliveSeconds: DEVICE_KEEPALIVE_SECONDS },
  /**
   * The operator keeps its session for an hour (v5: Clean Start 0, Session Expiry Interval 3600; v3.1.1: Clean
   * Session 0) and subscribes with QoS 1, so QoS 1 reports sent during a restart or leader change are delivered.
   */
  operator: { cleanStart: false, sessionExpirySeconds: 3600, keepAliveSeconds: 30 },
} as const;

/** Payload of the will every device registers: the offline status without a reason. */
export const WILL_PAYLOAD = '{"state":"offline"}';

/** The Last Will a device registers at connect: retained offline status, QoS 1, no will delay. */
export function deviceWill(topicPrefix: string, deviceId: string): { topic: string; payload: string; qos: 1; retain: true } {
  const rule = CHANNEL_RULES[Channel.Status];
  return { topic: deviceTopic(topicPrefix, deviceId, Channel.Status), payload: WILL_PAYLOAD, qos: rule.qos as 1, retain: true };
}

/** MQTT client id of a device: its device id (the broker then drops an older connection of the same device). */
export function deviceClientId(deviceId: string): string {
  return deviceId;
}

/**
 * MQTT client id of the operator for one DevicesCluster. The `_` cannot occur in a device id (Kubernetes names
 * have none), so it never takes over a device's session.
 */
export function operatorClientId(namespace: string, devicesClusterName: string): string {
  return `kubeflash_operator.${namespace}.${devicesClusterName}`;
}

/** One ACL entry; the first entry whose topic filter matches decides. */
export interface AclEntry {
  /** publish: the client sends; subscribe: the client subscribes with this filter; receive: the broker delivers to it. */
  action: 'publish' | 'subscribe' | 'receive';
  topic: string;
  allow: boolean;
}

/**
 * What a device account may do, in priority order: subscribe to and receive its own `cmd/#`, publish anywhere
 * under its own root except `cmd/`. Everything else (other devices, `#`, `$CONTROL`, `$SYS`) is denied.
 */
export function deviceAcl(topicPrefix: string, deviceId: string): AclEntry[] {
  const root = deviceRoot(topicPrefix, deviceId);
  return [
    { action: 'subscribe', topic: `${root}cmd/#`, allow: true },
    { action: 'receive', topic: `${root}cmd/#`, allow: true },
    { action: 'publish', topic: `${root}cmd/#`, allow: false },
    { action: 'publish', topic: `${root}#`, allow: true },
  ];
}

/**
 * What the operator account may do under one prefix: publish commands to any device, clear a deleted device's
 * retained status (an empty retained message), subscribe to and receive every device's reports.
 */
export function operatorAcl(topicPrefix: string): AclEntry[] {
  const devices = `${topicPrefix}/devices/+/`;
  const reports = operatorSubscriptions(topicPrefix);
  return [
    { action: 'publish', topic: `${devices}cmd/#`, allow: true },
    { action: 'publish', topic: `${devices}status`, allow: true },
    ...reports.map((topic): AclEntry => ({ action: 'subscribe', topic, allow: true })),
    ...reports.map((topic): AclEntry => ({ action: 'receive', topic, allow: true })),
  ];
}

/** CONNECT settings of one side at MQTT protocol level 5 or 4 (3.1.1), in the shape MQTT client libraries take. */
export interface ConnectSettings {
  protocolVersion: 4 | 5;
  /** Clean Start (v5) or Clean Session (v3.1.1). */
  clean: boolean;
  keepalive: number;
  /** v5 only: the Session Expiry Interval. */
  properties?: { sessionExpiryInterval: number };
}

/** The session rules of SESSION as CONNECT settings for `side` at `protocolVersion`. */
export function connectSettings(side: keyof typeof SESSION, protocolVersion: 4 | 5): ConnectSettings {
  const rule = SESSION[side];
  const base = { protocolVersion, clean: rule.cleanStart, keepalive: rule.keepAliveSeconds };
  return protocolVersion === 5 ? { ...base, properties: { sessionExpiryInterval: rule.sessionExpirySeconds } } : base;
}

/** CONNACK codes by which a broker refuses the protocol level (3.1.1: 1; 5: 0x84): retry with 3.1.1. */
export const CONNACK_UNSUPPORTED_PROTOCOL: readonly number[] = [1, 0x84];
/** CONNACK codes by which a broker refuses the credentials (3.1.1: 4, 5; 5: 0x86, 0x87). */
export const CONNACK_REFUSED_CREDENTIALS: readonly number[] = [4, 5, 0x86, 0x87];

/** Protocol levels to try in order: 5 then 4 (3.1.1) for 'auto', as the protocol prefers v5 and accepts v3.1.1. */
export function protocolLevels(wanted: 4 | 5 | 'auto'): (4 | 5)[] {
  return wanted === 'auto' ? [5, 4] : [wanted];
}
