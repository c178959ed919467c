import type { Channel, MessageKind } from './channels';
import type { ViolationReason } from './reasons';
import type {
  CmdFactoryResetPayload,
  CmdOtaPayload,
  CmdRebootPayload,
  LogsPayload,
  LwtPayload,
  OtaProgressPayload,
  OtaResultPayload,
  StatusPayload,
  TelemetryPayload,
} from './schemas/index';

/** The payload type of each message kind. */
export interface PayloadOf {
  status: StatusPayload;
  lwt: LwtPayload;
  telemetry: TelemetryPayload;
  logs: LogsPayload;
  'cmd-ota': CmdOtaPayload;
  'cmd-reboot': CmdRebootPayload;
  'cmd-factory-reset': CmdFactoryResetPayload;
  'ota-progress': OtaProgressPayload;
  'ota-result': OtaResultPayload;
}

/** A valid message of kind K from or to one device. */
export interface MessageOf<K extends MessageKind> {
  kind: K;
  deviceId: string;
  channel: Channel;
  topic: string;
  payload: PayloadOf[K];
}

/** Any valid protocol message, discriminated by `kind`. */
export type ProtocolMessage = { [K in MessageKind]: MessageOf<K> }[MessageKind];

/** Why a message was rejected: a reason code, the offending field, and a sentence (never a payload value). */
export interface Violation {
  reason: ViolationReason;
  /** JSON Pointer of the offending field in the payload ("" for the payload as a whole); absent for topic problems. */
  field?: string;
  /** What is wrong, for logs and Events: names the kind, the field and the rule, never echoes values. */
  detail: string;
  topic: string;
  /** The device id from the topic, when the topic named a valid one. */
  deviceId?: string;
  /** The channel from the topic, when it named a known one. */
  channel?: Channel;
  /** The message kind, once known. */
  kind?: MessageKind;
}

/** Outcome of parsing one MQTT message. */
export type ParseResult = { ok: true; message: ProtocolMessage } | { ok: false; violation: Violation };

/** Thrown by the builders when a message they are asked to build would break the protocol. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';

  constructor(readonly violation: Violation) {
    super(violation.detail);
  }
}
