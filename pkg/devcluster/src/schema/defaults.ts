/**
 * Structural defaulting (apiextensions-apiserver pkg/apiserver/schema/defaulting): first drops
 * nulls of non-nullable fields that have no default, then sets defaults for absent fields (and
 * for nulls of non-nullable ones) in properties, additionalProperties and list items, and
 * recurses into the result so defaults inside defaults apply too.
 */
import { deepCopy, isObject } from './json';
import { pruneValue } from './prune';
import type { JSONSchemaProps } from './types';

const isNonNullableNull = (v: unknown, s: JSONSchemaProps | undefined) => v === null && !s?.nullable;

/** A default value as it is stored: a copy, pruned against its own schema. */
function defaultOf(s: JSONSchemaProps): unknown {
  const copy = deepCopy(s.default);
  pruneValue(copy, s, '', !!s['x-kubernetes-embedded-resource'], []);
  return copy;
}

/** Removes `null` values of non-nullable fields without a default (PruneNonNullableNullsWithoutDefaults). */
export function dropNonNullableNulls(value: unknown, schema: JSONSchemaProps | undefined): void {
  if (!schema) return;
  if (Array.isArray(value)) {
    for (const item of value) dropNonNullableNulls(item, schema.items);
    return;
  }
  if (!isObject(value)) return;
  const props = schema.properties ?? {};
  const additional = isObject(schema.additionalProperties) ? (schema.additionalProperties as JSONSchemaProps) : undefined;
  for (const [k, v] of Object.entries(value)) {
    const sub = Object.prototype.hasOwnProperty.call(props, k) ? props[k] : additional;
    if (!sub) continue;
    if (v === null && !sub.nullable && sub.default === undefined) Reflect.deleteProperty(value, k);
    else dropNonNullableNulls(v, sub);
  }
}

/** Applies defaults in place. */
export function applyDefaultsInPlace(value: unknown, schema: JSONSchemaProps | undefined): void {
  if (!schema) return;
  if (Array.isArray(value)) {
    const items = schema.items;
    if (!items) return;
    value.forEach((item, i) => {
      if (isNonNullableNull(item, items) && items.default !== undefined) value[i] = defaultOf(items);
      applyDefaultsInPlace(value[i], items);
    });
    return;
  }
  if (!isObject(value)) return;
  const props = schema.properties ?? {};
  for (const [k, sub] of Object.entries(props)) {
    if (sub.default === undefined) continue;
    if (!Object.prototype.hasOwnProperty.call(value, k) || isNonNullableNull(value[k], sub)) value[k] = defaultOf(sub);
  }
  const additional = isObject(schema.additionalProperties) ? (schema.additionalProperties as JSONSchemaProps) : undefined;
  for (const k of Object.keys(value)) {
    if (Object.prototype.hasOwnProperty.call(props, k)) {
      applyDefaultsInPlace(value[k], props[k]);
    } else if (additional) {
      if (isNonNullableNull(value[k], additional) && additional.default !== undefined) value[k] = defaultOf(additional);
      applyDefaultsInPlace(value[k], additional);
    }
  }
}
