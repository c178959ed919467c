import type { Rollout } from '../types/resources';

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
export function waveRows(rollout: Rollout): WaveRow[] {
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
export function rolloutPercent(rollout: Rollout): number {
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
