import type { Rollout } from '@kubeflash/api';

/** The parts of a Rollout the progress is computed from. */
type RolloutView = Partial<Pick<Rollout, 'spec' | 'status'>>;

/** One wave of a rollout as the detail page shows it. */
export interface WaveRow {
  /** 1-based. */
  wave: number;
  /** Cumulative percentage of the selected devices updated once this wave is done. */
  percent: number;
  /** Devices in this wave (not cumulative). */
  devices: number;
  /** Devices of this wave that finished (succeeded or failed), assuming earlier waves finish first. */
  finished: number;
  state: 'done' | 'current' | 'waiting';
}

/**
 * Splits a rollout's devices into its waves (cumulative percentages, rounded up as the operator does)
 * and spreads the finished count over them in order.
 */
export function waveRows(rollout: RolloutView): WaveRow[] {
  const waves = rollout.spec?.strategy?.waves?.length ? rollout.spec.strategy.waves : [100];
  const total = rollout.status?.counts?.total ?? 0;
  const finishedTotal = (rollout.status?.counts?.succeeded ?? 0) + (rollout.status?.counts?.failed ?? 0);
  const current = rollout.status?.currentWave ?? 0;
  let before = 0;

  return waves.map((percent, i) => {
    const upTo = Math.min(total, Math.ceil((total * percent) / 100));
    const devices = Math.max(0, upTo - before);
    const finished = Math.max(0, Math.min(devices, finishedTotal - before));
    const wave = i + 1;
    const state = wave < current || (devices > 0 && finished === devices && wave <= current) ? 'done' : wave === current ? 'current' : 'waiting';

    before = upTo;

    return {
      wave, percent, devices, finished, state,
    };
  });
}

/** Percentage of the rollout's devices that finished, 0-100. */
export function rolloutPercent(rollout: RolloutView): number {
  const c = rollout.status?.counts;

  if (!c?.total) {
    return 0;
  }

  return Math.round((((c.succeeded ?? 0) + (c.failed ?? 0)) * 100) / c.total);
}

/** Parses "2, 25, 100" into wave percentages; undefined when not strictly ascending integers in 1..100. */
export function parseWaves(text: string): number[] | undefined {
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);

  if (!parts.length || parts.some((p) => !/^[0-9]+$/.test(p))) {
    return undefined;
  }
  const waves = parts.map(Number);
  const ok = waves.every((w, i) => w >= 1 && w <= 100 && (i === 0 || w > waves[i - 1]));

  return ok ? waves : undefined;
}

/** The rollout's device counts by update state, 0 where the operator has not counted yet. */
export function rolloutCounts(rollout: RolloutView): { total: number; pending: number; inProgress: number; succeeded: number; failed: number } {
  const c = rollout.status?.counts || {};

  return {
    total: c.total ?? 0, pending: c.pending ?? 0, inProgress: c.inProgress ?? 0, succeeded: c.succeeded ?? 0, failed: c.failed ?? 0,
  };
}

/** An int-or-string as a form gives it: digits are a count, anything else (e.g. "5%") stays text, empty is unset. */
export function parseIntOrPercent(text: string): number | string | undefined {
  const trimmed = text.trim();

  return /^[0-9]+$/.test(trimmed) ? Number(trimmed) : (trimmed || undefined);
}
