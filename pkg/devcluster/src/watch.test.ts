import { Api } from './api';
import { builtinTypes } from './builtins';
import { Registry, type ResourceType } from './registry';
import { Store } from './store';
import { startWatch, type WatchEvent } from './watch';

async function setup() {
  const registry = new Registry();
  for (const t of builtinTypes()) registry.add(t);
  const api = new Api(new Store(10), registry);
  const type = (plural: string) => registry.all().find((t) => t.plural === plural && t.group === '') as ResourceType;
  await api.create(type('namespaces'), undefined, { metadata: { name: 'ns' } });
  const cms = type('configmaps');
  return { api, cms };
}

const summary = (events: WatchEvent[]) => events.map((e) => `${e.type} ${(e.object.metadata as { name?: string }).name ?? ''}`);

describe('startWatch', () => {
  it('starts with the current state for resourceVersion unset, then streams changes', async () => {
    const { api, cms } = await setup();
    await api.create(cms, 'ns', { metadata: { name: 'a' } });
    const events: WatchEvent[] = [];
    const handle = startWatch(api, cms, { namespace: 'ns' }, (e) => events.push(e), () => undefined);
    await api.create(cms, 'ns', { metadata: { name: 'b' } });
    await api.delete(cms, 'ns', 'a');
    handle.stop();
    await api.create(cms, 'ns', { metadata: { name: 'c' } });
    expect(summary(events)).toEqual(['ADDED a', 'ADDED b', 'DELETED a']);
  });

  it('replays events after a resourceVersion and sends 410 Expired as an ERROR event when too old', async () => {
    const { api, cms } = await setup();
    const a = await api.create(cms, 'ns', { metadata: { name: 'a' } });
    await api.patch(cms, 'ns', 'a', 'application/merge-patch+json', { data: { x: '1' } });
    const events: WatchEvent[] = [];
    startWatch(api, cms, { resourceVersion: a.metadata.resourceVersion }, (e) => events.push(e), () => undefined).stop();
    expect(summary(events)).toEqual(['MODIFIED a']);

    for (let i = 0; i < 12; i++) await api.patch(cms, 'ns', 'a', 'application/merge-patch+json', { data: { x: String(i) } });
    const expired: WatchEvent[] = [];
    let ended = false;
    startWatch(api, cms, { resourceVersion: a.metadata.resourceVersion }, (e) => expired.push(e), () => (ended = true));
    expect(ended).toBe(true);
    expect(expired).toHaveLength(1);
    expect(expired[0].type).toBe('ERROR');
    expect(expired[0].object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
  });

  it('turns selector transitions into ADDED and DELETED events', async () => {
    const { api, cms } = await setup();
    await api.create(cms, 'ns', { metadata: { name: 'a' } });
    const events: WatchEvent[] = [];
    const handle = startWatch(api, cms, { labelSelector: 'watched=yes' }, (e) => events.push(e), () => undefined);
    await api.patch(cms, 'ns', 'a', 'application/merge-patch+json', { metadata: { labels: { watched: 'yes' } } });
    await api.patch(cms, 'ns', 'a', 'application/merge-patch+json', { data: { v: '1' } });
    await api.patch(cms, 'ns', 'a', 'application/merge-patch+json', { metadata: { labels: { watched: null } } });
    handle.stop();
    expect(summary(events)).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a']);
  });

  it('marks the end of initial events with a bookmark for sendInitialEvents', async () => {
    const { api, cms } = await setup();
    await api.create(cms, 'ns', { metadata: { name: 'a' } });
    const events: WatchEvent[] = [];
    startWatch(api, cms, { namespace: 'ns', sendInitialEvents: true, allowWatchBookmarks: true }, (e) => events.push(e), () => undefined).stop();
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'BOOKMARK']);
    expect(events[1].object).toMatchObject({
      kind: 'ConfigMap',
      metadata: { resourceVersion: String(api.store.resourceVersion), annotations: { 'k8s.io/initial-events-end': 'true' } },
    });
  });
});
