// What the detail pages show of status conditions: one row per condition type the page names, in that order,
// with a badge of its status, its reason and its message. Types and statuses come from @kubeflash/api.
import { ConditionStatus, type Condition } from '@kubeflash/api';
import type { BadgeInfo } from './badges';
import { findCondition } from './badges';

/** One condition as a row of ConditionTable. */
export interface ConditionRow {
  type: string;
  /** l10n key of the condition's name (`kubeflash.condition.<type>`). */
  labelKey: string;
  /** Badge of the status: l10n key `kubeflash.conditionStatus.<status>` and a color. */
  badge: BadgeInfo;
  reason: string;
  message: string;
}

/**
 * A condition type to show, and other colors for its statuses where True is not good news (Aborted, a conflict)
 * or False is only a warning.
 */
export interface ConditionSpec {
  type: string;
  colors?: Partial<Record<ConditionStatus, BadgeInfo['color']>>;
}

/** Colors of a condition whose True is bad news and whose False is fine. */
export const TRUE_IS_BAD: ConditionSpec['colors'] = { [ConditionStatus.True]: 'bg-warning', [ConditionStatus.False]: 'bg-success' };

const STATUS_COLOR: Record<ConditionStatus, BadgeInfo['color']> = {
  [ConditionStatus.True]:    'bg-success',
  [ConditionStatus.False]:   'bg-error',
  [ConditionStatus.Unknown]: 'bg-darker',
};

/** The rows of the named condition types; a type the operator has not set yet shows as Unknown. */
export function conditionRows(conditions: readonly Condition[] | undefined, specs: readonly (ConditionSpec | string)[]): ConditionRow[] {
  return specs.map((s) => {
    const spec = typeof s === 'string' ? { type: s } : s;
    const c = findCondition(conditions, spec.type);
    const status = (c?.status || ConditionStatus.Unknown) as ConditionStatus;
    const color = spec.colors?.[status] || STATUS_COLOR[status] || 'bg-darker';

    return {
      type:     spec.type,
      labelKey: `kubeflash.condition.${ spec.type }`,
      badge:    { labelKey: `kubeflash.conditionStatus.${ status }`, color },
      reason:   c?.reason || '',
      message:  c?.message || '',
    };
  });
}

/** Whether the condition of `type` is False (e.g. a registration check that found a mismatch). */
export function isConditionFalse(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === ConditionStatus.False;
}
