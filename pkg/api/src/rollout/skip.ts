import type { Device, DeviceGroup } from '../v1alpha1';
import type { RolloutPlanWave, RolloutSpec } from '../v1alpha1/rollout';
import { planWaves } from './plan';
import { resolveTargets } from './targets';

/** The image state a device reports while its new image has not confirmed itself yet (status `image_state`). */
export const PENDING_VERIFY_IMAGE_STATE = 'pending-verify';

/**
 * True when a device already runs `version` for good: it reports that version and its image is not waiting to
 * confirm itself. A rollout that has not started yet skips such devices.
 */
export function runsVersion(reported: { firmwareVersion?: string; imageState?: string } | undefined, version: string): boolean {
  return reported?.firmwareVersion === version && reported.imageState !== PENDING_VERIFY_IMAGE_STATE;
}

/** What a Rollout that has not started would do now: the devices it would update (by wave) and those it would skip. */
export interface RolloutPreview {
  /** Devices that would be sent a command, sorted by name. */
  names: string[];
  /** Targeted devices that already run the version. */
  skipped: string[];
  waves: RolloutPlanWave[];
}

/**
 * The preview of a Rollout before it starts, as status.plan will show it (without devices held by other running
 * Rollouts, which only the operator knows): the targets of `spec` among `devices` of `deviceClass`, less those
 * already on `version`, split into `waves`.
 */
export function previewRollout(
  spec: Pick<RolloutSpec, 'selector' | 'devices' | 'macAddresses' | 'deviceGroups'>,
  target: { deviceClass: string; version: string; waves: readonly number[] },
  devices: readonly Device[],
  groups: readonly DeviceGroup[],
): RolloutPreview {
  const names: string[] = [];
  const skipped: string[] = [];
  for (const d of resolveTargets(spec, target.deviceClass, devices, groups)) {
    (runsVersion(d.status?.reported, target.version) ? skipped : names).push(d.metadata.name ?? '');
  }
  return { names, skipped, waves: planWaves(names, target.waves) };
}
