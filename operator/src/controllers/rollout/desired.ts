import { isDeepStrictEqual } from 'node:util';
import {
  ConditionStatus,
  FirmwarePhase,
  MAX_LISTED_DEVICES,
  RolloutConditionType,
  RolloutPhase,
  RolloutReason,
  WaveState,
  concurrencyLimit,
  planWaves,
  resolveTargets,
  rolloutSettings,
  splitIntoWaves,
  type Device,
  type DeviceGroup,
  type Firmware,
  type FirmwareArtifact,
  type Rollout,
  type RolloutCounts,
  type RolloutFailedDevice,
  type RolloutStatus,
  type RolloutWaveStatus,
} from '@kubeflash/api';
import { setCondition, type ConditionUpdate } from '../conditions';
import type { EventIntent } from '../events';
import { DeviceOutcome, attemptStarted, belongsTo, neverSent, stepDevice, type DeviceLive, type DeviceOta, type StepContext } from './device-step';

/** Field manager of the rollout controller's writes (Rollout status, Device status.ota). */
export const ROLLOUT_FIELD_MANAGER = 'kubeflash-rollout';
/** At most one progress-only Device status.ota write per device per this interval. */
export const PROGRESS_WRITE_INTERVAL_MS = 10_000;

const TERMINAL: ReadonlySet<string> = new Set([RolloutPhase.Succeeded, RolloutPhase.Aborted]);
/** Phases in which a Rollout holds its devices (another Rollout sends them nothing). */
export const HOLDING_PHASES: ReadonlySet<string> = new Set([RolloutPhase.Progressing, RolloutPhase.WaveApproval, RolloutPhase.Paused]);

/** Everything one decision reads (gathered by the sync from caches and memory). */
export interface RolloutInputs {
  rollout: Rollout;
  firmware: Firmware | undefined;
  /** Devices and DeviceGroups of the Rollout's namespace. */
  devices: readonly Device[];
  groups: readonly DeviceGroup[];
  live(name: string): DeviceLive;
  /** The other running Rollout that holds this device, if any. */
  heldBy(name: string): string | undefined;
  /** Why a command cannot be sent to this device now (no broker session, no download URL), if so. */
  cannotSend(device: Device): string | undefined;
  /** When status.ota of the device was last written by this process (progress writes are throttled). */
  lastWrite(name: string): number | undefined;
  now: Date;
}

/** A command to send: status.ota is written first, then the command is published. */
export interface PlannedSend {
  name: string;
  attempt: number;
  ota: DeviceOta;
}

/** What the sync must do. */
export interface RolloutDecision {
  /** The Rollout status to write (undefined: unchanged). */
  status?: RolloutStatus;
  /** Write the status before anything else and look again: the membership changed. */
  membershipFirst: boolean;
  /** Device status.ota writes (not sends). */
  deviceWrites: { name: string; ota: DeviceOta }[];
  /** Progress not written yet (throttled): kept in memory as the device's current status.ota until written. */
  deviceKeeps: { name: string; ota: DeviceOta }[];
  sends: PlannedSend[];
  events: EventIntent[];
  /** Look again at this time (ms), if nothing else wakes the rollout first. */
  wakeAt?: number;
  /** Per-state device counts and live figures, for metrics. */
  figures: RolloutFigures;
}

/** Figures of a rollout for metrics. */
export interface RolloutFigures {
  counts: RolloutCounts;
  /** Members that got the new version (health check or succeeded) and are offline now. */
  offlineAfterUpdate: number;
}

const iso = (d: Date | number): string => new Date(d).toISOString().replace(/\.\d+Z$/, 'Z');

/** The app artifact of a Firmware that can be rolled out, or why not. */
export function rolloutArtifact(firmware: Firmware | undefined, name: string): { artifact: FirmwareArtifact; signature: string; version: string } | { problem: string } {
  if (!firmware) return { problem: `Firmware ${name} does not exist` };
  const st = firmware.status;
  if (st?.phase !== FirmwarePhase.Succeeded || st.observedGeneration !== firmware.metadata.generation) return { problem: `Firmware ${name} is ${st?.phase ?? 'Pending'}, not Succeeded` };
  const artifact = st.artifacts?.find((a) => a.name === 'app');
  if (!artifact) return { problem: `Firmware ${name} has no app artifact` };
  if (!st.signature?.value) return { problem: `Firmware ${name} is not signed` };
  return { artifact, signature: st.signature.value, version: st.app?.version ?? firmware.spec.version };
}

function emptyCounts(): Required<RolloutCounts> {
  return { total: 0, pending: 0, inProgress: 0, succeeded: 0, failed: 0, skipped: 0 };
}

/**
 * The decision for one Rollout (pure): resolve targets and preview the waves before the start; fix the waves at
 * the start; then step every member device, complete waves, apply pauses, approvals and the abort criteria, and
 * pick the commands to send within maxConcurrent.
 */
export function decideRollout(inputs: RolloutInputs): RolloutDecision {
  const { rollout, now } = inputs;
  const spec = rollout.spec;
  const settings = rolloutSettings(spec);
  const current = rollout.status ?? {};
  const status: RolloutStatus = { ...current, observedGeneration: rollout.metadata.generation };
  const events: EventIntent[] = [];
  const deviceWrites: { name: string; ota: DeviceOta }[] = [];
  const deviceKeeps: { name: string; ota: DeviceOta }[] = [];
  const sends: PlannedSend[] = [];
  let wakeAt: number | undefined;
  const wake = (at: number | undefined) => {
    if (at !== undefined && Number.isFinite(at)) wakeAt = wakeAt === undefined ? at : Math.min(wakeAt, at);
  };
  let conditions = status.conditions ?? [];
  const condition = (update: Omit<ConditionUpdate, 'observedGeneration'>) => {
    conditions = setCondition(conditions, { ...update, observedGeneration: rollout.metadata.generation }, now);
  };
  const figures: RolloutFigures = { counts: emptyCounts(), offlineAfterUpdate: 0 };
  const finish = (): RolloutDecision => {
    status.conditions = conditions;
    const before = current.phase;
    if (status.phase !== before) {
      const warning = status.phase === RolloutPhase.Aborted;
      const reason = conditions.find((c) => c.type === (status.phase === RolloutPhase.Aborted ? RolloutConditionType.Aborted : status.phase === RolloutPhase.Succeeded ? RolloutConditionType.Succeeded : status.phase === RolloutPhase.Paused || status.phase === RolloutPhase.WaveApproval ? RolloutConditionType.Paused : RolloutConditionType.Progressing))?.reason;
      if (reason) events.push({ type: warning ? 'Warning' : 'Normal', reason, message: status.message ?? status.phase ?? '' });
    }
    return { status: isDeepStrictEqual(status, rollout.status) ? undefined : status, membershipFirst: false, deviceWrites, deviceKeeps, sends, events, wakeAt, figures };
  };
  const byName = new Map(inputs.devices.map((d) => [d.metadata.name ?? '', d]));
  const artifact = rolloutArtifact(inputs.firmware, spec.firmwareRef.name);
  const started = (current.waves?.length ?? 0) > 0;

  // Terminal phases stay; members whose attempt is still in flight keep being followed (never retried).
  if (current.phase && TERMINAL.has(current.phase)) {
    if (started && 'artifact' in artifact) followMembers(false);
    return finish();
  }
  if (spec.abort) {
    abort(RolloutReason.AbortedByUser, 'spec.abort was set');
    if (started && 'artifact' in artifact) followMembers(false);
    return finish();
  }
  if ('problem' in artifact) {
    status.phase = started ? current.phase : RolloutPhase.Pending;
    status.message = `${artifact.problem}; nothing is sent until it is Succeeded (built, signed and stored)`;
    condition({ type: RolloutConditionType.Progressing, status: ConditionStatus.False, reason: RolloutReason.FirmwareNotReady, message: status.message });
    return finish();
  }
  const version = artifact.version;
  status.targetVersion = version;
  const deviceClass = inputs.firmware?.spec.deviceClassRef.name ?? '';

  // Targets (at the start; later only for dynamic rollouts).
  const targets = resolveTargets(spec, deviceClass, inputs.devices, inputs.groups);
  const runsVersion = (d: Device) => {
    const live = inputs.live(d.metadata.name ?? '');
    const fw = live.fw ?? d.status?.reported?.firmwareVersion;
    const image = live.imageState ?? d.status?.reported?.imageState;
    return fw === version && image !== 'pending-verify';
  };
  const conflicts: { device: string; rollout: string }[] = [];
  const members = new Set((current.waves ?? []).flatMap((w) => w.devices));
  const skipped = new Set(current.skippedDevices ?? []);
  const fresh: string[] = [];
  for (const d of targets) {
    const name = d.metadata.name ?? '';
    if (members.has(name) || skipped.has(name)) continue;
    const other = inputs.heldBy(name);
    if (other) {
      conflicts.push({ device: name, rollout: other });
      continue;
    }
    if (!started && runsVersion(d)) {
      skipped.add(name);
      continue;
    }
    fresh.push(name);
  }
  status.conflicts = conflicts.slice(0, MAX_LISTED_DEVICES);
  if (status.conflicts.length === 0) delete status.conflicts;
  if (conflicts.length > 0) {
    const others = [...new Set(conflicts.map((c) => c.rollout))];
    condition({ type: RolloutConditionType.TargetConflict, status: ConditionStatus.True, reason: RolloutReason.DevicesHeldByOtherRollout, message: `${conflicts.length} targeted device(s) are held by running Rollout ${others.slice(0, 5).join(', ')} and are sent nothing (e.g. ${conflicts[0].device})` });
  } else {
    condition({ type: RolloutConditionType.TargetConflict, status: ConditionStatus.False, reason: RolloutReason.NoConflict, message: 'no targeted device is held by another Rollout' });
  }

  if (!started) {
    status.plan = { total: fresh.length, skipped: skipped.size, conflicting: conflicts.length, waves: planWaves(fresh, settings.waves), time: iso(now) };
    status.currentWave = 0;
    status.counts = { ...emptyCounts(), total: fresh.length, pending: fresh.length, skipped: skipped.size };
    figures.counts = status.counts;
    if (fresh.length === 0 && skipped.size === 0) {
      status.phase = RolloutPhase.Pending;
      status.message = `no Device of DeviceClass ${deviceClass} matches the targets${conflicts.length ? ' outside other running Rollouts' : ''}`;
      condition({ type: RolloutConditionType.Progressing, status: ConditionStatus.False, reason: RolloutReason.NoDevicesMatched, message: status.message });
      delete status.plan.time;
      return finish();
    }
    if (spec.dryRun) {
      status.phase = RolloutPhase.Planned;
      status.message = `dry run: ${fresh.length} device(s) in ${settings.waves.length} wave(s), ${skipped.size} already on ${version}; set spec.dryRun to false to start`;
      condition({ type: RolloutConditionType.Progressing, status: ConditionStatus.False, reason: RolloutReason.DryRun, message: status.message });
      // The plan's time changes every pass: keep the stored one while nothing else changed.
      if (current.plan && isDeepStrictEqual({ ...current.plan, time: undefined }, { ...status.plan, time: undefined })) status.plan.time = current.plan.time;
      return finish();
    }
    if (spec.paused) {
      status.phase = RolloutPhase.Paused;
      status.message = 'paused before the first wave; set spec.paused to false to start';
      condition({ type: RolloutConditionType.Paused, status: ConditionStatus.True, reason: RolloutReason.PausedByUser, message: status.message });
      condition({ type: RolloutConditionType.Progressing, status: ConditionStatus.False, reason: RolloutReason.PausedByUser, message: status.message });
      if (current.plan && isDeepStrictEqual({ ...current.plan, time: undefined }, { ...status.plan, time: undefined })) status.plan.time = current.plan.time;
      return finish();
    }
    // Start: fix the waves (written before any command, so a restart sends to the same devices).
    status.waves = splitIntoWaves(fresh, settings.waves).map((devices, i) => ({ wave: i + 1, state: WaveState.Pending, devices }));
    status.skippedDevices = [...skipped].sort();
    status.startTime = iso(now);
    status.phase = RolloutPhase.Progressing;
    status.currentWave = 1;
    status.message = `started: ${fresh.length} device(s) in ${settings.waves.length} wave(s), ${skipped.size} already on ${version}`;
    condition({ type: RolloutConditionType.Progressing, status: ConditionStatus.True, reason: RolloutReason.WaveInProgress, message: status.message });
    condition({ type: RolloutConditionType.Paused, status: ConditionStatus.False, reason: RolloutReason.Resumed, message: 'not paused' });
    const decision = finish();
    return { ...decision, status, membershipFirst: true };
  }

  // Dynamic rollouts: devices that match now join the last open wave.
  const waves: RolloutWaveStatus[] = (current.waves ?? []).map((w) => ({ ...w, devices: [...w.devices] }));
  const last = waves[waves.length - 1];
  if (spec.dynamic && fresh.length > 0 && last.state !== WaveState.Completed) {
    last.devices.push(...fresh.sort());
    status.waves = waves;
    status.message = `${fresh.length} device(s) started matching and joined wave ${last.wave}`;
    const decision = finish();
    return { ...decision, status, membershipFirst: true };
  }

  followMembers(true);
  return finish();

  function abort(reason: string, why: string): void {
    status.phase = RolloutPhase.Aborted;
    status.abortReason = why;
    status.message = `aborted: ${why}; nothing new is sent`;
    status.completionTime ??= iso(now);
    condition({ type: RolloutConditionType.Aborted, status: ConditionStatus.True, reason, message: status.message });
    condition({ type: RolloutConditionType.Progressing, status: ConditionStatus.False, reason, message: status.message });
  }

  /** Steps every member; when `active`, completes waves, applies the gates and the abort criteria and picks sends. */
  function followMembers(active: boolean): void {
    if (!('artifact' in artifact)) return;
    const ctx: StepContext = { uid: rollout.metadata.uid ?? '', rolloutName: rollout.metadata.name ?? '', version: artifact.version, settings, now, retriesAllowed: active };
    const ws: RolloutWaveStatus[] = (status.waves ?? current.waves ?? []).map((w) => ({ ...w }));
    const totals = emptyCounts();
    totals.skipped = (status.skippedDevices ?? current.skippedDevices ?? []).length;
    const failedList: RolloutFailedDevice[] = [];
    const finishes: { at: number; failed: boolean }[] = [];
    const pendingByWave: { name: string; due: number }[][] = ws.map(() => []);
    const dueRetries: { name: string; due: number }[] = [];
    const nowMs = now.getTime();
    for (const [wi, wave] of ws.entries()) {
      const counts = { ...emptyCounts(), total: wave.devices.length };
      for (const name of wave.devices) {
        const device = byName.get(name);
        const ota = device?.status?.ota;
        const live = inputs.live(name);
        let step = stepDevice(ota, live, ctx);
        // A member never sent a command that stays offline past the timeout of its running wave fails as offline.
        if (step.outcome === DeviceOutcome.Pending) {
          const waveStart = wave.startTime ? Date.parse(wave.startTime) : NaN;
          const gone = !device || device.metadata.deletionTimestamp;
          const offline = live.online !== true;
          if (wave.state === WaveState.Running && (gone || (offline && waveStart + settings.deviceTimeoutSeconds * 1000 <= nowMs))) {
            const made = neverSent(ota, ctx, gone ? 'the Device was deleted' : `offline for the whole ${settings.deviceTimeoutSeconds} s timeout after wave ${wave.wave} started; never sent`);
            if (device && !gone) deviceWrites.push({ name, ota: made.ota });
            step = { outcome: DeviceOutcome.Failed, ended: made.entry, finishedAt: nowMs };
            events.push({ type: 'Warning', reason: RolloutReason.DeviceFailed, message: `Device ${name}: ${made.entry.message}` });
          } else if (wave.state === WaveState.Running && offline) {
            wake(waveStart + settings.deviceTimeoutSeconds * 1000);
          }
        }
        if (step.ota && device) {
          const lastWrite = inputs.lastWrite(name) ?? (ota?.updateTime ? Date.parse(ota.updateTime) : -Infinity);
          if (!step.progressOnly || nowMs - lastWrite >= PROGRESS_WRITE_INTERVAL_MS) deviceWrites.push({ name, ota: step.ota });
          else {
            deviceKeeps.push({ name, ota: step.ota });
            wake(lastWrite + PROGRESS_WRITE_INTERVAL_MS);
          }
        }
        if (step.ended && step.outcome === DeviceOutcome.Failed && step.ota) {
          events.push({ type: 'Warning', reason: RolloutReason.DeviceFailed, message: `Device ${name} failed: ${step.ended.reason ?? 'failed'}${step.ended.message ? ` (${step.ended.message})` : ''}` });
        }
        wake(step.wakeAt);
        counts[step.outcome]++;
        if (step.outcome === DeviceOutcome.Pending) pendingByWave[wi].push({ name, due: step.due ?? 1 });
        if (step.outcome === DeviceOutcome.InProgress && step.due !== undefined) dueRetries.push({ name, due: step.due });
        if (step.outcome === DeviceOutcome.Succeeded || step.outcome === DeviceOutcome.Failed) finishes.push({ at: step.finishedAt ?? nowMs, failed: step.outcome === DeviceOutcome.Failed });
        if (step.outcome === DeviceOutcome.Failed) {
          const o = step.ota ?? ota;
          failedList.push({ name, reason: o?.lastError?.reason ?? o?.lastResult?.reason ?? 'failed', ...(o?.lastError?.message ? { message: o.lastError.message } : {}), attempts: o?.attempt ?? 1, ...(o?.updateTime ? { time: o.updateTime } : {}) });
        }
        const newState = step.ota?.state ?? ota?.state;
        if (belongsTo(step.ota ?? ota, ctx.uid) && live.online === false && (newState === 'HealthCheck' || newState === 'Succeeded')) figures.offlineAfterUpdate++;
      }
      wave.counts = counts;
      for (const k of ['pending', 'inProgress', 'succeeded', 'failed'] as const) totals[k] += counts[k];
      totals.total += counts.total;
      // A wave completes when every device finished; an empty one only in its turn (so pauses count from real waves).
      const inTurn = ws.slice(0, wi).every((w) => w.state === WaveState.Completed);
      if (wave.state !== WaveState.Completed && counts.pending === 0 && counts.inProgress === 0 && (wave.state === WaveState.Running || (counts.total === 0 && inTurn && active))) {
        wave.state = WaveState.Completed;
        wave.startTime ??= iso(now);
        wave.completionTime = iso(now);
        status.waveCompletionTime = wave.completionTime;
      }
    }
    status.waves = ws;
    status.counts = totals;
    figures.counts = totals;
    status.failedDevices = failedList.sort((a, b) => (a.time ?? '').localeCompare(b.time ?? '')).slice(0, MAX_LISTED_DEVICES);
    if (status.failedDevices.length === 0) delete status.failedDevices;
    status.plan = { total: totals.total, skipped: totals.skipped, conflicting: status.conflicts?.length ?? 0, waves: ws.map((w) => ({ wave: w.wave, percent: settings.waves[w.wave - 1] ?? 100, devices: w.devices.length, ...(w.devices.length ? { firstDevices: w.devices.slice(0, 10) } : {}) })) };
    if (!active) return;

    // Abort criteria: overall, within the current wave, and a streak of failures.
    const judge = (c: { succeeded: number; failed: number }) => {
      const finished = c.succeeded + c.failed;
      return finished >= settings.minFinished && c.failed * 100 > settings.failurePercent * finished;
    };
    const open = ws.find((w) => w.state !== WaveState.Completed);
    const lastDone = [...ws].reverse().find((w) => w.state === WaveState.Completed);
    let streak = 0;
    for (const f of finishes.sort((a, b) => b.at - a.at)) {
      if (!f.failed) break;
      streak++;
    }
    const failedNames = (status.failedDevices ?? []).slice(0, 5).map((f) => `${f.name} (${f.reason})`).join(', ');
    if (settings.failurePercent < 100 && judge(totals)) {
      abort(RolloutReason.FailureThresholdExceeded, `${totals.failed} of ${totals.succeeded + totals.failed} finished devices failed, more than ${settings.failurePercent}%: ${failedNames}`);
      return;
    }
    const waveNow = open ?? lastDone;
    if (settings.failurePercent < 100 && waveNow?.counts && judge({ succeeded: waveNow.counts.succeeded ?? 0, failed: waveNow.counts.failed ?? 0 })) {
      abort(RolloutReason.FailureThresholdExceeded, `${waveNow.counts.failed} of ${(waveNow.counts.succeeded ?? 0) + (waveNow.counts.failed ?? 0)} finished devices of wave ${waveNow.wave} failed, more than ${settings.failurePercent}%: ${failedNames}`);
      return;
    }
    if (settings.consecutiveFailures > 0 && streak >= settings.consecutiveFailures) {
      abort(RolloutReason.ConsecutiveFailures, `${streak} devices failed in a row: ${failedNames}`);
      return;
    }

    if (!open) {
      status.phase = RolloutPhase.Succeeded;
      status.currentWave = ws.length;
      status.completionTime ??= iso(now);
      status.message = `every wave finished: ${totals.succeeded} succeeded, ${totals.failed} failed, ${totals.skipped} already on ${ctx.version}`;
      condition({ type: RolloutConditionType.Succeeded, status: ConditionStatus.True, reason: RolloutReason.AllWavesCompleted, message: status.message });
      condition({ type: RolloutConditionType.Progressing, status: ConditionStatus.False, reason: RolloutReason.AllWavesCompleted, message: status.message });
      return;
    }
    status.currentWave = open.wave;
    if (spec.paused) {
      status.phase = RolloutPhase.Paused;
      status.message = `paused in wave ${open.wave}: no new commands; ${totals.inProgress} update(s) in flight finish`;
      condition({ type: RolloutConditionType.Paused, status: ConditionStatus.True, reason: RolloutReason.PausedByUser, message: status.message });
      condition({ type: RolloutConditionType.Progressing, status: ConditionStatus.False, reason: RolloutReason.PausedByUser, message: status.message });
      return;
    }
    condition({ type: RolloutConditionType.Paused, status: ConditionStatus.False, reason: RolloutReason.Resumed, message: 'not paused' });
    if (open.state === WaveState.Pending) {
      const previousDone = lastDone?.completionTime ? Date.parse(lastDone.completionTime) : undefined;
      if (open.wave > 1 && previousDone !== undefined && settings.pauseSeconds > 0 && previousDone + settings.pauseSeconds * 1000 > nowMs) {
        status.phase = RolloutPhase.Progressing;
        status.message = `wave ${open.wave - 1} finished; wave ${open.wave} starts after the ${settings.pauseSeconds} s pause`;
        condition({ type: RolloutConditionType.Progressing, status: ConditionStatus.True, reason: RolloutReason.WavePause, message: status.message });
        wake(previousDone + settings.pauseSeconds * 1000);
        return;
      }
      if (open.wave > 1 && settings.pauseApproval && (spec.approvedWave ?? 0) < open.wave) {
        status.phase = RolloutPhase.WaveApproval;
        status.message = `wave ${open.wave - 1} finished; wave ${open.wave} waits for approval (set spec.approvedWave to ${open.wave})`;
        condition({ type: RolloutConditionType.Paused, status: ConditionStatus.True, reason: RolloutReason.AwaitingApproval, message: status.message });
        condition({ type: RolloutConditionType.Progressing, status: ConditionStatus.False, reason: RolloutReason.AwaitingApproval, message: status.message });
        return;
      }
      open.state = WaveState.Running;
      open.startTime = iso(now);
      if (open.wave > 1) events.push({ type: 'Normal', reason: RolloutReason.WaveCompleted, message: `wave ${open.wave - 1} finished; wave ${open.wave} started with ${open.devices.length} device(s)` });
    }
    status.phase = RolloutPhase.Progressing;

    // Sends: due retries first (they hold a slot already), then pending devices of the open wave, within maxConcurrent.
    const blocked: string[] = [];
    const start = (name: string, attempt: number): boolean => {
      const device = byName.get(name);
      if (!device || inputs.live(name).online !== true) return false;
      const why = inputs.cannotSend(device);
      if (why) {
        blocked.push(`${name}: ${why}`);
        return false;
      }
      const ota = attemptStarted(device.status?.ota, ctx, attempt, artifact.artifact.size);
      sends.push({ name, attempt, ota });
      return true;
    };
    for (const r of dueRetries) start(r.name, r.due);
    let budget = concurrencyLimit(settings.maxConcurrent, totals.total) - totals.inProgress;
    for (const p of pendingByWave[open.wave - 1]) {
      if (budget <= 0) break;
      if (start(p.name, p.due)) budget--;
    }
    totals.inProgress += sends.filter((s) => s.attempt === 1).length;
    totals.pending -= sends.filter((s) => s.attempt === 1).length;
    if (open.counts) {
      const firsts = sends.filter((s) => s.attempt === 1 && open.devices.includes(s.name)).length;
      open.counts = { ...open.counts, inProgress: (open.counts.inProgress ?? 0) + firsts, pending: (open.counts.pending ?? 0) - firsts };
    }
    status.message = `wave ${open.wave} of ${ws.length}: ${totals.succeeded} succeeded, ${totals.inProgress} in progress, ${totals.failed} failed, ${totals.pending} pending`;
    if (blocked.length > 0) {
      status.message += `; cannot send to ${blocked.length} device(s): ${blocked.slice(0, 3).join('; ')}`;
      condition({ type: RolloutConditionType.Progressing, status: ConditionStatus.True, reason: RolloutReason.CannotSend, message: status.message });
    } else {
      condition({ type: RolloutConditionType.Progressing, status: ConditionStatus.True, reason: RolloutReason.WaveInProgress, message: `wave ${open.wave} of ${ws.length} in progress` });
    }
  }
}
