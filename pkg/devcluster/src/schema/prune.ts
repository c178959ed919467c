/**
 * Structural pruning (apiextensions-apiserver pkg/apiserver/schema/pruning): drops every field the
 * schema does not specify, except below `x-kubernetes-preserve-unknown-fields: true`. At the
 * resource root and in embedded resources apiVersion, kind and metadata are kept, metadata
 * reduced to the ObjectMeta fields.
 */
import { isObject, type JsonObject } from './json';
import type { JSONSchemaProps } from './types';

/** Every field of meta/v1 ObjectMeta; other metadata fields are dropped like unknown fields. */
export const objectMetaFields = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers',
  'managedFields',
]);

const childPath = (path: string, name: string) => (path ? `${path}.${name}` : name);

/** Prunes `value` in place against `schema`, recording pruned field paths in `pruned`. */
export function pruneValue(value: unknown, schema: JSONSchemaProps | undefined, path: string, isResource: boolean, pruned: string[]): void {
  if (Array.isArray(value)) {
    if (schema?.items) value.forEach((item, i) => pruneValue(item, schema.items, `${path}[${i}]`, !!schema.items?.['x-kubernetes-embedded-resource'], pruned));
    return;
  }
  if (!isObject(value) || !schema) return;
  pruneObject(value, schema, path, isResource, pruned);
}

function pruneObject(obj: JsonObject, schema: JSONSchemaProps, path: string, isResource: boolean, pruned: string[]): void {
  const props = schema.properties ?? {};
  const additional = isObject(schema.additionalProperties) ? (schema.additionalProperties as JSONSchemaProps) : undefined;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true || schema.additionalProperties === true;
  for (const key of Object.keys(obj)) {
    const sub = Object.prototype.hasOwnProperty.call(props, key) ? props[key] : additional;
    const p = childPath(path, key);
    if (isResource && (key === 'apiVersion' || key === 'kind')) continue;
    if (isResource && key === 'metadata') {
      pruneMetadata(obj[key], p, pruned);
      continue;
    }
    if (sub) {
      pruneValue(obj[key], sub, p, !!sub['x-kubernetes-embedded-resource'], pruned);
    } else if (!preserve) {
      Reflect.deleteProperty(obj, key);
      pruned.push(p);
    }
  }
}

function pruneMetadata(meta: unknown, path: string, pruned: string[]): void {
  if (!isObject(meta)) return;
  for (const key of Object.keys(meta)) {
    if (!objectMetaFields.has(key)) {
      Reflect.deleteProperty(meta, key);
      pruned.push(childPath(path, key));
    }
  }
}
