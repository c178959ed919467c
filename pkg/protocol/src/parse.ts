import { CHANNEL_RULES, Channel, MessageKind, type Direction } from './channels';
import type { ParseResult, ProtocolMessage, Violation } from './messages';
import { ViolationReason } from './reasons';
import { decodeBase64, ecdsaDerSignatureProblem } from './signature';
import { parseTopic } from './topics';
import { schemaFailure, validatorFor } from './validate';

/** Options of parseMessage. */
export interface ParseOptions {
  /** Accept only channels published in this direction (the operator passes device-to-operator). */
  direction?: Direction;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function isWellFormed(text: string): boolean {
  // Lone surrogates cannot be encoded as UTF-8.
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

/** Rules JSON Schema cannot state: they compare fields with each other or with the topic, or look inside a value. */
function semanticProblem(message: ProtocolMessage): { reason: ViolationReason; field: string; detail: string } | undefined {
  switch (message.kind) {
    case MessageKind.CmdOta: {
      const der = decodeBase64(message.payload.signature);
      const problem = der ? ecdsaDerSignatureProblem(der) : 'signature is not base64';
      return problem ? { reason: ViolationReason.InvalidFormat, field: '/signature', detail: `cmd-ota: /signature is not a DER ECDSA P-256 signature: ${problem}` } : undefined;
    }
    case MessageKind.CmdFactoryReset:
      return message.payload.confirm === message.deviceId
        ? undefined
        : { reason: ViolationReason.Inconsistent, field: '/confirm', detail: 'cmd-factory-reset: /confirm differs from the device id in the topic' };
    case MessageKind.OtaProgress: {
      const { bytes, total } = message.payload;
      return bytes !== undefined && total !== undefined && bytes > total
        ? { reason: ViolationReason.Inconsistent, field: '/bytes', detail: 'ota-progress: /bytes exceeds /total' }
        : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Parses and validates one MQTT message of the protocol: the topic (under `topicPrefix`), then the payload bytes
 * (size, UTF-8, JSON, the kind's JSON Schema, then the cross-field rules). Never throws on bad input: returns the
 * typed message, or the first violation with its reason code and field.
 */
export function parseMessage(topicPrefix: string, topic: string, payload: Uint8Array | string, options: ParseOptions = {}): ParseResult {
  const where = parseTopic(topicPrefix, topic);
  if (!where.ok) return { ok: false, violation: { reason: where.reason, detail: where.detail, topic } };
  const { deviceId, channel } = where;
  const rule = CHANNEL_RULES[channel];
  const fail = (violation: Omit<Violation, 'topic' | 'deviceId' | 'channel'>): ParseResult => ({
    ok: false,
    violation: { ...violation, topic, deviceId, channel },
  });

  if (options.direction && rule.direction !== options.direction) {
    return fail({ reason: ViolationReason.WrongDirection, detail: `${channel} is published ${rule.direction}` });
  }
  const size = typeof payload === 'string' ? utf8Length(payload) : payload.length;
  if (size === 0) return fail({ reason: ViolationReason.EmptyPayload, field: '', detail: `${channel}: the payload is empty` });
  if (size > rule.maxBytes) {
    return fail({ reason: ViolationReason.TooLarge, field: '', detail: `${channel}: the payload has ${size} bytes, more than ${rule.maxBytes}` });
  }
  let text: string;
  if (typeof payload === 'string') {
    if (!isWellFormed(payload)) return fail({ reason: ViolationReason.InvalidUtf8, field: '', detail: `${channel}: the payload is not valid UTF-8` });
    text = payload;
  } else {
    try {
      text = utf8.decode(payload);
    } catch {
      return fail({ reason: ViolationReason.InvalidUtf8, field: '', detail: `${channel}: the payload is not valid UTF-8` });
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail({ reason: ViolationReason.InvalidJson, field: '', detail: `${channel}: the payload is not JSON` });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail({ reason: ViolationReason.NotAnObject, field: '', detail: `${channel}: the payload is not a JSON object` });
  }
  const kind =
    channel === Channel.Status
      ? (value as { state?: unknown }).state === 'offline'
        ? MessageKind.Lwt
        : MessageKind.Status
      : rule.kinds[0];
  const validate = validatorFor(kind);
  if (!validate(value)) return fail({ kind, ...schemaFailure(kind, validate.errors ?? []) });
  const message = { kind, deviceId, channel, topic, payload: value } as ProtocolMessage;
  const problem = semanticProblem(message);
  if (problem) return fail({ kind, ...problem });
  return { ok: true, message };
}
