/**
 * The typed view of a custom resource for managedFields: its structural schema read the way
 * kube-apiserver builds the structured-merge-diff schema of a CRD version (objects with properties
 * are structs, additionalProperties are maps, x-kubernetes-map-type/list-type/list-map-keys decide
 * atomic and keyed parts, metadata is the typed ObjectMeta).
 */
import type { JSONSchemaProps } from '../schema/types';
import { ObjectMeta } from './kinds/meta';
import { atomicList, f, intOrString, mapList, mapOf, scalar, setList, str, struct, untyped, type FieldDef, type TypeNode } from './types';

function node(schema: JSONSchemaProps | undefined): TypeNode {
  if (!schema) return untyped;
  if (schema['x-kubernetes-int-or-string']) return intOrString;
  if (schema['x-kubernetes-embedded-resource']) return objectNode(schema, true);
  switch (schema.type) {
    case 'string':
      return str;
    case 'integer':
      return scalar('int64');
    case 'number':
      return scalar('float64');
    case 'boolean':
      return scalar('bool');
    case 'array': {
      const items = node(schema.items);
      const listType = schema['x-kubernetes-list-type'] ?? 'atomic';
      if (listType === 'map') return mapList(items, schema['x-kubernetes-list-map-keys'] ?? []);
      if (listType === 'set') return setList(items);
      return atomicList(items);
    }
    case 'object':
      return objectNode(schema, false);
    default:
      return untyped;
  }
}

function objectNode(schema: JSONSchemaProps, embedded: boolean): TypeNode {
  const atomic = schema['x-kubernetes-map-type'] === 'atomic';
  const props = schema.properties;
  if (!props && typeof schema.additionalProperties === 'object') return mapOf(node(schema.additionalProperties), { atomic });
  if (!props && schema['x-kubernetes-preserve-unknown-fields'] && !embedded) return untyped;
  const fields: FieldDef[] = [];
  if (embedded) fields.push(f('apiVersion', str), f('kind', str), f('metadata', ObjectMeta));
  for (const [name, sub] of Object.entries(props ?? {})) {
    if (embedded && (name === 'apiVersion' || name === 'kind' || name === 'metadata')) continue;
    fields.push(f(name, node(sub)));
  }
  return struct('', fields, { atomic, open: !!schema['x-kubernetes-preserve-unknown-fields'] });
}

/** The whole custom resource: apiVersion, kind, typed metadata, and the schema's other properties. */
export function customResourceType(schema: JSONSchemaProps): TypeNode {
  const fields: FieldDef[] = [f('apiVersion', str), f('kind', str), f('metadata', ObjectMeta)];
  for (const [name, sub] of Object.entries(schema.properties ?? {})) {
    if (name === 'apiVersion' || name === 'kind' || name === 'metadata') continue;
    fields.push(f(name, node(sub)));
  }
  return struct('', fields, { open: !!schema['x-kubernetes-preserve-unknown-fields'] });
}
