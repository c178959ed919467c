/** Test helpers for controllers: in-memory caches and an ApiWriter that records every call. */
import type { CoreV1Event, KubernetesObject, V1Secret } from '@kubernetes/client-node';
import type { Device, DeviceClass, DeviceGroup, DevicesCluster } from '@kubeflash/api';
import { shrinkConfigSecret } from './caches';
import type { DesiredAccount } from '../mqtt/accounts';
import type { AccountSession } from './device/sync';
import type { ApiWriter } from './writer';

/** A cache backed by a Map, with the Informer methods the controllers use. */
export class FakeCache<T extends KubernetesObject> {
  readonly objects = new Map<string, T>();
  get(namespace: string | undefined, name: string): T | undefined {
    return this.objects.get(`${namespace ?? ''}/${name}`);
  }
  list(namespace?: string): T[] {
    return [...this.objects.values()].filter((o) => namespace === undefined || o.metadata?.namespace === namespace);
  }
  set(obj: T): void {
    this.objects.set(`${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`, obj);
  }
  delete(namespace: string, name: string): void {
    this.objects.delete(`${namespace}/${name}`);
  }
  on(): void {}
}

/** The caches a device sync reads. */
export interface FakeCaches {
  devices: FakeCache<Device>;
  classes: FakeCache<DeviceClass>;
  clusters: FakeCache<DevicesCluster>;
  groups: FakeCache<DeviceGroup>;
  secrets: FakeCache<V1Secret>;
  configSecrets: FakeCache<V1Secret>;
}

export function fakeCaches(): FakeCaches {
  return {
    devices: new FakeCache(),
    classes: new FakeCache(),
    clusters: new FakeCache(),
    groups: new FakeCache(),
    secrets: new FakeCache(),
    configSecrets: new FakeCache(),
  };
}

/** One recorded API write. */
export type RecordedCall =
  | { verb: 'create' | 'replace'; resource: 'secrets'; name: string; object: V1Secret }
  | { verb: 'apply'; resource: string; name: string; status: Record<string, unknown>; fieldManager: string }
  | { verb: 'create'; resource: 'events'; name: string; event: CoreV1Event }
  | { verb: 'finalizers'; resource: string; name: string; finalizers: string[] };

/**
 * An ApiWriter that records calls and, like the API server plus informers would, feeds written Secrets and
 * statuses back into the fake caches (with a new resourceVersion).
 */
export function recordingWriter(caches: FakeCaches): ApiWriter & { calls: RecordedCall[] } {
  let rv = 100;
  const calls: RecordedCall[] = [];
  return {
    calls,
    async createSecret(secret) {
      calls.push({ verb: 'create', resource: 'secrets', name: secret.metadata?.name ?? '', object: secret });
      caches.configSecrets.set(shrinkConfigSecret({ ...secret, metadata: { ...secret.metadata, resourceVersion: String(++rv) } }));
    },
    async replaceSecret(secret) {
      calls.push({ verb: 'replace', resource: 'secrets', name: secret.metadata?.name ?? '', object: secret });
      caches.configSecrets.set(shrinkConfigSecret({ ...secret, metadata: { ...secret.metadata, resourceVersion: String(++rv) } }));
    },
    async applyStatus(kind, plural, namespace, name, status, fieldManager) {
      calls.push({ verb: 'apply', resource: `${plural}/status`, name, status: status as Record<string, unknown>, fieldManager });
      const cache = { Device: caches.devices, DeviceGroup: caches.groups, DeviceClass: caches.classes, DevicesCluster: caches.clusters }[kind] as FakeCache<KubernetesObject & { status?: object }>;
      const obj = cache.get(namespace, name);
      if (obj) cache.set({ ...obj, status: { ...obj.status, ...status } });
    },
    async createEvent(event) {
      calls.push({ verb: 'create', resource: 'events', name: event.involvedObject.name ?? '', event });
    },
    async setFinalizers(plural, namespace, name, finalizers) {
      calls.push({ verb: 'finalizers', resource: plural, name, finalizers });
      const obj = caches.devices.get(namespace, name);
      if (obj) caches.devices.set({ ...obj, metadata: { ...obj.metadata, finalizers, resourceVersion: String(++rv) } });
    },
  };
}

/** One call a fake broker session received. */
export type BrokerCall =
  | { op: 'ensure'; username: string; fingerprint: string }
  | { op: 'remove'; username: string }
  | { op: 'publish'; topic: string; payload: string; retain: boolean };

/**
 * In-memory broker sessions for controller tests: accounts keyed by username (with the desired account's
 * description, so password changes show), every call recorded, and switches for an unreachable broker or a
 * foreign account.
 */
export function fakeBrokers(): {
  session(namespace: string | undefined, name: string): AccountSession | undefined;
  calls: BrokerCall[];
  accounts: Map<string, DesiredAccount>;
  connected: boolean;
  foreign: Set<string>;
} {
  const calls: BrokerCall[] = [];
  const accounts = new Map<string, DesiredAccount>();
  const state = { connected: true, foreign: new Set<string>() };
  const session: AccountSession = {
    async ensureAccount(desired) {
      calls.push({ op: 'ensure', username: desired.username, fingerprint: desired.textdescription.split('credentials ')[1] ?? '' });
      if (state.foreign.has(desired.username)) return { ok: false, message: `the broker already has an account ${desired.username} that kubeflash did not create` };
      const before = accounts.get(desired.username);
      accounts.set(desired.username, desired);
      return { ok: true, created: !before, changes: before && before.textdescription !== desired.textdescription ? ['password'] : [] };
    },
    async removeAccount(username) {
      calls.push({ op: 'remove', username });
      accounts.delete(username);
      return { ok: true };
    },
    async publish(message) {
      calls.push({ op: 'publish', topic: message.topic, payload: message.payload, retain: message.retain });
      return true;
    },
  };
  return {
    session: () => (state.connected ? session : undefined),
    calls,
    accounts,
    get connected() {
      return state.connected;
    },
    set connected(v: boolean) {
      state.connected = v;
    },
    foreign: state.foreign,
  };
}
