import type { Rollout, RolloutSpec } from '../v1alpha1/rollout';

/** Every strategy and health-check setting of a Rollout with its default filled in. */
export interface RolloutSettings {
  waves: number[];
  /** A count, or a percentage string ("5%"). */
  maxConcurrent: number | string;
  pauseSeconds: number;
  pauseApproval: boolean;
  deviceTimeoutSeconds: number;
  progressTimeoutSeconds: number;
  maxAttempts: number;
  retryBackoffSeconds: number;
  failurePercent: number;
  minFinished: number;
  consecutiveFailures: number;
  minOnlineSeconds: number;
}

/** Defaults of the Rollout schema (the CRD applies the same ones; objects from older clients may lack them). */
export const ROLLOUT_DEFAULTS: RolloutSettings = {
  waves: [10, 50, 100],
  maxConcurrent: 10,
  pauseSeconds: 0,
  pauseApproval: false,
  deviceTimeoutSeconds: 1800,
  progressTimeoutSeconds: 300,
  maxAttempts: 3,
  retryBackoffSeconds: 30,
  failurePercent: 20,
  minFinished: 5,
  consecutiveFailures: 5,
  minOnlineSeconds: 60,
};

/** The settings of a Rollout spec, defaults filled in. */
export function rolloutSettings(spec: RolloutSpec | Rollout['spec']): RolloutSettings {
  const s = spec.strategy ?? {};
  const d = ROLLOUT_DEFAULTS;
  return {
    waves: s.waves && s.waves.length > 0 ? [...s.waves] : [...d.waves],
    maxConcurrent: s.maxConcurrent ?? d.maxConcurrent,
    pauseSeconds: s.pause?.durationSeconds ?? d.pauseSeconds,
    pauseApproval: s.pause?.approval ?? d.pauseApproval,
    deviceTimeoutSeconds: s.deviceTimeoutSeconds ?? d.deviceTimeoutSeconds,
    progressTimeoutSeconds: s.progressTimeoutSeconds ?? d.progressTimeoutSeconds,
    maxAttempts: s.maxAttempts ?? d.maxAttempts,
    retryBackoffSeconds: s.retryBackoffSeconds ?? d.retryBackoffSeconds,
    failurePercent: s.abort?.failurePercent ?? d.failurePercent,
    minFinished: s.abort?.minFinished ?? d.minFinished,
    consecutiveFailures: s.abort?.consecutiveFailures ?? d.consecutiveFailures,
    minOnlineSeconds: spec.healthCheck?.minOnlineSeconds ?? d.minOnlineSeconds,
  };
}

/** maxConcurrent as a device count for `total` targeted devices (a percentage rounds up; at least 1). */
export function concurrencyLimit(maxConcurrent: number | string, total: number): number {
  if (typeof maxConcurrent === 'number') return Math.max(1, Math.floor(maxConcurrent));
  const m = /^(\d{1,3})%$/.exec(maxConcurrent);
  if (m) return Math.max(1, Math.ceil((total * Number(m[1])) / 100));
  const n = Number(maxConcurrent);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}
