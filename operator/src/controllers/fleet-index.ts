import type { ConfigLayer, Device, DeviceGroup } from '@kubeflash/api';
import { matchesLabelSelector } from '@kubeflash/api';

/** Kinds whose config layer can reference Secrets. */
export type ReferrerKind = 'DevicesCluster' | 'DeviceClass' | 'DeviceGroup' | 'Device';

/** `namespace/name`. */
export const objectKey = (namespace: string | undefined, name: string | undefined): string => `${namespace ?? ''}/${name ?? ''}`;

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}
function removeFrom(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

/** Names of the Secrets a config layer reads. */
export function secretNamesOf(config: ConfigLayer | undefined): string[] {
  return (config?.secretRefs ?? []).map((r) => r.name);
}

/**
 * In-memory indexes from what changed to the Devices it affects: class, cluster and group to their devices, and
 * Secret to everything that references it. Keys are `namespace/name`. Fed by informer events; no API calls.
 */
export class FleetIndex {
  private readonly classDevices = new Map<string, Set<string>>();
  private readonly clusterDevices = new Map<string, Set<string>>();
  private readonly groupDevices = new Map<string, Set<string>>();
  private readonly deviceGroups = new Map<string, Set<string>>();
  private readonly deviceRefs = new Map<string, { cls: string; cluster: string }>();
  /** Secret key -> referrers `Kind:namespace/name`. */
  private readonly secretReferrers = new Map<string, Set<string>>();
  private readonly referrerSecrets = new Map<string, string[]>();
  private readonly groupSelectors = new Map<string, DeviceGroup>();

  /** Records a Device (new or changed) and its group memberships among the groups of its namespace. */
  setDevice(device: Device): void {
    const ns = device.metadata.namespace;
    const key = objectKey(ns, device.metadata.name);
    const refs = { cls: objectKey(ns, device.spec.deviceClassRef.name), cluster: objectKey(ns, device.spec.devicesClusterRef.name) };
    const old = this.deviceRefs.get(key);
    if (old) {
      removeFrom(this.classDevices, old.cls, key);
      removeFrom(this.clusterDevices, old.cluster, key);
    }
    this.deviceRefs.set(key, refs);
    addTo(this.classDevices, refs.cls, key);
    addTo(this.clusterDevices, refs.cluster, key);
    for (const g of this.deviceGroups.get(key) ?? []) removeFrom(this.groupDevices, g, key);
    this.deviceGroups.delete(key);
    for (const [groupKey, group] of this.groupSelectors) {
      if (group.metadata.namespace === ns && matchesLabelSelector(group.spec.selector, device.metadata.labels)) {
        addTo(this.groupDevices, groupKey, key);
        addTo(this.deviceGroups, key, groupKey);
      }
    }
    this.setSecretRefs('Device', ns, device.metadata.name, secretNamesOf(device.spec.config));
  }

  removeDevice(namespace: string | undefined, name: string | undefined): void {
    const key = objectKey(namespace, name);
    const old = this.deviceRefs.get(key);
    if (old) {
      removeFrom(this.classDevices, old.cls, key);
      removeFrom(this.clusterDevices, old.cluster, key);
    }
    this.deviceRefs.delete(key);
    for (const g of this.deviceGroups.get(key) ?? []) removeFrom(this.groupDevices, g, key);
    this.deviceGroups.delete(key);
    this.setSecretRefs('Device', namespace, name, []);
  }

  /**
   * Records a DeviceGroup (new or changed), recomputing its members among `devices` (those of its namespace).
   * Returns the devices whose config may change: former and current members.
   */
  setGroup(group: DeviceGroup, devices: Iterable<Device>): Set<string> {
    const ns = group.metadata.namespace;
    const key = objectKey(ns, group.metadata.name);
    const affected = this.removeGroupMembers(key);
    this.groupSelectors.set(key, group);
    for (const device of devices) {
      if (device.metadata.namespace !== ns || !matchesLabelSelector(group.spec.selector, device.metadata.labels)) continue;
      const deviceKey = objectKey(ns, device.metadata.name);
      addTo(this.groupDevices, key, deviceKey);
      addTo(this.deviceGroups, deviceKey, key);
      affected.add(deviceKey);
    }
    this.setSecretRefs('DeviceGroup', ns, group.metadata.name, secretNamesOf(group.spec.config));
    return affected;
  }

  /** Forgets a DeviceGroup; returns its former members. */
  removeGroup(namespace: string | undefined, name: string | undefined): Set<string> {
    const key = objectKey(namespace, name);
    this.groupSelectors.delete(key);
    this.setSecretRefs('DeviceGroup', namespace, name, []);
    return this.removeGroupMembers(key);
  }

  private removeGroupMembers(groupKey: string): Set<string> {
    const members = new Set(this.groupDevices.get(groupKey) ?? []);
    for (const d of members) removeFrom(this.deviceGroups, d, groupKey);
    this.groupDevices.delete(groupKey);
    return members;
  }

  /** Records which Secrets (of its namespace) an object's config layer (or other fields) reference. */
  setSecretRefs(kind: ReferrerKind, namespace: string | undefined, name: string | undefined, secretNames: readonly string[]): void {
    const referrer = `${kind}:${objectKey(namespace, name)}`;
    for (const s of this.referrerSecrets.get(referrer) ?? []) removeFrom(this.secretReferrers, objectKey(namespace, s), referrer);
    if (secretNames.length === 0) {
      this.referrerSecrets.delete(referrer);
      return;
    }
    this.referrerSecrets.set(referrer, [...secretNames]);
    for (const s of secretNames) addTo(this.secretReferrers, objectKey(namespace, s), referrer);
  }

  devicesOfClass(namespace: string | undefined, name: string | undefined): Set<string> {
    return new Set(this.classDevices.get(objectKey(namespace, name)) ?? []);
  }

  devicesOfCluster(namespace: string | undefined, name: string | undefined): Set<string> {
    return new Set(this.clusterDevices.get(objectKey(namespace, name)) ?? []);
  }

  devicesOfGroup(namespace: string | undefined, name: string | undefined): Set<string> {
    return new Set(this.groupDevices.get(objectKey(namespace, name)) ?? []);
  }

  /** Group keys a device belongs to. */
  groupsOfDevice(namespace: string | undefined, name: string | undefined): Set<string> {
    return new Set(this.deviceGroups.get(objectKey(namespace, name)) ?? []);
  }

  /** Objects (`Kind:namespace/name`) whose config references the Secret. */
  referrersOfSecret(namespace: string | undefined, name: string | undefined): Set<string> {
    return new Set(this.secretReferrers.get(objectKey(namespace, name)) ?? []);
  }

  /** Every Device whose config reads the Secret, through its own layer, its groups, class or cluster. */
  devicesForSecret(namespace: string | undefined, name: string | undefined): Set<string> {
    const out = new Set<string>();
    for (const referrer of this.referrersOfSecret(namespace, name)) {
      const [kind, key] = referrer.split(/:(.*)/s) as [ReferrerKind, string];
      const [ns, objName] = key.split('/');
      const devices =
        kind === 'Device' ? [key]
        : kind === 'DeviceGroup' ? this.devicesOfGroup(ns, objName)
        : kind === 'DeviceClass' ? this.devicesOfClass(ns, objName)
        : this.devicesOfCluster(ns, objName);
      for (const d of devices) out.add(d);
    }
    return out;
  }
}
