/**
 * Decoded JSON -> CEL values the way apiextensions-apiserver exposes a custom resource to
 * `x-kubernetes-validations`: schema integers become CEL ints (bigint), numbers doubles, objects
 * with properties expose their (escaped) property names, maps their raw keys, the resource root
 * and embedded resources apiVersion, kind and metadata.name/generateName only.
 */
import { create } from '@bufbuild/protobuf';
import { DurationSchema, TimestampSchema } from '@bufbuild/protobuf/wkt';
import { isObject } from './json';
import type { JSONSchemaProps } from './types';

const reserved = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let',
  'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);

/** The CEL name of a property (`x-y` -> `x__dash__y`), or undefined when it is not accessible. */
export function escapeProperty(name: string): string | undefined {
  if (reserved.has(name)) return `__${name}__`;
  if (!/^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$/.test(name)) return undefined;
  return name.replace(/__/g, '__underscores__').replace(/\./g, '__dot__').replace(/-/g, '__dash__').replace(/\//g, '__slash__');
}

/** Any JSON without a schema: integral numbers are ints. */
function dynamic(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(dynamic);
  if (isObject(v)) return new Map(Object.entries(v).map(([k, x]) => [k, dynamic(x)]));
  return v ?? null;
}

const unitNanos: Record<string, bigint> = { ns: 1n, us: 1000n, µs: 1000n, ms: 1000000n, s: 1000000000n, m: 60000000000n, h: 3600000000000n, d: 86400000000000n, w: 604800000000000n };

/** Parses a Go/strfmt duration (`1h30m`, `500ms`, `2d`) to nanoseconds; undefined when malformed. */
export function parseDuration(text: string): bigint | undefined {
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h|d|w))+$/.exec(text);
  if (!m) return text === '0' ? 0n : undefined;
  let total = 0n;
  for (const [, num, unit] of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h|d|w)/g)) {
    const [whole, frac = ''] = num.split('.');
    const scale = unitNanos[unit];
    total += BigInt(whole || '0') * scale + (frac ? (BigInt(frac.padEnd(18, '0').slice(0, 18)) * scale) / 10n ** 18n : 0n);
  }
  return m[1] === '-' ? -total : total;
}

/** A `date`/`date-time` string as a google.protobuf.Timestamp (CEL timestamp). */
function timestampOf(text: string): unknown {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(ms)) return text;
  const nanos = /\.(\d{1,9})/.exec(text)?.[1]?.padEnd(9, '0') ?? '0';
  return create(TimestampSchema, { seconds: BigInt(Math.floor(ms / 1000)), nanos: Number(nanos) });
}

/** Strings with format byte, duration, date or date-time become bytes, durations and timestamps, as in Kubernetes CEL. */
function formatted(v: string, format: string | undefined): unknown {
  switch (format) {
    case 'byte':
      return new Uint8Array(Buffer.from(v, 'base64'));
    case 'duration': {
      const nanos = parseDuration(v);
      if (nanos === undefined) return v;
      return create(DurationSchema, { seconds: nanos / 1000000000n, nanos: Number(nanos % 1000000000n) });
    }
    case 'date':
    case 'date-time':
    case 'datetime':
      return timestampOf(v);
    default:
      return v;
  }
}

function scalar(v: unknown, schema: JSONSchemaProps): unknown {
  if (typeof v === 'string' && schema.type === 'string') return formatted(v, schema.format);
  if (typeof v !== 'number') return v;
  if (schema.type === 'number') return v;
  if (Number.isInteger(v)) return BigInt(v);
  return v;
}

/** Converts `value` at a node with `schema` to a CEL input value. */
export function toCel(value: unknown, schema: JSONSchemaProps | undefined, isResource = false): unknown {
  if (value === null || value === undefined) return null;
  if (!schema) return dynamic(value);
  if (Array.isArray(value)) return value.map((item) => toCel(item, schema.items));
  if (!isObject(value)) return scalar(value, schema);

  const props = schema.properties;
  const additional = isObject(schema.additionalProperties) ? (schema.additionalProperties as JSONSchemaProps) : undefined;
  const embedded = isResource || schema['x-kubernetes-embedded-resource'] === true;
  const out = new Map<string, unknown>();
  if (embedded) {
    for (const k of ['apiVersion', 'kind'] as const) if (typeof value[k] === 'string') out.set(k, value[k]);
    if (isObject(value.metadata)) {
      const meta = new Map<string, unknown>();
      for (const k of ['name', 'generateName'] as const) if (typeof value.metadata[k] === 'string') meta.set(k, value.metadata[k]);
      out.set('metadata', meta);
    }
  }
  if (props && Object.keys(props).length) {
    for (const [k, sub] of Object.entries(props)) {
      if (embedded && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
      const name = escapeProperty(k);
      if (name !== undefined && Object.prototype.hasOwnProperty.call(value, k)) out.set(name, toCel(value[k], sub));
    }
    return out;
  }
  if (additional) {
    for (const [k, x] of Object.entries(value)) out.set(k, toCel(x, additional));
    return out;
  }
  if (schema['x-kubernetes-preserve-unknown-fields']) {
    for (const [k, x] of Object.entries(value)) if (!out.has(k)) out.set(k, dynamic(x));
  }
  return out;
}
