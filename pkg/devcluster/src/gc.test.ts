import { Api } from './api';
import { builtinTypes } from './builtins';
import { Controllers } from './controllers';
import { Registry, type ResourceType } from './registry';
import { Store, type KObject } from './store';

function setup() {
  const registry = new Registry();
  for (const t of builtinTypes()) registry.add(t);
  const api = new Api(new Store(), registry);
  const controllers = new Controllers(
    api,
    (line) => {
      throw new Error(line);
    },
    { rootCA: 'test-ca', namespaceDeletion: { gracePeriodMs: 0, passMs: 0 } },
  );
  api.onDeletion = () => controllers.runNow();
  const type = (plural: string) => registry.all().find((t) => t.plural === plural && t.group !== 'events.k8s.io') as ResourceType;
  return { api, controllers, type };
}

async function world() {
  const w = setup();
  await w.api.create(w.type('namespaces'), undefined, { metadata: { name: 'ns' } }, { internal: true });
  const owner = await w.api.create(w.type('configmaps'), 'ns', { metadata: { name: 'owner' } });
  const dependent = (name: string, extra: Partial<KObject['metadata']> = {}, uid = owner.metadata.uid as string) =>
    w.api.create(w.type('secrets'), 'ns', { metadata: { name, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid, blockOwnerDeletion: true }], ...extra } });
  const exists = (plural: string, name: string) => w.api.store.get(w.type(plural).storageKey, 'ns', name) !== undefined;
  return { ...w, owner, dependent, exists };
}

describe('garbage collector', () => {
  it('deletes dependents in the background once the owner is gone', async () => {
    const w = await world();
    await w.dependent('d1');
    await w.api.delete(w.type('configmaps'), 'ns', 'owner', {});
    expect(w.exists('configmaps', 'owner')).toBe(false);
    expect(w.exists('secrets', 'd1')).toBe(false);
  });

  it('keeps a dependent that still has a live owner and drops the dangling reference', async () => {
    const w = await world();
    const other = await w.api.create(w.type('configmaps'), 'ns', { metadata: { name: 'other' } });
    await w.api.create(w.type('secrets'), 'ns', {
      metadata: {
        name: 'shared',
        ownerReferences: [
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: w.owner.metadata.uid },
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'other', uid: other.metadata.uid },
        ],
      },
    });
    await w.api.delete(w.type('configmaps'), 'ns', 'owner', {});
    const shared = w.api.store.get(w.type('secrets').storageKey, 'ns', 'shared');
    expect(shared?.metadata.ownerReferences?.map((r) => r.name)).toEqual(['other']);
  });

  it('orphans dependents on request', async () => {
    const w = await world();
    await w.dependent('d1');
    await w.api.delete(w.type('configmaps'), 'ns', 'owner', { propagationPolicy: 'Orphan' });
    expect(w.exists('configmaps', 'owner')).toBe(false);
    expect(w.api.store.get(w.type('secrets').storageKey, 'ns', 'd1')?.metadata.ownerReferences).toBeUndefined();
  });

  it('foreground deletion keeps the owner until blocking dependents are gone', async () => {
    const w = await world();
    await w.dependent('held', { finalizers: ['example.dev/hold'] });
    const result = await w.api.delete(w.type('configmaps'), 'ns', 'owner', { propagationPolicy: 'Foreground' });
    expect(result.pending).toBe(true);
    expect(w.api.store.get(w.type('configmaps').storageKey, 'ns', 'owner')?.metadata.finalizers).toEqual(['foregroundDeletion']);
    const held = w.api.store.get(w.type('secrets').storageKey, 'ns', 'held');
    expect(held?.metadata.deletionTimestamp).toEqual(expect.any(String));
    await w.api.patch(w.type('secrets'), 'ns', 'held', 'application/merge-patch+json', { metadata: { finalizers: null } });
    expect(w.exists('secrets', 'held')).toBe(false);
    expect(w.exists('configmaps', 'owner')).toBe(false);
  });

  it('deletes dependents whose owner never existed, and empties a terminating namespace', async () => {
    const w = await world();
    await w.dependent('dangling', {}, '00000000-0000-0000-0000-000000000000');
    w.controllers.runNow();
    expect(w.exists('secrets', 'dangling')).toBe(false);
    expect(w.exists('serviceaccounts', 'default')).toBe(true);
    await w.api.delete(w.type('namespaces'), undefined, 'ns', {});
    expect(w.api.store.get(w.type('namespaces').storageKey, undefined, 'ns')).toBeUndefined();
    expect(w.api.store.list(w.type('configmaps').storageKey, 'ns')).toEqual([]);
  });
});

describe('when the garbage collector has work', () => {
  const event = (type: 'ADDED' | 'MODIFIED', refs: string[], oldRefs?: string[]) => ({
    type,
    resourceVersion: 1,
    resource: '/secrets',
    object: { metadata: { name: 'd', namespace: 'ns', ownerReferences: refs.map((uid) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: uid, uid })) } },
    ...(oldRefs ? { oldObject: { metadata: { name: 'd', namespace: 'ns', ownerReferences: oldRefs.map((uid) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: uid, uid })) } } } : {}),
  });
  const states: Record<string, 'live' | 'deleting' | 'absent'> = { live: 'live', going: 'deleting' };
  const ownerState = (uid: string) => states[uid] ?? 'absent';

  it.each([
    ['a new dependent of a live owner', event('ADDED', ['live']), false],
    ['a new dependent of a missing owner', event('ADDED', ['live', 'gone']), true],
    ['a new dependent of an owner being deleted', event('ADDED', ['going']), true],
    ['a dependent re-owned to a live owner', event('MODIFIED', ['live'], ['gone']), false],
    ['a dependent re-owned to a missing owner', event('MODIFIED', ['gone'], ['live']), true],
    ['a dependent updated with unchanged references', event('MODIFIED', ['gone'], ['gone']), false],
  ])('%s: %s', (_case, e, expected) => {
    expect(Controllers.relevant(e as never, ownerState)).toBe(expected);
  });

  it('still deletes a dependent created for an owner that does not exist', async () => {
    const w = await world();
    const store = w.api.store;
    const unsubscribe = store.subscribe((e) => {
      if (Controllers.relevant(e, (uid) => store.ownerState(uid))) w.controllers.runNow();
    });
    await w.dependent('orphan', {}, 'no-such-uid');
    unsubscribe();
    expect(w.exists('secrets', 'orphan')).toBe(false);
  });
});
