/** Why a message was rejected. Consumers (operator, virtual device, firmware host tests) report these same codes. */
export const ViolationReason = {
  /** The topic is not `<topicPrefix>/devices/<deviceId>/<channel>` with a known channel. */
  UnknownTopic: 'unknown-topic',
  /** The device id level is not `<namespace>.<name>` with valid Kubernetes names. */
  InvalidDeviceId: 'invalid-device-id',
  /** The channel is published by the other side (only when the caller asked for one direction). */
  WrongDirection: 'wrong-direction',
  /** The payload has no bytes (on status: the retained status was cleared). */
  EmptyPayload: 'empty-payload',
  /** The payload is longer than the channel's maximum. */
  TooLarge: 'too-large',
  /** The payload is not valid UTF-8 (a byte order mark counts as invalid JSON, not as invalid UTF-8). */
  InvalidUtf8: 'invalid-utf8',
  /** The payload is not JSON. */
  InvalidJson: 'invalid-json',
  /** The payload is JSON but not an object. */
  NotAnObject: 'not-an-object',
  /** A required field is absent. */
  MissingField: 'missing-field',
  /** A field the message does not define, or one not allowed with the other fields' values. */
  UnknownField: 'unknown-field',
  /** A field has the wrong JSON type (an integer field with a fraction counts as wrong-type). */
  WrongType: 'wrong-type',
  /** A field's value is not one of the allowed values (enum, const). */
  InvalidValue: 'invalid-value',
  /** A string does not match its pattern (or the signature is not DER), or a name is not allowed. */
  InvalidFormat: 'invalid-format',
  /** A number, a string length or a count of entries is outside its bounds. */
  OutOfRange: 'out-of-range',
  /** Fields disagree with each other or with the topic (bytes > total, confirm != topic's device id). */
  Inconsistent: 'inconsistent',
} as const;
/** One of the violation reasons. */
export type ViolationReason = (typeof ViolationReason)[keyof typeof ViolationReason];
