import type { RolloutSpec } from '../v1alpha1/rollout';
import { MAX_WAVES } from '../v1alpha1/rollout';

/** Kinds of Rollout spec problems; the UI maps each to an l10n key, the webhook shows `message`. */
export const RolloutProblemCode = {
  /** strategy.waves is empty, has a value outside 1..100, or is not strictly ascending. */
  WavesInvalid: 'WavesInvalid',
  /** strategy.maxConcurrent is neither a whole number of at least 1 nor a percentage 1%..100%. */
  MaxConcurrentInvalid: 'MaxConcurrentInvalid',
  /** spec.approvedWave names a wave the strategy does not have. */
  ApprovedWaveInvalid: 'ApprovedWaveInvalid',
  /** spec.abort went from true back to false. */
  AbortUndone: 'AbortUndone',
  /** The same entry appears twice in devices, macAddresses or deviceGroups. */
  DuplicateTarget: 'DuplicateTarget',
} as const;
/** One of the Rollout problem codes. */
export type RolloutProblemCode = (typeof RolloutProblemCode)[keyof typeof RolloutProblemCode];

/** One problem with a Rollout spec: `field` is its path, `message` complete English, `args` for l10n. */
export interface RolloutProblem {
  code: RolloutProblemCode;
  field: string;
  args: Record<string, string | number>;
  message: string;
}

const problem = (code: RolloutProblemCode, field: string, message: string, args: Record<string, string | number> = {}): RolloutProblem => ({ code, field, args, message });

/** True for a maxConcurrent value the operator understands. */
export function isMaxConcurrent(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1;
  return typeof value === 'string' && /^([1-9][0-9]?|100)%$/.test(value);
}

/**
 * Problems of a Rollout spec beyond what the CRD schema checks (the schema's rules are repeated here so the
 * UI can show them before saving): waves, maxConcurrent, approvedWave, duplicate targets.
 */
export function validateRolloutSpec(spec: RolloutSpec): RolloutProblem[] {
  const out: RolloutProblem[] = [];
  const waves = spec.strategy?.waves;
  if (waves !== undefined) {
    if (waves.length === 0 || waves.length > MAX_WAVES) {
      out.push(problem(RolloutProblemCode.WavesInvalid, 'spec.strategy.waves', `spec.strategy.waves must list 1 to ${MAX_WAVES} percentages`, { max: MAX_WAVES }));
    } else {
      const bad = waves.findIndex((w, i) => !Number.isInteger(w) || w < 1 || w > 100 || (i > 0 && w <= waves[i - 1]));
      if (bad >= 0) out.push(problem(RolloutProblemCode.WavesInvalid, `spec.strategy.waves[${bad}]`, `spec.strategy.waves must be strictly ascending whole percentages from 1 to 100; entry ${bad + 1} (${waves[bad]}) is not`, { index: bad + 1, value: waves[bad] }));
    }
  }
  const mc = spec.strategy?.maxConcurrent;
  if (mc !== undefined && !isMaxConcurrent(mc)) {
    out.push(problem(RolloutProblemCode.MaxConcurrentInvalid, 'spec.strategy.maxConcurrent', `spec.strategy.maxConcurrent must be a whole number of at least 1 or a percentage like "5%", got "${String(mc)}"`, { value: String(mc) }));
  }
  const waveCount = waves?.length ?? 3;
  if (spec.approvedWave !== undefined && (spec.approvedWave < 0 || spec.approvedWave > waveCount)) {
    out.push(problem(RolloutProblemCode.ApprovedWaveInvalid, 'spec.approvedWave', `spec.approvedWave must be between 0 and the number of waves (${waveCount}), got ${spec.approvedWave}`, { value: spec.approvedWave, waves: waveCount }));
  }
  for (const field of ['devices', 'macAddresses', 'deviceGroups'] as const) {
    const seen = new Set<string>();
    for (const item of spec[field] ?? []) {
      const k = field === 'macAddresses' ? item.toLowerCase() : item;
      if (seen.has(k)) out.push(problem(RolloutProblemCode.DuplicateTarget, `spec.${field}`, `spec.${field} lists ${item} twice`, { value: item }));
      seen.add(k);
    }
  }
  return out;
}

/** Problems of changing a Rollout spec from `old` to `next` (an abort cannot be undone). */
export function validateRolloutUpdate(old: RolloutSpec, next: RolloutSpec): RolloutProblem[] {
  const out = validateRolloutSpec(next);
  if (old.abort === true && next.abort !== true) {
    out.push(problem(RolloutProblemCode.AbortUndone, 'spec.abort', 'spec.abort cannot be set back to false: an aborted Rollout stays aborted; create a new Rollout'));
  }
  return out;
}
