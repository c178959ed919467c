import { FINALIZER, type Api } from './api';
import type { KObject } from './store';

interface Entry {
  storageKey: string;
  obj: KObject;
}

function allObjects(api: Api): Entry[] {
  return api.store.resources().flatMap((storageKey) => api.store.list(storageKey).map((obj) => ({ storageKey, obj })));
}

function without<T>(list: T[] | undefined, drop: (v: T) => boolean): T[] {
  return (list ?? []).filter((v) => !drop(v));
}

/**
 * One pass of the garbage collector (kube-controller-manager's, made synchronous): honours the
 * `orphan` and `foregroundDeletion` finalizers of owners being deleted, deletes dependents whose
 * owners are all gone (background cascade) and drops references to vanished owners when other
 * owners remain. Returns true when it changed anything (callers repeat until quiet).
 */
export function collectGarbage(api: Api): boolean {
  let changed = false;
  const entries = allObjects(api);
  const byUid = new Map(entries.map((e) => [e.obj.metadata.uid, e]));
  const dependentsOf = (uid: string | undefined) =>
    entries.filter((e) => (e.obj.metadata.ownerReferences ?? []).some((r) => r.uid === uid));
  const fresh = (e: Entry) => api.store.get(e.storageKey, e.obj.metadata.namespace, e.obj.metadata.name ?? '');

  for (const owner of entries) {
    const meta = owner.obj.metadata;
    if (!meta.deletionTimestamp) continue;
    const finalizers = meta.finalizers ?? [];
    if (finalizers.includes(FINALIZER.orphan)) {
      for (const dep of dependentsOf(meta.uid)) {
        const current = fresh(dep);
        if (!current) continue;
        current.metadata.ownerReferences = without(current.metadata.ownerReferences, (r) => r.uid === meta.uid);
        if (current.metadata.ownerReferences.length === 0) delete current.metadata.ownerReferences;
        api.writeStored(dep.storageKey, current);
      }
      const current = fresh(owner);
      if (current) {
        current.metadata.finalizers = without(current.metadata.finalizers, (f) => f === FINALIZER.orphan);
        api.writeStored(owner.storageKey, current);
      }
      changed = true;
    } else if (finalizers.includes(FINALIZER.foreground)) {
      const dependents = dependentsOf(meta.uid);
      for (const dep of dependents) {
        if (dep.obj.metadata.deletionTimestamp) continue;
        const type = api.registry.byStorageKey(dep.storageKey);
        if (!type) continue;
        api.deleteStored(type, dep.obj, 'Foreground');
        changed = true;
      }
      const blocking = dependents.filter((d) => fresh(d) && (d.obj.metadata.ownerReferences ?? []).some((r) => r.uid === meta.uid && r.blockOwnerDeletion));
      if (blocking.length === 0) {
        const current = fresh(owner);
        if (current) {
          current.metadata.finalizers = without(current.metadata.finalizers, (f) => f === FINALIZER.foreground);
          api.writeStored(owner.storageKey, current);
          changed = true;
        }
      }
    }
  }

  for (const dep of entries) {
    if (!dep.obj.metadata.ownerReferences?.length) continue;
    const current = fresh(dep);
    const refs = current?.metadata.ownerReferences;
    if (!current || !refs?.length) continue;
    const live = refs.filter((r) => byUid.has(r.uid) && fresh(byUid.get(r.uid) as Entry));
    if (live.length === refs.length) continue;
    if (live.length === 0) {
      if (current.metadata.deletionTimestamp) continue;
      const type = api.registry.byStorageKey(dep.storageKey);
      if (!type) continue;
      api.deleteStored(type, current, 'Background');
    } else {
      current.metadata.ownerReferences = live;
      api.writeStored(dep.storageKey, current);
    }
    changed = true;
  }
  return changed;
}
