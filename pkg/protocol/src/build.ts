import { CHANNEL_RULES, KIND_CHANNEL, type MessageKind } from './channels';
import { ProtocolError, type PayloadOf } from './messages';
import { parseMessage } from './parse';
import { ViolationReason } from './reasons';
import { OTA_ID_PATTERN, UUID_PATTERN } from './schemas/common';
import { assertTopicPrefix, deviceTopic } from './topics';

/** A message ready to publish. */
export interface OutgoingMessage {
  topic: string;
  /** The JSON text; publish it as UTF-8. */
  payload: string;
  qos: 0 | 1;
  retain: boolean;
}

/**
 * Serialises a message of `kind` for a device and checks it with the same parser every receiver runs, so nothing
 * that breaks the protocol leaves. Throws ProtocolError (reason, field) when it would.
 */
export function buildMessage<K extends MessageKind>(topicPrefix: string, deviceId: string, kind: K, payload: PayloadOf[K]): OutgoingMessage {
  assertTopicPrefix(topicPrefix);
  const channel = KIND_CHANNEL[kind];
  const topic = deviceTopic(topicPrefix, deviceId, channel);
  const text = JSON.stringify(payload);
  const parsed = parseMessage(topicPrefix, topic, text);
  if (!parsed.ok) throw new ProtocolError(parsed.violation);
  if (parsed.message.kind !== kind) {
    throw new ProtocolError({
      reason: ViolationReason.InvalidValue,
      field: '/state',
      detail: `${kind}: the payload reads as ${parsed.message.kind}`,
      topic,
      deviceId,
      channel,
      kind,
    });
  }
  const rule = CHANNEL_RULES[channel];
  return { topic, payload: text, qos: rule.qos, retain: rule.retain };
}

const UUID_RE = new RegExp(UUID_PATTERN);
const OTA_ID_RE = new RegExp(OTA_ID_PATTERN);

/** The id of an OTA command: `<rollout uid>/<attempt>` (attempt counts from 1). */
export function otaCommandId(rolloutUid: string, attempt: number): string {
  const id = `${rolloutUid}/${attempt}`;
  if (!Number.isInteger(attempt) || !OTA_ID_RE.test(id)) {
    throw new Error(`OTA command id needs a lowercase UUID and an attempt from 1 to 999999, got ${JSON.stringify(rolloutUid)} and ${attempt}`);
  }
  return id;
}

/** Splits an OTA command id into rollout uid and attempt; undefined when it is not one. */
export function parseOtaCommandId(id: string): { rolloutUid: string; attempt: number } | undefined {
  if (!OTA_ID_RE.test(id)) return undefined;
  const slash = id.indexOf('/');
  return { rolloutUid: id.slice(0, slash), attempt: Number(id.slice(slash + 1)) };
}

function newCommandId(id: string | undefined): string {
  const value = id ?? globalThis.crypto.randomUUID();
  if (!UUID_RE.test(value)) throw new Error(`command id must be a lowercase UUID, got ${JSON.stringify(value)}`);
  return value;
}

/** What an OTA command needs. */
export interface OtaCommandInput {
  rolloutUid: string;
  attempt: number;
  version: string;
  url: string;
  size: number;
  /** Lowercase hex SHA-256 of the whole app image. */
  sha256: string;
  /** Base64 of the DER ECDSA P-256 signature over the SHA-256 of the image. */
  signature: string;
}

/** cmd/ota for a device. */
export function otaCommand(topicPrefix: string, deviceId: string, input: OtaCommandInput): OutgoingMessage {
  const { version, url, size, sha256, signature } = input;
  return buildMessage(topicPrefix, deviceId, 'cmd-ota', { id: otaCommandId(input.rolloutUid, input.attempt), version, url, size, sha256, signature });
}

/** cmd/reboot for a device; `id` defaults to a random UUID. */
export function rebootCommand(topicPrefix: string, deviceId: string, id?: string): OutgoingMessage {
  return buildMessage(topicPrefix, deviceId, 'cmd-reboot', { id: newCommandId(id) });
}

/** cmd/factory-reset for a device (confirm is its device id); `id` defaults to a random UUID. */
export function factoryResetCommand(topicPrefix: string, deviceId: string, id?: string): OutgoingMessage {
  return buildMessage(topicPrefix, deviceId, 'cmd-factory-reset', { id: newCommandId(id), confirm: deviceId });
}
