/** Topic levels after a device's root `<topicPrefix>/devices/<deviceId>/`. */
export const Channel = {
  Status: 'status',
  Telemetry: 'telemetry',
  Logs: 'logs',
  CmdOta: 'cmd/ota',
  CmdReboot: 'cmd/reboot',
  CmdFactoryReset: 'cmd/factory-reset',
  OtaProgress: 'ota/progress',
  OtaResult: 'ota/result',
} as const;
/** One of the channels. */
export type Channel = (typeof Channel)[keyof typeof Channel];

/** Message kinds, one JSON Schema each (`<kind>.schema.json`). `status` and `lwt` share the status channel. */
export const MessageKind = {
  Status: 'status',
  Lwt: 'lwt',
  Telemetry: 'telemetry',
  Logs: 'logs',
  CmdOta: 'cmd-ota',
  CmdReboot: 'cmd-reboot',
  CmdFactoryReset: 'cmd-factory-reset',
  OtaProgress: 'ota-progress',
  OtaResult: 'ota-result',
} as const;
/** One of the message kinds. */
export type MessageKind = (typeof MessageKind)[keyof typeof MessageKind];

/** Who publishes a message. */
export const Direction = {
  DeviceToOperator: 'device-to-operator',
  OperatorToDevice: 'operator-to-device',
} as const;
/** One of the directions. */
export type Direction = (typeof Direction)[keyof typeof Direction];

/** How one channel is used: who publishes, with which QoS and retain flag, and the largest payload accepted. */
export interface ChannelRule {
  channel: Channel;
  kinds: readonly MessageKind[];
  direction: Direction;
  qos: 0 | 1;
  retain: boolean;
  /** Payloads longer than this many bytes are rejected before they are decoded. */
  maxBytes: number;
}

/** The QoS / retain / direction table of the protocol, as data. */
export const CHANNEL_RULES: Readonly<Record<Channel, ChannelRule>> = {
  [Channel.Status]: { channel: Channel.Status, kinds: [MessageKind.Status, MessageKind.Lwt], direction: Direction.DeviceToOperator, qos: 1, retain: true, maxBytes: 1024 },
  [Channel.Telemetry]: { channel: Channel.Telemetry, kinds: [MessageKind.Telemetry], direction: Direction.DeviceToOperator, qos: 0, retain: false, maxBytes: 4096 },
  [Channel.Logs]: { channel: Channel.Logs, kinds: [MessageKind.Logs], direction: Direction.DeviceToOperator, qos: 0, retain: false, maxBytes: 2048 },
  [Channel.CmdOta]: { channel: Channel.CmdOta, kinds: [MessageKind.CmdOta], direction: Direction.OperatorToDevice, qos: 1, retain: false, maxBytes: 2048 },
  [Channel.CmdReboot]: { channel: Channel.CmdReboot, kinds: [MessageKind.CmdReboot], direction: Direction.OperatorToDevice, qos: 1, retain: false, maxBytes: 256 },
  [Channel.CmdFactoryReset]: { channel: Channel.CmdFactoryReset, kinds: [MessageKind.CmdFactoryReset], direction: Direction.OperatorToDevice, qos: 1, retain: false, maxBytes: 512 },
  [Channel.OtaProgress]: { channel: Channel.OtaProgress, kinds: [MessageKind.OtaProgress], direction: Direction.DeviceToOperator, qos: 0, retain: false, maxBytes: 512 },
  [Channel.OtaResult]: { channel: Channel.OtaResult, kinds: [MessageKind.OtaResult], direction: Direction.DeviceToOperator, qos: 1, retain: false, maxBytes: 1024 },
};

/** The channel each message kind is published on. */
export const KIND_CHANNEL: Readonly<Record<MessageKind, Channel>> = {
  [MessageKind.Status]: Channel.Status,
  [MessageKind.Lwt]: Channel.Status,
  [MessageKind.Telemetry]: Channel.Telemetry,
  [MessageKind.Logs]: Channel.Logs,
  [MessageKind.CmdOta]: Channel.CmdOta,
  [MessageKind.CmdReboot]: Channel.CmdReboot,
  [MessageKind.CmdFactoryReset]: Channel.CmdFactoryReset,
  [MessageKind.OtaProgress]: Channel.OtaProgress,
  [MessageKind.OtaResult]: Channel.OtaResult,
};

const CHANNELS = new Set<string>(Object.values(Channel));

/** True when `value` is one of the protocol's channels. */
export function isChannel(value: string): value is Channel {
  return CHANNELS.has(value);
}
