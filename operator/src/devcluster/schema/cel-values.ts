/**
 * Decoded JSON -> CEL values the way apiextensions-apiserver exposes a custom resource to
 * `x-kubernetes-validations`: schema integers become CEL ints (bigint), numbers doubles, objects
 * with properties expose their (escaped) property names, maps their raw keys, the resource root
 * and embedded resources apiVersion, kind and metadata.name/generateName only.
 */
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

function scalar(v: unknown, schema: JSONSchemaProps): unknown {
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
