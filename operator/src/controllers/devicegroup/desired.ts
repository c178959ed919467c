import { isDeepStrictEqual } from 'node:util';
import { ConditionStatus, DeviceGroupConditionType, DeviceGroupReason, type DeviceGroup, type DeviceGroupStatus } from '@kubeflash/api';
import { findCondition, setCondition } from '../conditions';
import type { EventIntent } from '../events';

/** Field manager of the DeviceGroup controller's status writes. */
export const DEVICEGROUP_FIELD_MANAGER = 'kubeflash-devicegroup';

/** What the DeviceGroup controller reads for one group. */
export interface DeviceGroupInputs {
  group: DeviceGroup;
  matchedDevices: number;
  /** Data keys of each referenced Secret that exists. */
  secretKeys: (name: string) => string[] | undefined;
}

/** Status this controller owns. */
export type DeviceGroupOwnedStatus = Pick<DeviceGroupStatus, 'observedGeneration' | 'matchedDevices' | 'conditions'>;

/** Status (when changed) and Events of a DeviceGroup: matched device count, Ready when every referenced Secret and key exists. */
export function desiredDeviceGroup(inputs: DeviceGroupInputs, now: Date): { status?: DeviceGroupOwnedStatus; events: EventIntent[] } {
  const { group } = inputs;
  let missing: string | undefined;
  for (const ref of group.spec.config?.secretRefs ?? []) {
    const keys = inputs.secretKeys(ref.name);
    if (!keys) {
      missing = `Secret ${ref.name} does not exist`;
      break;
    }
    const absent = (ref.keys ?? []).find((k) => !keys.includes(k));
    if (absent) {
      missing = `Secret ${ref.name} has no key ${absent}`;
      break;
    }
  }
  const generation = group.metadata.generation;
  const currentReady = findCondition(group.status?.conditions, DeviceGroupConditionType.Ready);
  const conditions = setCondition(currentReady ? [currentReady] : [], {
    type: DeviceGroupConditionType.Ready,
    status: missing ? ConditionStatus.False : ConditionStatus.True,
    reason: missing ? DeviceGroupReason.SecretNotFound : DeviceGroupReason.SecretsResolved,
    message: missing ?? `every referenced Secret and key exists; ${inputs.matchedDevices} devices match`,
    observedGeneration: generation,
  }, now);
  const next: DeviceGroupOwnedStatus = { matchedDevices: inputs.matchedDevices, conditions };
  if (generation !== undefined) next.observedGeneration = generation;
  const current: DeviceGroupOwnedStatus = {};
  if (group.status?.matchedDevices !== undefined) current.matchedDevices = group.status.matchedDevices;
  if (currentReady) current.conditions = [currentReady];
  if (group.status?.observedGeneration !== undefined) current.observedGeneration = group.status.observedGeneration;
  const events: EventIntent[] = [];
  const after = conditions[0];
  if (currentReady?.status !== after.status || currentReady?.reason !== after.reason) {
    events.push({ type: missing ? 'Warning' : 'Normal', reason: after.reason, message: after.message });
  }
  return { status: isDeepStrictEqual(next, current) ? undefined : next, events };
}
