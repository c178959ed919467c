import { InvalidPlanError, hex } from './errors';
import { CHIP_NAMES, type ChipName } from './types/chip';
import { FLASH_MODES, type FlashPlan } from './types/plan';

const SECTOR = 0x1000;

/** Checks a plan before anything touches the port: known chip and mode, aligned, non-overlapping, non-empty parts. */
export function validatePlan(plan: FlashPlan): void {
  if (!plan || typeof plan !== 'object') throw new InvalidPlanError('The flash plan is missing.');
  if (!CHIP_NAMES.includes(plan.chip as ChipName)) {
    throw new InvalidPlanError(`Unknown chip "${String(plan.chip)}"; expected one of ${CHIP_NAMES.join(', ')}.`);
  }
  if (!FLASH_MODES.includes(plan.mode)) {
    throw new InvalidPlanError(`Unknown flash mode "${String(plan.mode)}"; expected one of ${FLASH_MODES.join(', ')}.`);
  }
  if (!Array.isArray(plan.parts) || plan.parts.length === 0) throw new InvalidPlanError('The flash plan has no parts to write.');
  const sorted = [...plan.parts].sort((a, b) => a.offset - b.offset);
  let previous: { name: string; end: number } | undefined;
  for (const part of sorted) {
    if (!(part.data instanceof Uint8Array) || part.data.length === 0) throw new InvalidPlanError(`Part "${part.name}" has no data.`);
    if (!Number.isInteger(part.offset) || part.offset < 0 || part.offset % SECTOR !== 0) {
      throw new InvalidPlanError(`Part "${part.name}" starts at ${hex(part.offset)}, which is not a multiple of 4 KiB (a flash sector).`);
    }
    // Writes erase whole sectors, so two parts must not share one.
    if (previous && part.offset < previous.end) {
      throw new InvalidPlanError(`Parts "${previous.name}" and "${part.name}" overlap (or share a 4 KiB sector) at ${hex(part.offset)}.`);
    }
    previous = { name: part.name, end: Math.ceil((part.offset + part.data.length) / SECTOR) * SECTOR };
  }
}

/** End of the highest part, in bytes. */
export function planEnd(plan: FlashPlan): number {
  return Math.max(...plan.parts.map((p) => p.offset + p.data.length));
}
