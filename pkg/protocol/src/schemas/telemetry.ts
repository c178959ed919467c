import { Type, type Static } from '@sinclair/typebox';
import { JSON_SCHEMA_DIALECT, SCHEMA_BASE } from '../version';
import { TELEMETRY_NAME_PATTERN, UnixSeconds } from './common';

/** Most values one telemetry message may carry (bounds the per-device metric set). */
export const TELEMETRY_MAX_VALUES = 32;

/** `telemetry`: named readings, numbers or booleans, each name a valid Prometheus metric suffix. */
export const TelemetrySchema = Type.Object(
  {
    ts: Type.Optional(UnixSeconds('Unix time of the readings; only once the clock is synchronised.')),
    values: Type.Unsafe<Record<string, number | boolean>>({
      type: 'object',
      description: 'Readings by name (lowercase snake case): numbers or booleans.',
      propertyNames: { pattern: TELEMETRY_NAME_PATTERN },
      additionalProperties: { type: ['number', 'boolean'] },
      minProperties: 1,
      maxProperties: TELEMETRY_MAX_VALUES,
    }),
  },
  {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `${SCHEMA_BASE}telemetry.schema.json`,
    title: 'telemetry',
    description: 'Readings a device publishes on <root>telemetry (QoS 0, not retained).',
    additionalProperties: false,
  },
);
/** Payload of `telemetry`. */
export type TelemetryPayload = Static<typeof TelemetrySchema>;
