import { isDeepStrictEqual } from 'node:util';
import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import type { Device, DeviceClass, DeviceGroup, DevicesCluster } from '@kubeflash/api';
import type { FleetCaches } from './caches';
import { FleetIndex, objectKey, secretNamesOf } from './fleet-index';

/** Who wants to know what a cache event means for the fleet. */
export interface FleetListener {
  /** The config inputs of these Devices (`namespace/name`) may have changed. */
  devicesAffected?(keys: Iterable<string>): void;
  /** Which groups, classes and clusters gained or lost devices (or changed themselves). */
  membershipChanged?(change: { groups: Iterable<string>; classes: Iterable<string>; clusters: Iterable<string> }): void;
}

const specChanged = (a: KubernetesObject & { spec?: unknown }, b?: KubernetesObject & { spec?: unknown }): boolean =>
  !b || a.metadata?.generation !== b.metadata?.generation || !isDeepStrictEqual(a.spec, b.spec);

const deviceChanged = (d: Device, old?: Device): boolean =>
  specChanged(d, old) || !isDeepStrictEqual(d.metadata.labels ?? {}, old?.metadata.labels ?? {}) || d.metadata.deletionTimestamp !== old?.metadata.deletionTimestamp;

const dataChanged = (s: V1Secret, old?: V1Secret): boolean =>
  !old || !isDeepStrictEqual(s.data ?? {}, old.data ?? {}) || !isDeepStrictEqual(s.stringData ?? {}, old.stringData ?? {});

/**
 * Feeds the FleetIndex from the caches and tells listeners exactly which Devices (and which groups, classes and
 * clusters) each event affects: a Secret change reaches only the Devices that read it, a group change only its
 * former and current members. Status-only updates (generation, labels and data unchanged) affect nothing.
 */
export function wireFleetIndex(caches: FleetCaches, index: FleetIndex, listeners: readonly FleetListener[]): void {
  const affected = (keys: Iterable<string>) => {
    const list = [...keys];
    if (list.length > 0) for (const l of listeners) l.devicesAffected?.(list);
  };
  const membership = (groups: Iterable<string>, classes: Iterable<string>, clusters: Iterable<string>) => {
    for (const l of listeners) l.membershipChanged?.({ groups: [...groups], classes: [...classes], clusters: [...clusters] });
  };
  const refsOf = (d: Device) => ({
    cls: objectKey(d.metadata.namespace, d.spec.deviceClassRef.name),
    cluster: objectKey(d.metadata.namespace, d.spec.devicesClusterRef.name),
  });

  const onDevice = (d: Device, old?: Device) => {
    if (old && !deviceChanged(d, old)) return;
    const key = objectKey(d.metadata.namespace, d.metadata.name);
    const oldGroups = index.groupsOfDevice(d.metadata.namespace, d.metadata.name);
    index.setDevice(d);
    const newGroups = index.groupsOfDevice(d.metadata.namespace, d.metadata.name);
    affected([key]);
    const refs = [refsOf(d), ...(old ? [refsOf(old)] : [])];
    membership(new Set([...oldGroups, ...newGroups]), new Set(refs.map((r) => r.cls)), new Set(refs.map((r) => r.cluster)));
  };
  caches.devices.on('add', (d) => onDevice(d));
  caches.devices.on('update', (d, old) => onDevice(d, old));
  caches.devices.on('delete', (d) => {
    const groups = index.groupsOfDevice(d.metadata.namespace, d.metadata.name);
    index.removeDevice(d.metadata.namespace, d.metadata.name);
    const r = refsOf(d);
    membership(groups, [r.cls], [r.cluster]);
  });

  const onGroup = (g: DeviceGroup, old?: DeviceGroup) => {
    if (old && !specChanged(g, old)) return;
    affected(index.setGroup(g, caches.devices.list(g.metadata.namespace)));
    membership([objectKey(g.metadata.namespace, g.metadata.name)], [], []);
  };
  caches.groups.on('add', (g) => onGroup(g));
  caches.groups.on('update', (g, old) => onGroup(g, old));
  caches.groups.on('delete', (g) => affected(index.removeGroup(g.metadata.namespace, g.metadata.name)));

  const onClass = (c: DeviceClass, old?: DeviceClass) => {
    if (old && !specChanged(c, old)) return;
    index.setSecretRefs('DeviceClass', c.metadata.namespace, c.metadata.name, secretNamesOf(c.spec.config));
    affected(index.devicesOfClass(c.metadata.namespace, c.metadata.name));
    membership([], [objectKey(c.metadata.namespace, c.metadata.name)], []);
  };
  caches.classes.on('add', (c) => onClass(c));
  caches.classes.on('update', (c, old) => onClass(c, old));
  caches.classes.on('delete', (c) => {
    index.setSecretRefs('DeviceClass', c.metadata.namespace, c.metadata.name, []);
    affected(index.devicesOfClass(c.metadata.namespace, c.metadata.name));
  });

  // The broker CA becomes the generated mqtt_ca key of every device of the cluster.
  const clusterSecrets = (c: DevicesCluster): string[] => [...secretNamesOf(c.spec.config), ...(c.spec.mqtt.caSecretRef ? [c.spec.mqtt.caSecretRef.name] : [])];
  const onCluster = (c: DevicesCluster, old?: DevicesCluster) => {
    if (old && !specChanged(c, old)) return;
    index.setSecretRefs('DevicesCluster', c.metadata.namespace, c.metadata.name, clusterSecrets(c));
    affected(index.devicesOfCluster(c.metadata.namespace, c.metadata.name));
    membership([], [], [objectKey(c.metadata.namespace, c.metadata.name)]);
  };
  caches.clusters.on('add', (c) => onCluster(c));
  caches.clusters.on('update', (c, old) => onCluster(c, old));
  caches.clusters.on('delete', (c) => {
    index.setSecretRefs('DevicesCluster', c.metadata.namespace, c.metadata.name, []);
    affected(index.devicesOfCluster(c.metadata.namespace, c.metadata.name));
  });

  const onSecret = (s: V1Secret, old?: V1Secret) => {
    if (old && !dataChanged(s, old)) return;
    const users = index.devicesForSecret(s.metadata?.namespace, s.metadata?.name);
    // A foreign Secret named like a device's config Secret blocks that device.
    const owner = /^(.*)-config$/.exec(s.metadata?.name ?? '')?.[1];
    if (owner && caches.devices.get(s.metadata?.namespace, owner)) users.add(objectKey(s.metadata?.namespace, owner));
    affected(users);
    // Groups report missing Secrets in their status.
    membership(
      [...index.referrersOfSecret(s.metadata?.namespace, s.metadata?.name)].filter((r) => r.startsWith('DeviceGroup:')).map((r) => r.slice('DeviceGroup:'.length)),
      [],
      [],
    );
  };
  caches.secrets.on('add', (s) => onSecret(s));
  caches.secrets.on('update', (s, old) => onSecret(s, old));
  caches.secrets.on('delete', (s) => onSecret(s));
}
