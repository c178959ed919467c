import type { Condition, ConditionStatus } from '@kubeflash/api';

/** What a controller decides about one condition; the helper adds lastTransitionTime. */
export interface ConditionUpdate {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  observedGeneration?: number;
}

/**
 * The one place conditions change: returns `conditions` with `update` set, keeping lastTransitionTime when the
 * status did not change (so a new message or reason is not a transition) and setting it to `now` otherwise.
 */
export function setCondition(conditions: readonly Condition[] | undefined, update: ConditionUpdate, now: Date): Condition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((c) => c.type === update.type);
  const previous = index >= 0 ? list[index] : undefined;
  const lastTransitionTime = previous && previous.status === update.status ? previous.lastTransitionTime : now.toISOString().replace(/\.\d+Z$/, 'Z');
  const next: Condition = {
    type: update.type,
    status: update.status,
    ...(update.observedGeneration !== undefined ? { observedGeneration: update.observedGeneration } : {}),
    lastTransitionTime,
    reason: update.reason,
    message: update.message,
  };
  if (index >= 0) list[index] = next;
  else list.push(next);
  return list;
}

/** The condition of a type, if present. */
export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}
