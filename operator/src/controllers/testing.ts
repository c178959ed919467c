/** Test helpers for controllers: in-memory caches and an ApiWriter that records every call. */
import type { CoreV1Event, KubernetesObject, V1Secret } from '@kubernetes/client-node';
import type { Device, DeviceClass, DeviceGroup, DevicesCluster } from '@kubeflash/api';
import { shrinkConfigSecret } from './caches';
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
  | { verb: 'create'; resource: 'events'; name: string; event: CoreV1Event };

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
  };
}
