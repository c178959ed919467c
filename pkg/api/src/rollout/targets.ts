import { matchesLabelSelector } from '../config/selector';
import type { Device } from '../v1alpha1/device';
import type { DeviceGroup } from '../v1alpha1/devicegroup';
import type { RolloutSpec } from '../v1alpha1/rollout';

/** True when the spec names any target (selector, devices, macAddresses or deviceGroups). */
export function hasExplicitTargets(spec: Pick<RolloutSpec, 'selector' | 'devices' | 'macAddresses' | 'deviceGroups'>): boolean {
  return spec.selector !== undefined || (spec.devices?.length ?? 0) > 0 || (spec.macAddresses?.length ?? 0) > 0 || (spec.deviceGroups?.length ?? 0) > 0;
}

/**
 * The Devices a Rollout targets, sorted by name: the union of its label selector, device names, MAC addresses
 * (spec.macAddress, else the reported MAC; case-insensitive) and the members of its DeviceGroups (Devices their
 * selector matches), then only the Devices of `deviceClass`; with no targets at all, every Device of that class.
 * `devices` and `groups` are the objects of the Rollout's namespace. Devices being deleted never count.
 */
export function resolveTargets(
  spec: Pick<RolloutSpec, 'selector' | 'devices' | 'macAddresses' | 'deviceGroups'>,
  deviceClass: string,
  devices: readonly Device[],
  groups: readonly DeviceGroup[],
): Device[] {
  const ofClass = devices.filter((d) => d.spec.deviceClassRef.name === deviceClass && !d.metadata.deletionTimestamp);
  let picked: Device[];
  if (!hasExplicitTargets(spec)) {
    picked = ofClass;
  } else {
    const names = new Set(spec.devices ?? []);
    const macs = new Set((spec.macAddresses ?? []).map((m) => m.toLowerCase()));
    const wantedGroups = new Set(spec.deviceGroups ?? []);
    const groupSelectors = groups.filter((g) => wantedGroups.has(g.metadata.name ?? '')).map((g) => g.spec.selector);
    picked = ofClass.filter((d) => {
      const labels = d.metadata.labels;
      if (spec.selector !== undefined && matchesLabelSelector(spec.selector, labels)) return true;
      if (names.has(d.metadata.name ?? '')) return true;
      const mac = (d.spec.macAddress ?? d.status?.reported?.mac)?.toLowerCase();
      if (mac && macs.has(mac)) return true;
      return groupSelectors.some((s) => matchesLabelSelector(s, labels));
    });
  }
  return picked.sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
}
