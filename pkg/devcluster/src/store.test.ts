import { StatusError } from './errors';
import { Store, type KObject, type StoreEvent } from './store';

const cm = (name: string, data: Record<string, string> = {}): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns' }, data });

describe('Store', () => {
  it('assigns a global, increasing resourceVersion and copies objects in and out', () => {
    const store = new Store();
    const a = store.create('/configmaps', cm('a'));
    const b = store.create('/secrets', { ...cm('b'), kind: 'Secret' });
    expect(Number(b.metadata.resourceVersion)).toBe(Number(a.metadata.resourceVersion) + 1);
    a.data = { mutated: 'yes' };
    expect(store.get('/configmaps', 'ns', 'a')?.data).toEqual({});
    const updated = store.update('/configmaps', { ...cm('a', { x: '1' }) });
    expect(updated.metadata.resourceVersion).toBe('3');
    const removed = store.remove('/configmaps', 'ns', 'a');
    expect(removed?.metadata.resourceVersion).toBe('4');
    expect(store.get('/configmaps', 'ns', 'a')).toBeUndefined();
    expect(store.list('/secrets').map((o) => o.metadata.name)).toEqual(['b']);
  });

  it('replays history after a resourceVersion and answers 410 Expired below the window', () => {
    const store = new Store(3);
    for (let i = 0; i < 5; i++) store.create('/configmaps', cm(`c${i}`));
    expect(store.eventsSince('/configmaps', 2).map((e) => e.resourceVersion)).toEqual([3, 4, 5]);
    expect(store.eventsSince('/configmaps', 4).map((e) => e.object.metadata.name)).toEqual(['c4']);
    expect(() => store.eventsSince('/configmaps', 1)).toThrow(StatusError);
    try {
      store.eventsSince('/configmaps', 1);
    } catch (err) {
      expect((err as StatusError).toStatus()).toMatchObject({ code: 410, reason: 'Expired', message: 'too old resource version: 1 (2)' });
    }
    store.compact();
    expect(() => store.eventsSince('/configmaps', 4)).toThrow('too old resource version');
    expect(store.eventsSince('/configmaps', 5)).toEqual([]);
  });

  it('notifies listeners with the old object on updates, and restores snapshots with history expired', () => {
    const store = new Store();
    const events: StoreEvent[] = [];
    const unsubscribe = store.subscribe((e) => events.push(e));
    store.create('/configmaps', cm('a'));
    store.update('/configmaps', cm('a', { v: '2' }));
    unsubscribe();
    store.remove('/configmaps', 'ns', 'a');
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED']);
    expect(events[1].oldObject?.data).toEqual({});

    store.create('/configmaps', cm('kept'));
    const copy = new Store();
    copy.restore(JSON.parse(JSON.stringify(store.snapshot())));
    expect(copy.resourceVersion).toBe(store.resourceVersion);
    expect(copy.get('/configmaps', 'ns', 'kept')?.metadata.resourceVersion).toBe('4');
    expect(() => copy.eventsSince('/configmaps', 3)).toThrow('too old');
  });
});

describe('Store owner lookups', () => {
  it('knows by uid whether an object is stored and whether it is being deleted, across updates, removal and restore', () => {
    const store = new Store();
    const owner = store.create('/configmaps', { ...cm('owner'), metadata: { name: 'owner', namespace: 'ns', uid: 'u-1' } });
    expect(store.ownerState('u-1')).toBe('live');
    expect(store.ownerState('u-2')).toBe('absent');
    store.update('/configmaps', { ...owner, metadata: { ...owner.metadata, deletionTimestamp: '2026-11-22T10:00:00Z' } });
    expect(store.ownerState('u-1')).toBe('deleting');
    const snapshot = store.snapshot();
    store.remove('/configmaps', 'ns', 'owner');
    expect(store.ownerState('u-1')).toBe('absent');
    store.restore(snapshot);
    expect(store.ownerState('u-1')).toBe('deleting');
  });
});
