import { createHash } from 'node:crypto';
import type { Registry, ResourceType } from './registry';
import type { JSONSchemaProps } from './schema/types';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** Component name of a kind, as kube-apiserver names them (reversed group for CRDs). */
export function definitionName(t: ResourceType): string {
  if (t.crd) return `${t.group.split('.').reverse().join('.')}.${t.version}.${t.kind}`;
  if (t.group === 'apiextensions.k8s.io') return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${t.version}.${t.kind}`;
  const short = t.group === '' ? 'core' : t.group.replace(/\.k8s\.io$/, '').replace(/\.authorization$/, '');
  return `io.k8s.api.${short}.${t.version}.${t.kind}`;
}

const OBJECT_META_SCHEMA = {
  type: 'object',
  description: 'ObjectMeta is metadata that all persisted resources must have.',
  properties: {
    name: { type: 'string' },
    generateName: { type: 'string' },
    namespace: { type: 'string' },
    uid: { type: 'string' },
    resourceVersion: { type: 'string' },
    generation: { type: 'integer', format: 'int64' },
    creationTimestamp: { type: 'string', format: 'date-time' },
    deletionTimestamp: { type: 'string', format: 'date-time' },
    deletionGracePeriodSeconds: { type: 'integer', format: 'int64' },
    labels: { type: 'object', additionalProperties: { type: 'string', default: '' } },
    annotations: { type: 'object', additionalProperties: { type: 'string', default: '' } },
    finalizers: { type: 'array', items: { type: 'string', default: '' }, 'x-kubernetes-list-type': 'set' },
    ownerReferences: {
      type: 'array',
      items: {
        type: 'object',
        required: ['apiVersion', 'kind', 'name', 'uid'],
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          name: { type: 'string' },
          uid: { type: 'string' },
          controller: { type: 'boolean' },
          blockOwnerDeletion: { type: 'boolean' },
        },
      },
      'x-kubernetes-patch-merge-key': 'uid',
      'x-kubernetes-patch-strategy': 'merge',
    },
    managedFields: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
  },
};

function kindSchema(t: ResourceType, ref: (name: string) => string): Record<string, unknown> {
  const gvk = [{ group: t.group, kind: t.kind, version: t.version }];
  const base: JSONSchemaProps = t.openAPISchema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const properties: Record<string, unknown> = {
    ...(base.properties ?? {}),
    apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
    kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
    metadata: { allOf: [{ $ref: ref(OBJECT_META) }], default: {} },
  };
  return { ...base, type: 'object', properties, 'x-kubernetes-group-version-kind': gvk };
}

function listSchema(t: ResourceType, ref: (name: string) => string): Record<string, unknown> {
  return {
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      items: { type: 'array', items: { $ref: ref(definitionName(t)) } },
      metadata: { type: 'object', properties: { resourceVersion: { type: 'string' }, continue: { type: 'string' }, remainingItemCount: { type: 'integer', format: 'int64' } } },
    },
    'x-kubernetes-group-version-kind': [{ group: t.group, kind: t.listKind, version: t.version }],
  };
}

const queryParam = (name: string, type = 'string') => ({ name, in: 'query', schema: { type }, uniqueItems: true });

function paths(t: ResourceType): Record<string, unknown> {
  const prefix = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
  const scope = t.namespaced ? '/namespaces/{namespace}' : '';
  const collection = `${prefix}${scope}/${t.plural}`;
  const item = `${collection}/{name}`;
  const gvk = { group: t.group, version: t.version, kind: t.kind };
  const ok = (schema: string) => ({ '200': { description: 'OK', content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } } } });
  const op = (action: string, id: string, params: object[], schema: string) => ({
    operationId: id,
    parameters: params,
    responses: ok(schema),
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  });
  const name = definitionName(t);
  const writeParams = [queryParam('dryRun'), queryParam('fieldManager'), queryParam('fieldValidation')];
  const result: Record<string, unknown> = {
    [collection]: {
      get: op('list', `list${t.kind}`, [queryParam('labelSelector'), queryParam('fieldSelector'), queryParam('limit', 'integer'), queryParam('continue'), queryParam('watch', 'boolean')], `${name}List`),
      post: op('post', `create${t.kind}`, writeParams, name),
      delete: op('deletecollection', `deleteCollection${t.kind}`, [queryParam('labelSelector'), queryParam('dryRun')], name),
    },
    [item]: {
      get: op('get', `read${t.kind}`, [], name),
      put: op('put', `replace${t.kind}`, writeParams, name),
      // No requestBody: kubectl then computes strategic merge patches from its compiled-in types.
      patch: op('patch', `patch${t.kind}`, [...writeParams, queryParam('force', 'boolean')], name),
      delete: op('delete', `delete${t.kind}`, [queryParam('dryRun'), queryParam('propagationPolicy'), queryParam('gracePeriodSeconds', 'integer')], name),
    },
  };
  if (t.statusSubresource) {
    result[`${item}/status`] = {
      get: op('get', `read${t.kind}Status`, [], name),
      put: op('put', `replace${t.kind}Status`, writeParams, name),
      patch: op('patch', `patch${t.kind}Status`, [...writeParams, queryParam('force', 'boolean')], name),
    };
  }
  return result;
}

/** The OpenAPI v3 document of one group/version (`/openapi/v3/apis/<group>/<version>`). */
export function openapiV3Document(registry: Registry, group: string, version: string): Record<string, unknown> | undefined {
  const types = registry.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  const ref = (n: string) => `#/components/schemas/${n}`;
  const schemas: Record<string, unknown> = { [OBJECT_META]: OBJECT_META_SCHEMA };
  let allPaths: Record<string, unknown> = {};
  for (const t of types) {
    schemas[definitionName(t)] = kindSchema(t, ref);
    schemas[`${definitionName(t)}List`] = listSchema(t, ref);
    if (!t.virtual) allPaths = { ...allPaths, ...paths(t) };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.36.0' }, paths: allPaths, components: { schemas } };
}

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** `/openapi/v3`: one entry per served group/version with a content hash in its URL. */
export function openapiV3Index(registry: Registry): Record<string, unknown> {
  const index: Record<string, { serverRelativeURL: string }> = {};
  for (const g of registry.groups()) {
    for (const v of g.versions) {
      const doc = openapiV3Document(registry, g.group, v);
      const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 128).toUpperCase();
      index[gvPath(g.group, v)] = { serverRelativeURL: `/openapi/v3/${gvPath(g.group, v)}?hash=${hash}` };
    }
  }
  return { paths: index };
}

/** `/openapi/v2` as JSON (Swagger 2.0 definitions and paths of every kind). */
export function openapiV2Json(registry: Registry): Record<string, unknown> {
  const ref = (n: string) => `#/definitions/${n}`;
  const definitions: Record<string, unknown> = { [OBJECT_META]: OBJECT_META_SCHEMA };
  for (const t of registry.all()) {
    definitions[definitionName(t)] = kindSchema(t, ref);
    definitions[`${definitionName(t)}List`] = listSchema(t, ref);
  }
  let allPaths: Record<string, unknown> = {};
  for (const t of registry.all()) if (!t.virtual) allPaths = { ...allPaths, ...paths(t) };
  return { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.36.0' }, paths: allPaths, definitions };
}
