import { OTA_HISTORY_LENGTH, OTA_IN_FLIGHT_STATES, OtaResult, OtaState, type DeviceStatus, type OtaHistoryEntry, type RolloutSettings } from '@kubeflash/api';
import { OtaFailureReason, otaCommandId, parseOtaCommandId, type OtaProgressPayload, type OtaResultPayload } from '@kubeflash/protocol';

/** Device status.ota as the rollout controller writes it. */
export type DeviceOta = NonNullable<DeviceStatus['ota']>;

/** What the operator heard from a device about one OTA command since it started (memory only). */
export interface LiveOta {
  commandId: string;
  progress?: OtaProgressPayload;
  progressAt?: Date;
  result?: OtaResultPayload;
  resultAt?: Date;
}

/** What the operator knows live about a device (from the report ingest and its OTA messages). */
export interface DeviceLive {
  /** From the last status message; undefined when never heard. */
  online?: boolean;
  fw?: string;
  imageState?: string;
  ota?: LiveOta;
}

/** How a device stands in a rollout. */
export const DeviceOutcome = {
  /** Not sent a command yet. */
  Pending: 'pending',
  /** An attempt runs, or a retry waits for its backoff. */
  InProgress: 'inProgress',
  Succeeded: 'succeeded',
  Failed: 'failed',
} as const;
/** One of the device outcomes. */
export type DeviceOutcome = (typeof DeviceOutcome)[keyof typeof DeviceOutcome];

/** The rollout a device step runs in. */
export interface StepContext {
  uid: string;
  rolloutName: string;
  version: string;
  settings: RolloutSettings;
  now: Date;
  /** False once the rollout aborted or finished: a retryable failure is final. */
  retriesAllowed: boolean;
}

/** What one step decided for one device. */
export interface DeviceStep {
  outcome: DeviceOutcome;
  /** The new status.ota to write (undefined: nothing to write). */
  ota?: DeviceOta;
  /** Progress-only change: written when the progress write interval allows, else kept in memory. */
  progressOnly?: boolean;
  /** The attempt that may be sent now (pending: 1, a due retry: the next). */
  due?: number;
  /** When this device needs another look (health check end, timeouts, retry). */
  wakeAt?: number;
  /** The attempt ended now (for Events and metrics). */
  ended?: OtaHistoryEntry;
  /** Finish time of a final outcome (for the consecutive-failure rule). */
  finishedAt?: number;
}

/** Failure reasons worth another attempt; every other one is final at once. */
export const RETRYABLE_REASONS: ReadonlySet<string> = new Set([OtaFailureReason.DownloadFailed, OtaFailureReason.Busy, OtaFailureReason.Timeout, 'no-progress']);

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const time = (text: string | undefined): number => (text ? Date.parse(text) : NaN);
const PROGRESS_ORDER: Record<string, number> = { [OtaState.Pending]: 0, [OtaState.Downloading]: 1, [OtaState.Verifying]: 2, [OtaState.Rebooting]: 3, [OtaState.PendingVerify]: 4 };
const PROGRESS_STATE: Record<OtaProgressPayload['state'], OtaState> = {
  downloading: OtaState.Downloading,
  verifying: OtaState.Verifying,
  rebooting: OtaState.Rebooting,
  'pending-verify': OtaState.PendingVerify,
};

/** True when status.ota belongs to the rollout with this uid. */
export function belongsTo(ota: DeviceOta | undefined, uid: string): ota is DeviceOta & { commandId: string } {
  return !!ota?.commandId && parseOtaCommandId(ota.commandId)?.rolloutUid === uid;
}

/** True when status.ota shows an attempt in flight or waiting for a retry (of any rollout). */
export function otaBusy(ota: DeviceOta | undefined): boolean {
  return !!ota?.state && (OTA_IN_FLIGHT_STATES.has(ota.state) || (ota.state === OtaState.Failed && ota.retryAfter !== undefined));
}

/** status.ota for a new attempt that is about to be sent (written before the command is published). */
export function attemptStarted(current: DeviceOta | undefined, ctx: StepContext, attempt: number, size: number): DeviceOta {
  const now = iso(ctx.now.getTime());
  return {
    state: OtaState.Pending,
    targetVersion: ctx.version,
    commandId: otaCommandId(ctx.uid, attempt),
    rolloutName: ctx.rolloutName,
    attempt,
    progress: 0,
    bytes: 0,
    totalBytes: size,
    startTime: now,
    updateTime: now,
    ...(current?.lastResult ? { lastResult: current.lastResult } : {}),
    ...(current?.history?.length ? { history: current.history } : {}),
  };
}

/** status.ota of a member that never got a command because it stayed offline past its timeout (final). */
export function neverSent(current: DeviceOta | undefined, ctx: StepContext, message: string): { ota: DeviceOta; entry: OtaHistoryEntry } {
  const entry: OtaHistoryEntry = { version: ctx.version, result: OtaResult.Failed, reason: 'offline', message, rolloutName: ctx.rolloutName, commandId: otaCommandId(ctx.uid, 1), time: iso(ctx.now.getTime()) };
  return {
    entry,
    ota: {
      state: OtaState.Failed,
      targetVersion: ctx.version,
      commandId: entry.commandId,
      rolloutName: ctx.rolloutName,
      attempt: 1,
      updateTime: entry.time,
      lastError: { reason: 'offline', message },
      lastResult: entry,
      history: [entry, ...(current?.history ?? [])].slice(0, OTA_HISTORY_LENGTH),
    },
  };
}

/**
 * One device of a rollout, one step (pure): folds what the device said about the current attempt (progress,
 * result, its status) into status.ota, applies the health gate (new version, marked valid, online for
 * minOnlineSeconds), the timeouts (no progress, total) and the retry rules, and says how the device stands.
 */
export function stepDevice(current: DeviceOta | undefined, live: DeviceLive, ctx: StepContext): DeviceStep {
  if (!belongsTo(current, ctx.uid)) return { outcome: DeviceOutcome.Pending, due: 1 };
  const now = ctx.now.getTime();
  const s = ctx.settings;
  const attempt = current.attempt ?? parseOtaCommandId(current.commandId)?.attempt ?? 1;
  const history = (entry: OtaHistoryEntry): OtaHistoryEntry[] => [entry, ...(current.history ?? [])].slice(0, OTA_HISTORY_LENGTH);
  const finishedAt = time(current.lastResult?.time ?? current.updateTime);

  // Final states.
  if (current.state === OtaState.Succeeded) return { outcome: DeviceOutcome.Succeeded, finishedAt };
  if (current.state === OtaState.RolledBack) return { outcome: DeviceOutcome.Failed, finishedAt };
  if (current.state === OtaState.Failed) {
    if (current.retryAfter === undefined) return { outcome: DeviceOutcome.Failed, finishedAt };
    if (!ctx.retriesAllowed) {
      const { retryAfter: _dropped, ...rest } = current;
      return { outcome: DeviceOutcome.Failed, ota: { ...rest, updateTime: iso(now) }, finishedAt: now };
    }
    const at = time(current.retryAfter);
    return at <= now ? { outcome: DeviceOutcome.InProgress, due: attempt + 1 } : { outcome: DeviceOutcome.InProgress, wakeAt: at };
  }
  if (!current.state || !OTA_IN_FLIGHT_STATES.has(current.state)) return { outcome: DeviceOutcome.Pending, due: 1 };

  const finish = (result: OtaResult, reason: string | undefined, message: string | undefined): DeviceStep => {
    const entry: OtaHistoryEntry = {
      version: ctx.version,
      result,
      ...(reason ? { reason } : {}),
      ...(message ? { message: message.slice(0, 1024) } : {}),
      rolloutName: ctx.rolloutName,
      commandId: current.commandId,
      time: iso(now),
    };
    const retry = result === OtaResult.Failed && reason !== undefined && RETRYABLE_REASONS.has(reason) && ctx.retriesAllowed && attempt < s.maxAttempts;
    const base: DeviceOta = {
      targetVersion: current.targetVersion,
      commandId: current.commandId,
      rolloutName: current.rolloutName,
      attempt,
      ...(current.totalBytes !== undefined ? { totalBytes: current.totalBytes } : {}),
      ...(current.startTime ? { startTime: current.startTime } : {}),
      updateTime: iso(now),
      lastResult: entry,
      history: history(entry),
    };
    if (result === OtaResult.Succeeded) return { outcome: DeviceOutcome.Succeeded, ota: { ...base, state: OtaState.Succeeded, progress: 100 }, ended: entry, finishedAt: now };
    const failed: DeviceOta = { ...base, state: result === OtaResult.RolledBack ? OtaState.RolledBack : OtaState.Failed, lastError: { reason: reason ?? 'failed', ...(message ? { message: message.slice(0, 1024) } : {}) } };
    if (retry) {
      const retryAt = now + Math.min(3600, s.retryBackoffSeconds * 2 ** (attempt - 1)) * 1000;
      return { outcome: DeviceOutcome.InProgress, ota: { ...failed, retryAfter: iso(retryAt) }, ended: entry, wakeAt: retryAt };
    }
    return { outcome: DeviceOutcome.Failed, ota: failed, ended: entry, finishedAt: now };
  };

  const mine = live.ota?.commandId === current.commandId ? live.ota : undefined;
  let next: DeviceOta = { ...current };

  if (mine?.result) {
    const r = mine.result;
    if (r.result === 'failed') return finish(r.reason === OtaFailureReason.Rollback ? OtaResult.RolledBack : OtaResult.Failed, r.reason, r.detail);
    if (r.version !== ctx.version) return finish(OtaResult.Failed, 'invalid-image', `the device reports success but runs ${r.version}, not ${ctx.version}`);
    if (next.state !== OtaState.HealthCheck) next = { ...next, state: OtaState.HealthCheck, progress: 100 };
  } else if (next.state !== OtaState.HealthCheck && live.online && live.fw === ctx.version && live.imageState === 'valid' && (next.state !== OtaState.Pending || mine?.progress !== undefined || time(current.startTime) < now - 1000)) {
    // The result was lost (e.g. sent while the operator restarted) but the status shows the new version marked valid.
    next = { ...next, state: OtaState.HealthCheck, progress: 100 };
  } else if (mine?.progress && next.state !== OtaState.HealthCheck) {
    const p = mine.progress;
    const state = PROGRESS_STATE[p.state];
    if (PROGRESS_ORDER[state] >= (PROGRESS_ORDER[next.state as string] ?? 0)) {
      next = { ...next, state };
      if (p.state === 'downloading') {
        const bytes = p.bytes ?? 0;
        const total = p.total ?? 0;
        next.bytes = bytes;
        next.totalBytes = total;
        next.progress = total > 0 ? Math.min(100, Math.floor((bytes * 100) / total)) : 0;
      } else {
        next.progress = 100;
        delete next.bytes;
      }
      // Download and verification steps are progress: written at most every few seconds per device.
    }
  }

  let wakeAt: number | undefined;
  const wake = (at: number) => {
    wakeAt = wakeAt === undefined ? at : Math.min(wakeAt, at);
  };
  const started = time(current.startTime);
  if (next.state === OtaState.HealthCheck) {
    // The health check's state is written like progress: a restarted operator that lost it finds the new version
    // marked valid and starts the clock again (a later success, never a false one).
    if (!live.online) delete next.healthCheckStartTime;
    else if (!next.healthCheckStartTime) next.healthCheckStartTime = iso(now);
    if (next.healthCheckStartTime) {
      const passAt = time(next.healthCheckStartTime) + s.minOnlineSeconds * 1000;
      if (passAt <= now) return finish(OtaResult.Succeeded, undefined, `runs ${ctx.version}, marked valid, online for ${s.minOnlineSeconds} s`);
      wake(passAt);
    }
  } else {
    const activity = Math.max(started, time(current.updateTime), mine?.progressAt?.getTime() ?? -Infinity);
    const stalledAt = activity + s.progressTimeoutSeconds * 1000;
    if (stalledAt <= now) return finish(OtaResult.Failed, 'no-progress', `no report from the device for ${s.progressTimeoutSeconds} s (${next.state})`);
    wake(stalledAt);
  }
  const deadline = started + s.deviceTimeoutSeconds * 1000;
  if (deadline <= now) {
    const offline = next.state === OtaState.HealthCheck && !live.online;
    return finish(OtaResult.Failed, offline ? 'offline' : 'timeout', offline ? `offline after its update for longer than the ${s.deviceTimeoutSeconds} s timeout` : `not done ${s.deviceTimeoutSeconds} s after its command`);
  }
  wake(deadline);
  const changed = JSON.stringify(next) !== JSON.stringify(current);
  if (!changed) return { outcome: DeviceOutcome.InProgress, wakeAt };
  return { outcome: DeviceOutcome.InProgress, ota: { ...next, updateTime: iso(now) }, progressOnly: true, wakeAt };
}
