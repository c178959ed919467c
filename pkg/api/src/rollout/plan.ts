import { PLAN_FIRST_NAMES, type RolloutPlanWave } from '../v1alpha1/rollout';

/**
 * Splits the targeted device names (in the order given; callers sort them) into waves by cumulative percentages:
 * wave i ends at ceil(n × waves[i] / 100) devices, so every wave with a percentage gets at least its share and
 * the first wave of a non-empty rollout has at least one device. A last percentage below 100 leaves the rest out.
 */
export function splitIntoWaves(names: readonly string[], waves: readonly number[]): string[][] {
  const out: string[][] = [];
  let from = 0;
  for (const percent of waves) {
    const to = Math.min(names.length, Math.max(from, Math.ceil((names.length * percent) / 100)));
    out.push(names.slice(from, to));
    from = to;
  }
  return out;
}

/** The preview of waves (counts and the first names of each) for `names` split by `waves`. */
export function planWaves(names: readonly string[], waves: readonly number[]): RolloutPlanWave[] {
  return splitIntoWaves(names, waves).map((devices, i) => ({
    wave: i + 1,
    percent: waves[i],
    devices: devices.length,
    ...(devices.length > 0 ? { firstDevices: devices.slice(0, PLAN_FIRST_NAMES) } : {}),
  }));
}
