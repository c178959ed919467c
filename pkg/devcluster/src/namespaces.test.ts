import { Api } from './api';
import { builtinTypes } from './builtins';
import { NamespaceController } from './namespaces';
import { Registry, type ResourceType } from './registry';
import { Store } from './store';

/** A namespace with a plain ConfigMap and one held by a finalizer, and the controller on a fake clock. */
async function world() {
  const registry = new Registry();
  for (const t of builtinTypes()) registry.add(t);
  const api = new Api(new Store(), registry);
  const type = (plural: string) => registry.all().find((t) => t.plural === plural && t.group === '') as ResourceType;
  let clock = 1_000_000;
  const wakes: number[] = [];
  const controller = new NamespaceController(api, { rootCA: 'test-ca', now: () => clock, wakeAt: (ms) => wakes.push(ms) });
  await api.create(type('namespaces'), undefined, { metadata: { name: 'ns' } }, { internal: true });
  controller.reconcile();
  await api.create(type('configmaps'), 'ns', { metadata: { name: 'plain' } });
  await api.create(type('configmaps'), 'ns', { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
  const at = (ms: number) => {
    clock = 1_000_000 + ms;
    controller.reconcile();
  };
  const namespace = () => api.store.get(type('namespaces').storageKey, undefined, 'ns');
  const configMaps = () => api.store.list(type('configmaps').storageKey, 'ns').map((c) => `${c.metadata.name}${c.metadata.deletionTimestamp ? ' (deleting)' : ''}`);
  const conditions = () => ((namespace()?.status as { conditions?: { type: string; status: string; reason: string; message: string }[] })?.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.message]);
  return { api, type, at, namespace, configMaps, conditions, wakes };
}

describe('namespace controller (kube-controller-manager pkg/controller/namespace)', () => {
  test('a deleted namespace stays Terminating with its content through the grace period', async () => {
    const w = await world();
    await w.api.delete(w.type('namespaces'), undefined, 'ns', {});
    w.at(0);
    w.at(4999);
    expect(w.namespace()?.status).toEqual({ phase: 'Terminating' });
    expect(w.namespace()?.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(w.configMaps()).toEqual(['held', 'kube-root-ca.crt', 'plain']);
    expect(w.wakes.at(-1)).toBe(1);
  });

  test('a pass deletes the content, then reports what remains and why; the namespace goes once it is empty', async () => {
    const w = await world();
    await w.api.delete(w.type('namespaces'), undefined, 'ns', {});
    w.at(0);
    w.at(5000);
    expect(w.configMaps()).toEqual(['held (deleting)']);
    expect(w.conditions()).toEqual([]);
    w.at(9000);
    expect(w.conditions()).toEqual([
      ['NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered', 'All resources successfully discovered'],
      ['NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'],
      ['NamespaceDeletionContentFailure', 'False', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
      ['NamespaceContentRemaining', 'True', 'SomeResourcesRemain', 'Some resources are remaining: configmaps. has 1 resource instances'],
      ['NamespaceFinalizersRemaining', 'True', 'SomeFinalizersRemain', 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances'],
    ]);
    const managers = ((w.namespace()?.metadata.managedFields ?? []) as { manager?: string; subresource?: string }[]).map((m) => `${m.manager}/${m.subresource ?? ''}`);
    expect(managers).toContain('kube-controller-manager/status');
    expect(w.namespace()?.spec).toEqual({ finalizers: ['kubernetes'] });

    await w.api.patch(w.type('configmaps'), 'ns', 'held', 'application/merge-patch+json', { metadata: { finalizers: null } });
    expect(w.configMaps()).toEqual([]);
    // The status write queued the namespace again after the grace period: next pass 14-18 s.
    w.at(17_999);
    expect(w.namespace()).toBeDefined();
    w.at(18_000);
    expect(w.namespace()).toBeUndefined();
  });

  test('without remaining content the first pass finalizes the namespace', async () => {
    const w = await world();
    await w.api.patch(w.type('configmaps'), 'ns', 'held', 'application/merge-patch+json', { metadata: { finalizers: null } });
    await w.api.delete(w.type('namespaces'), undefined, 'ns', {});
    w.at(0);
    w.at(8999);
    expect(w.namespace()?.status).toEqual({ phase: 'Terminating' });
    w.at(9000);
    expect(w.namespace()).toBeUndefined();
  });
});
