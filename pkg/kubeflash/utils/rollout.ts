// What the Rollout pages show: the preview before a start (with @kubeflash/api's target and wave functions, the
// same the operator runs), the waves as bars, and one row per device from the Devices' status.ota.
import {
  OtaState, previewRollout, WaveState,
  type Device, type DeviceGroup, type Firmware, type Rollout, type RolloutPreview, type RolloutSpec,
} from '@kubeflash/api';
import { percentOf, type Bar } from './bars';
import type { Translate } from './fleet';

/** The parts of a Rollout the pages read. */
type RolloutView = Partial<Pick<Rollout, 'spec' | 'status'>> & { metadata?: { name?: string } };

/** Target fields of a Rollout spec. */
type Targets = Pick<RolloutSpec, 'selector' | 'devices' | 'macAddresses' | 'deviceGroups'>;

const isEmptySelector = (s: RolloutSpec['selector']) => !s || (!Object.keys(s.matchLabels || {}).length && !(s.matchExpressions || []).length);

/**
 * The targets a form means: an empty selector or list is left out, so adding names to a form with an untouched
 * selector does not also target everything (an empty selector would match every device).
 */
export function rolloutTargets(spec: Targets): Targets {
  return {
    ...(isEmptySelector(spec.selector) ? {} : { selector: spec.selector }),
    ...(spec.devices?.length ? { devices: spec.devices } : {}),
    ...(spec.macAddresses?.length ? { macAddresses: spec.macAddresses } : {}),
    ...(spec.deviceGroups?.length ? { deviceGroups: spec.deviceGroups } : {}),
  };
}

/** The preview of an unsaved Rollout: its targets among the namespace's devices, less those on the version, by wave. */
export function rolloutFormPreview(spec: RolloutSpec, firmware: Pick<Firmware, 'spec'> | undefined, devices: readonly Device[], groups: readonly DeviceGroup[]): RolloutPreview | undefined {
  if (!firmware?.spec) {
    return undefined;
  }

  return previewRollout(rolloutTargets(spec), {
    deviceClass: firmware.spec.deviceClassRef.name, version: firmware.spec.version, waves: spec.strategy?.waves?.length ? spec.strategy.waves : [100],
  }, devices, groups);
}

/** One wave of a rollout as the detail page's table shows it. */
export interface WaveRow {
  wave: number;
  percent: number;
  devices: number;
  finishedText: string;
  /** l10n key of the wave state. */
  stateKey: string;
}

const countsOf = (c: { succeeded?: number; failed?: number; inProgress?: number; skipped?: number } | undefined) => ({
  succeeded: c?.succeeded ?? 0, failed: c?.failed ?? 0, inProgress: c?.inProgress ?? 0,
});

/** The waves as the operator runs them (status.waves), or as planned before the start (status.plan). */
export function waveRows(rollout: RolloutView): WaveRow[] {
  const waves = rollout.spec?.strategy?.waves?.length ? rollout.spec.strategy.waves : [100];

  if (rollout.status?.waves?.length) {
    return rollout.status.waves.map((w) => {
      const c = countsOf(w.counts);

      return {
        wave: w.wave, percent: waves[w.wave - 1] ?? 100, devices: w.devices.length, finishedText: `${ c.succeeded + c.failed }/${ w.devices.length }`, stateKey: `kubeflash.waveState.${ w.state }`,
      };
    });
  }

  return (rollout.status?.plan?.waves || []).map((w) => ({
    wave: w.wave, percent: w.percent, devices: w.devices, finishedText: `0/${ w.devices }`, stateKey: `kubeflash.waveState.${ WaveState.Pending }`,
  }));
}

/** The waves as progress bars: succeeded, failed and in-progress shares of each wave's devices. */
export function waveBars(rollout: RolloutView, t: Translate): Bar[] {
  return (rollout.status?.waves || []).map((w) => {
    const c = countsOf(w.counts);
    const total = w.devices.length;

    return {
      key:      String(w.wave),
      label:    t('kubeflash.rollout.waveLabel', { wave: w.wave }),
      segments: [
        { color: 'bg-success', percent: percentOf(c.succeeded, total) },
        { color: 'bg-error', percent: percentOf(c.failed, total) },
        { color: 'bg-info', percent: percentOf(c.inProgress, total) },
      ],
      valueText: `${ c.succeeded + c.failed }/${ total }`,
    };
  });
}

/** One device of a rollout: its wave, where its update is, progress and the last error. */
export interface RolloutDeviceRow {
  name: string;
  wave: number;
  /** An OtaState, or Pending before its command. */
  state: string;
  progress?: number;
  attempt?: number;
  error: string;
}

/**
 * One row per device of the rollout's waves (at most `limit`), from each Device's status.ota while it belongs
 * to this rollout, and from status.failedDevices for the devices that failed for good.
 */
export function rolloutDeviceRows(rollout: RolloutView, devices: readonly Device[], limit = 500): RolloutDeviceRow[] {
  const byName = new Map(devices.map((d) => [d.metadata.name, d]));
  const failed = new Map((rollout.status?.failedDevices || []).map((f) => [f.name, f]));
  const name = rollout.metadata?.name;

  return (rollout.status?.waves || []).flatMap((w) => w.devices.map((device) => ({ device, wave: w.wave }))).slice(0, limit).map(({ device, wave }) => {
    const ota = byName.get(device)?.status?.ota;
    const own = ota && ota.rolloutName === name ? ota : undefined;
    const gaveUp = failed.get(device);
    const error = gaveUp ? [gaveUp.reason, gaveUp.message].filter(Boolean).join(': ') : [own?.lastError?.reason, own?.lastError?.message].filter(Boolean).join(': ');

    return {
      name: device, wave, state: gaveUp ? OtaState.Failed : own?.state || OtaState.Pending, progress: own?.progress, attempt: own?.attempt, error,
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

/** Parses "2, 25, 100" into wave percentages; undefined when not whole numbers (the API's validator judges the rest). */
export function parseWaves(text: string): number[] | undefined {
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);

  return parts.length && parts.every((p) => /^[0-9]+$/.test(p)) ? parts.map(Number) : undefined;
}

/** The rollout's device counts by update state, 0 where the operator has not counted yet. */
export function rolloutCounts(rollout: RolloutView): { total: number; pending: number; inProgress: number; succeeded: number; failed: number; skipped: number } {
  const c = rollout.status?.counts || {};

  return {
    total: c.total ?? 0, pending: c.pending ?? 0, inProgress: c.inProgress ?? 0, succeeded: c.succeeded ?? 0, failed: c.failed ?? 0, skipped: c.skipped ?? 0,
  };
}

/** An int-or-string as a form gives it: digits are a count, anything else (e.g. "5%") stays text, empty is unset. */
export function parseIntOrPercent(text: string): number | string | undefined {
  const trimmed = text.trim();

  return /^[0-9]+$/.test(trimmed) ? Number(trimmed) : (trimmed || undefined);
}
