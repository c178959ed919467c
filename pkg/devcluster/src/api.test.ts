import { Api, PATCH_TYPES } from './api';
import { builtinTypes } from './builtins';
import { crdResourceTypes } from './crd';
import { StatusError } from './errors';
import { Registry, type ResourceType } from './registry';
import { Store, type KObject } from './store';

const crd: KObject = {
  metadata: { name: 'gadgets.example.dev' },
  spec: {
    group: 'example.dev',
    scope: 'Namespaced',
    names: { plural: 'gadgets', kind: 'Gadget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } } },
              status: {
                type: 'object',
                properties: {
                  phase: { type: 'string' },
                  message: { type: 'string' },
                  conditions: {
                    type: 'array',
                    'x-kubernetes-list-type': 'map',
                    'x-kubernetes-list-map-keys': ['type'],
                    items: { type: 'object', required: ['type'], properties: { type: { type: 'string' }, status: { type: 'string' } } },
                  },
                },
              },
            },
          },
        },
      },
    ],
  },
};

async function setup() {
  const registry = new Registry();
  for (const t of builtinTypes()) registry.add(t);
  const [gadgets] = crdResourceTypes(crd);
  registry.add(gadgets);
  const api = new Api(new Store(), registry);
  await api.create(registry.get('', 'v1', 'namespaces') as ResourceType, undefined, { metadata: { name: 'ns' } });
  return { api, gadgets };
}

const apply = (api: Api, type: ResourceType, body: object, manager: string, subresource?: string) =>
  api.patch(type, 'ns', 'g', PATCH_TYPES.apply, { apiVersion: 'example.dev/v1', kind: 'Gadget', metadata: { name: 'g' }, ...body }, { fieldManager: manager }, subresource);

describe('server-side apply', () => {
  it('creates, merges, and removes fields the same manager stopped applying', async () => {
    const { api, gadgets } = await setup();
    const first = await apply(api, gadgets, { spec: { a: '1', b: '2' } }, 'op');
    expect(first.created).toBe(true);
    await api.patch(gadgets, 'ns', 'g', PATCH_TYPES.merge, { metadata: { labels: { x: 'y' } } });
    const second = await apply(api, gadgets, { spec: { a: '3' } }, 'op');
    expect(second.object.spec).toEqual({ a: '3' });
    expect(second.object.metadata.labels).toEqual({ x: 'y' });
    expect(second.object.metadata.generation).toBe(2);
  });

  it('tracks status ownership per manager and keeps what other managers applied', async () => {
    const { api, gadgets } = await setup();
    await apply(api, gadgets, { spec: { a: '1' } }, 'user');
    await apply(api, gadgets, { status: { phase: 'Pending', message: 'waiting', conditions: [{ type: 'Ready', status: 'False' }, { type: 'Synced', status: 'True' }] } }, 'operator', 'status');
    await apply(api, gadgets, { status: { conditions: [{ type: 'Extra', status: 'True' }] } }, 'other', 'status');
    const after = await apply(api, gadgets, { status: { phase: 'Ready', conditions: [{ type: 'Ready', status: 'True' }] } }, 'operator', 'status');
    expect(after.object.status).toEqual({ phase: 'Ready', conditions: [{ type: 'Ready', status: 'True' }, { type: 'Extra', status: 'True' }] });
    expect(after.object.spec).toEqual({ a: '1' });
    expect(after.object.metadata.generation).toBe(1);
  });

  it('requires a field manager', async () => {
    const { api, gadgets } = await setup();
    await expect(api.patch(gadgets, 'ns', 'g', PATCH_TYPES.apply, { metadata: { name: 'g' } }, {})).rejects.toThrow(StatusError);
  });
});

describe('writes', () => {
  it('rejects a stale resourceVersion, keeps no-op updates at the same version, and forbids new finalizers while deleting', async () => {
    const { api, gadgets } = await setup();
    const created = await api.create(gadgets, 'ns', { metadata: { name: 'w', finalizers: ['keep'] }, spec: { a: '1' } });
    const updated = await api.update(gadgets, 'ns', 'w', { ...created, spec: { a: '2' } });
    await expect(api.update(gadgets, 'ns', 'w', { ...created, spec: { a: '3' } })).rejects.toMatchObject({ code: 409, reason: 'Conflict' });
    const same = await api.update(gadgets, 'ns', 'w', updated);
    expect(same.metadata.resourceVersion).toBe(updated.metadata.resourceVersion);
    const deleting = await api.delete(gadgets, 'ns', 'w');
    expect(deleting.pending).toBe(true);
    await expect(api.patch(gadgets, 'ns', 'w', PATCH_TYPES.merge, { metadata: { finalizers: ['keep', 'more'] } })).rejects.toMatchObject({ code: 422 });
    await api.patch(gadgets, 'ns', 'w', PATCH_TYPES.merge, { metadata: { finalizers: null } });
    await expect(Promise.resolve().then(() => api.get(gadgets, 'ns', 'w'))).rejects.toMatchObject({ code: 404 });
  });

  it('refuses objects in missing or terminating namespaces', async () => {
    const { api, gadgets } = await setup();
    await expect(api.create(gadgets, 'nope', { metadata: { name: 'x' } })).rejects.toMatchObject({ code: 404, message: 'namespaces "nope" not found' });
  });
});

describe('CustomResourceDefinitions', () => {
  it('rejects a CRD whose schema is not structural or whose name does not match', async () => {
    const registry = new Registry();
    for (const t of builtinTypes()) registry.add(t);
    const api = new Api(new Store(), registry);
    const crds = registry.get('apiextensions.k8s.io', 'v1', 'customresourcedefinitions') as ResourceType;
    const bad = structuredClone(crd);
    (bad.spec as { versions: { schema: object }[] }).versions[0].schema = { openAPIV3Schema: { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } } };
    await expect(api.create(crds, undefined, bad)).rejects.toMatchObject({ code: 422, reason: 'Invalid' });
    const misnamed = { ...structuredClone(crd), metadata: { name: 'other.example.dev' } };
    await expect(api.create(crds, undefined, misnamed)).rejects.toMatchObject({ code: 422 });
    await expect(api.create(crds, undefined, crd)).resolves.toMatchObject({ metadata: { name: 'gadgets.example.dev' } });
  });
});
