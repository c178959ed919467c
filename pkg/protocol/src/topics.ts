import { isChannel, type Channel } from './channels';
import { DEVICE_ID_MAX, parseDeviceId } from './device-id';
import { ViolationReason } from './reasons';

/** Topic prefix of a DevicesCluster that sets none. */
export const DEFAULT_TOPIC_PREFIX = 'kubeflash';
/** A topic prefix: one or more levels of `[A-Za-z0-9_.-]`, no wildcards, no leading or trailing slash. */
export const TOPIC_PREFIX_PATTERN = '^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$';
/** Longest topic prefix. */
export const TOPIC_PREFIX_MAX = 64;

const TOPIC_PREFIX_RE = new RegExp(TOPIC_PREFIX_PATTERN);

/** Throws when `topicPrefix` is not a valid topic prefix. */
export function assertTopicPrefix(topicPrefix: string): void {
  if (topicPrefix.length > TOPIC_PREFIX_MAX || !TOPIC_PREFIX_RE.test(topicPrefix)) {
    throw new Error(`topic prefix ${JSON.stringify(topicPrefix.slice(0, 80))} must match ${TOPIC_PREFIX_PATTERN} and have at most ${TOPIC_PREFIX_MAX} characters`);
  }
}

/** A device's topic root, with the trailing slash: `<topicPrefix>/devices/<deviceId>/`. */
export function deviceRoot(topicPrefix: string, deviceId: string): string {
  return `${topicPrefix}/devices/${deviceId}/`;
}

/** The full topic of `channel` for a device. */
export function deviceTopic(topicPrefix: string, deviceId: string, channel: Channel): string {
  return `${deviceRoot(topicPrefix, deviceId)}${channel}`;
}

/**
 * Topic filters the operator subscribes to (QoS 1): every device's reports, never the commands it sends itself
 * (so MQTT 3.1.1, which has no No Local option, does not echo them back).
 */
export function operatorSubscriptions(topicPrefix: string): string[] {
  const devices = `${topicPrefix}/devices/+/`;
  return [`${devices}status`, `${devices}telemetry`, `${devices}logs`, `${devices}ota/+`];
}

/** A topic that is a device channel. */
export interface DeviceTopic {
  deviceId: string;
  channel: Channel;
}

/** Why a topic is not a device channel. */
export interface TopicProblem {
  reason: typeof ViolationReason.UnknownTopic | typeof ViolationReason.InvalidDeviceId;
  detail: string;
}

/** Splits `<topicPrefix>/devices/<deviceId>/<channel>` into device id and channel, or says why it is not one. */
export function parseTopic(topicPrefix: string, topic: string): ({ ok: true } & DeviceTopic) | ({ ok: false } & TopicProblem) {
  const head = `${topicPrefix}/devices/`;
  if (!topic.startsWith(head)) {
    return { ok: false, reason: ViolationReason.UnknownTopic, detail: `topic is not under ${head}` };
  }
  const slash = topic.indexOf('/', head.length);
  if (slash < 0) return { ok: false, reason: ViolationReason.UnknownTopic, detail: 'topic has no channel after the device id' };
  const id = topic.slice(head.length, slash);
  const channel = topic.slice(slash + 1);
  if (!isChannel(channel)) {
    return { ok: false, reason: ViolationReason.UnknownTopic, detail: `unknown channel ${JSON.stringify(channel.slice(0, 64))}` };
  }
  if (id.length > DEVICE_ID_MAX || !parseDeviceId(id)) {
    return { ok: false, reason: ViolationReason.InvalidDeviceId, detail: `${JSON.stringify(id.slice(0, 80))} is not <namespace>.<name> with Kubernetes names` };
  }
  return { ok: true, deviceId: id, channel };
}
