import { gone } from './errors';

/** A stored Kubernetes object (plain JSON). */
export type KObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
};

/** The parts of ObjectMeta devcluster reads. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change, as kept in the history and delivered to watchers. */
export interface StoreEvent {
  type: WatchEventType;
  resourceVersion: number;
  /** `<group>/<plural>`: the storage identity of the kind. */
  resource: string;
  object: KObject;
  /** The object before the change (MODIFIED, DELETED): selector-filtered watches and reads at past revisions use it. */
  oldObject?: KObject;
}

export type StoreListener = (event: StoreEvent) => void;

/** What is persisted: every object plus the resourceVersion counter. */
export interface StoreSnapshot {
  resourceVersion: number;
  objects: Record<string, KObject[]>;
}

export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/**
 * The object store: one global, monotonically increasing resourceVersion (like etcd's revision), a
 * bounded history of events for watches, and listeners. Objects are cloned on the way in and out so
 * callers never share references with the store.
 */
export class Store {
  private revision = 0;
  private readonly data = new Map<string, Map<string, KObject>>();
  private history: StoreEvent[] = [];
  /** Watches from a resourceVersion below this are answered 410 Expired. */
  private compactedRevision = 0;
  private readonly listeners = new Set<StoreListener>();
  /** uid -> where the object is stored, so owner lookups need no scan. */
  private readonly byUid = new Map<string, { resource: string; key: string }>();

  constructor(private readonly historySize = 1000) {}

  get resourceVersion(): number {
    return this.revision;
  }

  /** The oldest resourceVersion a watch may still start from. */
  get oldestWatchableRevision(): number {
    return this.compactedRevision;
  }

  /** Forgets all history (like an etcd compaction): watches from older versions get 410. */
  compact(): void {
    this.history = [];
    this.compactedRevision = this.revision;
  }

  get(resource: string, namespace: string | undefined, name: string): KObject | undefined {
    const obj = this.data.get(resource)?.get(objectKey(namespace, name));
    return obj ? clone(obj) : undefined;
  }

  /** Every object of a kind (optionally in one namespace), sorted by namespace then name. */
  list(resource: string, namespace?: string): KObject[] {
    const all = [...(this.data.get(resource)?.entries() ?? [])];
    return all
      .filter(([, o]) => namespace === undefined || o.metadata.namespace === namespace)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, o]) => clone(o));
  }

  /** Names of all kinds that have objects. */
  resources(): string[] {
    return [...this.data.keys()];
  }

  /** Stores a new object, assigning the next resourceVersion. Returns the stored copy. */
  create(resource: string, object: KObject): KObject {
    const key = objectKey(object.metadata.namespace, object.metadata.name ?? '');
    let bucket = this.data.get(resource);
    if (!bucket) this.data.set(resource, (bucket = new Map()));
    if (bucket.has(key)) throw new Error(`store: ${resource} ${key} exists`);
    const stored = clone(object);
    stored.metadata.resourceVersion = String(++this.revision);
    bucket.set(key, stored);
    this.indexUid(resource, key, stored);
    this.emit({ type: 'ADDED', resourceVersion: this.revision, resource, object: stored });
    return clone(stored);
  }

  /** Replaces an existing object, assigning the next resourceVersion. */
  update(resource: string, object: KObject): KObject {
    const key = objectKey(object.metadata.namespace, object.metadata.name ?? '');
    const bucket = this.data.get(resource);
    const old = bucket?.get(key);
    if (!bucket || !old) throw new Error(`store: ${resource} ${key} does not exist`);
    const stored = clone(object);
    stored.metadata.resourceVersion = String(++this.revision);
    bucket.set(key, stored);
    if (old.metadata.uid !== stored.metadata.uid && old.metadata.uid) this.byUid.delete(old.metadata.uid);
    this.indexUid(resource, key, stored);
    this.emit({ type: 'MODIFIED', resourceVersion: this.revision, resource, object: stored, oldObject: old });
    return clone(stored);
  }

  /** Removes an object; the DELETED event carries the object with the deletion's resourceVersion. */
  remove(resource: string, namespace: string | undefined, name: string): KObject | undefined {
    const bucket = this.data.get(resource);
    const key = objectKey(namespace, name);
    const old = bucket?.get(key);
    if (!bucket || !old) return undefined;
    bucket.delete(key);
    if (old.metadata.uid) this.byUid.delete(old.metadata.uid);
    if (bucket.size === 0) this.data.delete(resource);
    const last = clone(old);
    last.metadata.resourceVersion = String(++this.revision);
    this.emit({ type: 'DELETED', resourceVersion: this.revision, resource, object: last, oldObject: old });
    return clone(last);
  }

  /**
   * Events of one kind after `fromRevision`, oldest first. Throws 410 Expired when that revision is
   * older than the retained history.
   */
  eventsSince(resource: string, fromRevision: number): StoreEvent[] {
    if (fromRevision < this.compactedRevision) {
      throw gone(`too old resource version: ${fromRevision} (${this.compactedRevision})`);
    }
    return this.history.filter((e) => e.resource === resource && e.resourceVersion > fromRevision);
  }

  /**
   * The objects of a kind as they were at `revision` (sorted like `list`), rebuilt from the retained
   * history; undefined when that revision is older than the history.
   */
  listAt(resource: string, namespace: string | undefined, revision: number): KObject[] | undefined {
    if (revision < this.compactedRevision) return undefined;
    const state = new Map<string, KObject>();
    for (const [key, o] of this.data.get(resource) ?? []) if (namespace === undefined || o.metadata.namespace === namespace) state.set(key, o);
    for (let i = this.history.length - 1; i >= 0 && this.history[i].resourceVersion > revision; i--) {
      const e = this.history[i];
      if (e.resource !== resource || (namespace !== undefined && e.object.metadata.namespace !== namespace)) continue;
      const key = objectKey(e.object.metadata.namespace, e.object.metadata.name ?? '');
      if (e.type === 'ADDED') state.delete(key);
      else if (e.oldObject) state.set(key, e.oldObject);
    }
    return [...state.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => clone(o));
  }

  /** Subscribes to every future event; returns the unsubscribe function. */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): StoreSnapshot {
    const objects: Record<string, KObject[]> = {};
    for (const [resource, bucket] of this.data) objects[resource] = [...bucket.values()].map(clone);
    return { resourceVersion: this.revision, objects };
  }

  /** Loads a snapshot into an empty store; history starts empty (older versions are expired). */
  restore(snapshot: StoreSnapshot): void {
    this.data.clear();
    this.byUid.clear();
    for (const [resource, objects] of Object.entries(snapshot.objects)) {
      const bucket = new Map<string, KObject>();
      for (const o of objects) {
        const key = objectKey(o.metadata.namespace, o.metadata.name ?? '');
        bucket.set(key, clone(o));
        this.indexUid(resource, key, o);
      }
      this.data.set(resource, bucket);
    }
    this.revision = snapshot.resourceVersion;
    this.compact();
  }

  /** Whether an object with this uid is stored, and whether it is being deleted (no copy is made). */
  ownerState(uid: string): 'live' | 'deleting' | 'absent' {
    const at = this.byUid.get(uid);
    const obj = at && this.data.get(at.resource)?.get(at.key);
    if (!obj || obj.metadata.uid !== uid) return 'absent';
    return obj.metadata.deletionTimestamp ? 'deleting' : 'live';
  }

  private indexUid(resource: string, key: string, obj: KObject): void {
    if (obj.metadata.uid) this.byUid.set(obj.metadata.uid, { resource, key });
  }

  private emit(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historySize) {
      const dropped = this.history.splice(0, this.history.length - this.historySize);
      this.compactedRevision = dropped[dropped.length - 1].resourceVersion;
    }
    for (const listener of [...this.listeners]) listener(event);
  }
}
