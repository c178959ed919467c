import {
  ConditionStatus,
  FirmwareConditionType,
  FirmwarePhase,
  FirmwareReason,
  type FirmwareArtifact,
  type Firmware,
  type FirmwareStatus,
} from '@kubeflash/api';
import { setCondition } from '../conditions';
import type { EventIntent } from '../events';
import type { FirmwareSignature } from '../../artifacts/signing';

/**
 * Firmware status transitions, shared by the Firmware controller (pending, building, Job failures) and the
 * artifact service's upload handler (succeeded, rejected). Pure: every function returns the whole new status.
 */

/** Finalizer that keeps a Firmware until its Jobs and artifacts are gone. */
export const FIRMWARE_FINALIZER = 'kubeflash.dev/firmware-artifacts';
/** Longest status message (the log tail is cut to fit). */
export const MAX_MESSAGE = 8192;

const time = (now: Date): string => now.toISOString().replace(/\.\d+Z$/, 'Z');

/** What the phase is and why, as the conditions and the Event say it. */
export interface PhaseChange {
  phase: FirmwarePhase;
  builtReason: FirmwareReason;
  message: string;
  /** Reason of ArtifactsReady (NotBuilt unless Succeeded or SigningFailed). */
  readyReason?: FirmwareReason;
}

/** Cuts a message to MAX_MESSAGE characters, keeping its start and its end (a log tail matters most at the end). */
export function boundMessage(message: string): string {
  if (message.length <= MAX_MESSAGE) return message;
  const head = message.slice(0, 1024);
  const tail = message.slice(message.length - (MAX_MESSAGE - head.length - 40));
  return `${head}\n... (${message.length - head.length - tail.length} characters cut) ...\n${tail}`;
}

/** What a Succeeded build recorded: the stored artifacts, the app description and the signature. */
export interface BuildResult {
  artifacts: FirmwareArtifact[];
  app: FirmwareStatus['app'];
  signature: FirmwareSignature;
}

/**
 * The status after a phase change at the Firmware's current generation. `base` is kept for the fields the change
 * does not touch (artifacts of a Succeeded build are given in `result`; a new generation starts from nothing).
 */
export function statusFor(
  firmware: Firmware,
  change: PhaseChange,
  now: Date,
  extra: { jobName?: string; newBuild?: boolean; result?: BuildResult } = {},
): FirmwareStatus {
  const generation = firmware.metadata.generation ?? 1;
  const previous = firmware.status ?? {};
  const sameBuild = !extra.newBuild && previous.observedGeneration === generation;
  const terminal = change.phase === FirmwarePhase.Succeeded || change.phase === FirmwarePhase.Failed;
  const message = boundMessage(change.message);
  let conditions = setCondition(sameBuild ? previous.conditions : undefined, {
    type: FirmwareConditionType.Built,
    status: change.phase === FirmwarePhase.Succeeded ? ConditionStatus.True : ConditionStatus.False,
    reason: change.builtReason,
    message,
    observedGeneration: generation,
  }, now);
  conditions = setCondition(conditions, {
    type: FirmwareConditionType.ArtifactsReady,
    status: change.phase === FirmwarePhase.Succeeded ? ConditionStatus.True : ConditionStatus.False,
    reason: change.readyReason ?? (change.phase === FirmwarePhase.Succeeded ? FirmwareReason.Signed : FirmwareReason.NotBuilt),
    message: change.phase === FirmwarePhase.Succeeded ? `signed with key ${extra.result?.signature.keyId.slice(0, 12)}; ${extra.result?.artifacts.length} artifacts stored` : 'no verified and signed artifacts for this generation',
    observedGeneration: generation,
  }, now);
  const status: FirmwareStatus = {
    observedGeneration: generation,
    phase: change.phase,
    startTime: sameBuild && previous.startTime ? previous.startTime : time(now),
    message,
    conditions,
  };
  const jobName = extra.jobName ?? (sameBuild ? previous.jobName : undefined);
  if (jobName) status.jobName = jobName;
  if (terminal) status.completionTime = time(now);
  if (change.phase === FirmwarePhase.Succeeded && extra.result) {
    status.artifacts = extra.result.artifacts;
    status.app = extra.result.app;
    status.signature = extra.result.signature;
  }
  return status;
}

/** The Event that announces a phase change (Warning for failures). */
export function phaseEvent(change: PhaseChange): EventIntent {
  return { type: change.phase === FirmwarePhase.Failed ? 'Warning' : 'Normal', reason: change.builtReason, message: boundMessage(change.message).slice(0, 1024) };
}
