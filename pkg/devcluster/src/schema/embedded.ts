/**
 * Checks of `x-kubernetes-embedded-resource` values (apiextensions-apiserver
 * pkg/apiserver/schema/objectmeta): apiVersion and kind are required strings, the metadata
 * name may be used as a path segment.
 */
import type { StatusCause } from '../errors';
import { invalid, required } from './field-errors';
import { isObject } from './json';
import { pathChild, pathIndex, pathKey } from './listtype';
import type { JSONSchemaProps } from './types';

function pathSegmentProblems(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const out: string[] = [];
  if (name.includes('/')) out.push("may not contain '/'");
  if (name.includes('%')) out.push("may not contain '%'");
  return out;
}

function validateResource(value: Record<string, unknown>, path: string, out: StatusCause[]): void {
  if (!Object.prototype.hasOwnProperty.call(value, 'apiVersion')) out.push(required(pathChild(path, 'apiVersion'), 'must not be empty'));
  if (!Object.prototype.hasOwnProperty.call(value, 'kind')) out.push(required(pathChild(path, 'kind'), 'must not be empty'));
  for (const [k, v] of Object.entries(value)) {
    const p = pathChild(path, k);
    if (k === 'apiVersion') {
      if (typeof v !== 'string') out.push(invalid(p, v, 'must be a string'));
      else if (!v) out.push(invalid(p, v, 'must not be empty'));
      else if (v.split('/').length > 2) out.push(invalid(p, v, `unexpected GroupVersion string: ${v}`));
    } else if (k === 'kind') {
      if (typeof v !== 'string') out.push(invalid(p, v, 'must be a string'));
      else if (!v) out.push(invalid(p, v, 'must not be empty'));
    } else if (k === 'metadata' && isObject(v)) {
      for (const field of ['name', 'generateName'] as const) {
        const name = v[field];
        if (typeof name !== 'string' || !name) continue;
        for (const msg of pathSegmentProblems(name)) out.push(invalid(pathChild(p, field), name, msg));
      }
    }
  }
}

/** Appends problems of every embedded resource in `value` (not the resource root itself). */
export function validateEmbedded(schema: JSONSchemaProps | undefined, value: unknown, path: string, out: StatusCause[], isRoot = false): void {
  if (!schema) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => validateEmbedded(schema.items, item, pathIndex(path, i), out));
    return;
  }
  if (!isObject(value)) return;
  if (schema['x-kubernetes-embedded-resource'] && !isRoot) validateResource(value, path, out);
  const props = schema.properties ?? {};
  const additional = isObject(schema.additionalProperties) ? (schema.additionalProperties as JSONSchemaProps) : undefined;
  for (const [k, v] of Object.entries(value)) {
    if (Object.prototype.hasOwnProperty.call(props, k)) validateEmbedded(props[k], v, pathChild(path, k), out);
    else if (additional) validateEmbedded(additional, v, pathKey(path, k), out);
  }
}
