/**
 * The `x-kubernetes-list-type: set|map` invariants (apiextensions-apiserver
 * pkg/apiserver/schema/listtype): no duplicate set items, no two map items with the same keys.
 * Paths are `field.Path` strings: `.child`, `[index]`, `[mapKey]`.
 */
import type { StatusCause } from '../errors';
import { duplicate, invalid } from './field-errors';
import { isObject } from './json';
import type { JSONSchemaProps } from './types';

export const pathChild = (path: string, name: string) => (path ? `${path}.${name}` : name);
export const pathIndex = (path: string, i: number) => `${path}[${i}]`;
export const pathKey = (path: string, key: string) => `${path}[${key}]`;

/** Appends list-set and list-map violations anywhere in `value` to `out`. */
export function validateListTypes(schema: JSONSchemaProps | undefined, value: unknown, path: string, out: StatusCause[]): void {
  if (!schema) return;
  if (Array.isArray(value)) {
    const listType = schema['x-kubernetes-list-type'];
    if (listType === 'set') out.push(...setDuplicates(value, path));
    if (listType === 'map') out.push(...mapDuplicates(value, schema['x-kubernetes-list-map-keys'] ?? [], path));
    value.forEach((item, i) => validateListTypes(schema.items, item, pathIndex(path, i), out));
    return;
  }
  if (!isObject(value)) return;
  const props = schema.properties ?? {};
  const additional = isObject(schema.additionalProperties) ? (schema.additionalProperties as JSONSchemaProps) : undefined;
  for (const [k, v] of Object.entries(value)) {
    if (Object.prototype.hasOwnProperty.call(props, k)) validateListTypes(props[k], v, pathChild(path, k), out);
    else if (additional) validateListTypes(additional, v, pathKey(path, k), out);
  }
}

/** Canonical text for a value, independent of key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v ?? null);
}

function setDuplicates(list: unknown[], path: string): StatusCause[] {
  const seen = new Map<string, number>();
  const errs: StatusCause[] = [];
  list.forEach((x, i) => {
    const key = canonical(x);
    const times = seen.get(key) ?? 0;
    if (times === 1) errs.push(duplicate(pathIndex(path, i), x));
    seen.set(key, times + 1);
  });
  return errs;
}

function mapDuplicates(list: unknown[], keys: string[], path: string): StatusCause[] {
  const bad = list.findIndex((x) => !isObject(x) && x !== null);
  if (bad >= 0) return [invalid(pathIndex(path, bad), list[bad], 'must be an object for an array of list-type map')];
  const seen = new Map<string, number>();
  const errs: StatusCause[] = [];
  list.forEach((x, i) => {
    if (!isObject(x)) return;
    const keyValues: Record<string, unknown> = {};
    for (const k of keys) if (Object.prototype.hasOwnProperty.call(x, k)) keyValues[k] = x[k];
    const key = canonical(keys.map((k) => (Object.prototype.hasOwnProperty.call(x, k) ? x[k] : { unspecified: true })));
    const times = seen.get(key) ?? 0;
    if (times === 1) errs.push(duplicate(pathIndex(path, i), keyValues));
    seen.set(key, times + 1);
  });
  return errs;
}
