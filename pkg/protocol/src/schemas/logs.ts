import { Type, type Static } from '@sinclair/typebox';
import { JSON_SCHEMA_DIALECT, SCHEMA_BASE } from '../version';
import { LOG_TAG_PATTERN, MULTI_LINE_PATTERN, StringEnum, UnixSeconds, valuesOf } from './common';

/** Log levels, as ESP_LOGE/W/I/D/V name them. */
export const LogLevel = {
  Error: 'error',
  Warn: 'warn',
  Info: 'info',
  Debug: 'debug',
  Verbose: 'verbose',
} as const;
/** One of the log levels. */
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/** `logs`: one log record. */
export const LogsSchema = Type.Object(
  {
    level: StringEnum(valuesOf(LogLevel), 'Severity.'),
    tag: Type.String({ description: 'Component that logged it (the ESP_LOG tag).', maxLength: 32, pattern: LOG_TAG_PATTERN }),
    msg: Type.String({ description: 'The message, without colour codes; tabs and newlines allowed.', maxLength: 1024, pattern: MULTI_LINE_PATTERN }),
    uptimeMs: Type.Optional(Type.Integer({ description: 'Milliseconds since boot when it was logged.', minimum: 0, maximum: 9007199254740991 })),
    ts: Type.Optional(UnixSeconds('Unix time when it was logged; only once the clock is synchronised.')),
  },
  {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `${SCHEMA_BASE}logs.schema.json`,
    title: 'logs',
    description: 'One log record a device publishes on <root>logs (QoS 0, not retained).',
    additionalProperties: false,
  },
);
/** Payload of `logs`. */
export type LogsPayload = Static<typeof LogsSchema>;
