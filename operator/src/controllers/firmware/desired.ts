import type { V1Job } from '@kubernetes/client-node';
import { FirmwarePhase, FirmwareReason, type DeviceClass, type Firmware, type FirmwareStatus } from '@kubeflash/api';
import type { EventIntent } from '../events';
import { buildJobName, desiredBuildJob, GENERATION_LABEL, type BuilderSettings } from './job';
import { FIRMWARE_FINALIZER, phaseEvent, statusFor, type PhaseChange } from './status';

/** Everything the Firmware controller reads for one Firmware. */
export interface FirmwareInputs {
  firmware: Firmware;
  deviceClass: DeviceClass | undefined;
  /** Build Jobs labelled with this Firmware (any generation). */
  jobs: readonly V1Job[];
  /** The end of the failed build pod's log, when a Job failed (gathered only then). */
  logTail?: string;
  settings: BuilderSettings;
  /** How long a build Job may exist without starting before the Firmware fails. */
  startTimeoutMs: number;
}

/** What to write for one Firmware. */
export interface FirmwareDecision {
  addFinalizer?: boolean;
  status?: FirmwareStatus;
  /** The build Job to create (with its token Secret, created after it). */
  createJob?: V1Job;
  /** Names of Jobs to delete (other generations, or a Job that never started). */
  deleteJobs: string[];
  events: EventIntent[];
  /** Look again after this long (a Job that has not started yet). */
  requeueAfterMs?: number;
}

const generationOf = (job: V1Job): number => Number(job.metadata?.labels?.[GENERATION_LABEL]);
const jobCondition = (job: V1Job, type: string) => job.status?.conditions?.find((c) => c.type === type && c.status === 'True');

/**
 * Decides a Firmware's status, Jobs and Events (pure). A new generation (any spec change) starts over: the Jobs of
 * other generations are deleted (a running build is cancelled), artifacts are dropped, and a git source gets a
 * new build Job while an upload source waits for an upload. Terminal phases of the current generation are left
 * alone; the upload handler writes Succeeded (and upload rejections), this function writes everything else.
 */
export function desiredFirmware(inputs: FirmwareInputs, now: Date): FirmwareDecision {
  const { firmware } = inputs;
  const name = firmware.metadata.name ?? '';
  const generation = firmware.metadata.generation ?? 1;
  const decision: FirmwareDecision = { deleteJobs: [], events: [] };
  if (!(firmware.metadata.finalizers ?? []).includes(FIRMWARE_FINALIZER)) decision.addFinalizer = true;
  decision.deleteJobs = inputs.jobs.filter((j) => generationOf(j) !== generation).map((j) => j.metadata?.name ?? '');
  const status = firmware.status ?? {};
  const git = firmware.spec.source.git;
  const change = (c: PhaseChange, extra: Parameters<typeof statusFor>[3] = {}): void => {
    decision.status = statusFor(firmware, c, now, extra);
    decision.events.push(phaseEvent(c));
  };

  if (status.observedGeneration !== generation) {
    if (!inputs.deviceClass) {
      change({ phase: FirmwarePhase.Failed, builtReason: FirmwareReason.InvalidSpec, message: `DeviceClass ${firmware.spec.deviceClassRef.name} does not exist in namespace ${firmware.metadata.namespace}` }, { newBuild: true });
      return decision;
    }
    if (!git) {
      change({
        phase: FirmwarePhase.Pending,
        builtReason: FirmwareReason.AwaitingUpload,
        message: `waiting for an upload of version ${firmware.spec.version}: kubeflash firmware upload ${name} -n ${firmware.metadata.namespace} --build-dir <ESP-IDF build folder>`,
      }, { newBuild: true });
      return decision;
    }
    const jobName = buildJobName(name, generation);
    if (!inputs.jobs.some((j) => j.metadata?.name === jobName)) decision.createJob = desiredBuildJob(firmware, inputs.deviceClass.spec.chip, inputs.settings);
    change({ phase: FirmwarePhase.Pending, builtReason: FirmwareReason.BuildPending, message: `build Job ${jobName} created; waiting for it to start` }, { newBuild: true, jobName });
    decision.requeueAfterMs = inputs.startTimeoutMs;
    return decision;
  }

  if (!git || status.phase === FirmwarePhase.Succeeded || status.phase === FirmwarePhase.Failed) return decision;
  const jobName = buildJobName(name, generation);
  const job = inputs.jobs.find((j) => j.metadata?.name === jobName);
  if (!job) {
    change({ phase: FirmwarePhase.Failed, builtReason: FirmwareReason.BuildFailed, message: `build Job ${jobName} was deleted before it finished` });
    return decision;
  }
  const failed = jobCondition(job, 'Failed');
  if (failed) {
    const timedOut = failed.reason === 'DeadlineExceeded';
    const what = timedOut
      ? `build Job ${jobName} passed its deadline of ${firmware.spec.builder?.timeoutSeconds ?? 3600}s (spec.builder.timeoutSeconds)`
      : `build Job ${jobName} failed: ${failed.reason ?? 'Failed'}${failed.message ? `: ${failed.message}` : ''}`;
    change({
      phase: FirmwarePhase.Failed,
      builtReason: timedOut ? FirmwareReason.BuildTimedOut : FirmwareReason.BuildFailed,
      message: inputs.logTail ? `${what}\n--- end of the build log ---\n${inputs.logTail}` : what,
    });
    return decision;
  }
  if (jobCondition(job, 'Complete')) {
    change({ phase: FirmwarePhase.Failed, builtReason: FirmwareReason.NothingUploaded, message: `build Job ${jobName} completed, but no build was uploaded for generation ${generation}` });
    return decision;
  }
  // The Job controller sets startTime and counts pending pods as active on its first sync, before any pod can run
  // (an image that cannot be pulled stays Pending): a build has started once a pod is ready or has finished.
  const s = job.status;
  const started = (s?.ready ?? 0) > 0 || (s?.succeeded ?? 0) > 0 || (s?.failed ?? 0) > 0 || (s?.uncountedTerminatedPods?.succeeded?.length ?? 0) + (s?.uncountedTerminatedPods?.failed?.length ?? 0) > 0;
  if (started) {
    if (status.phase !== FirmwarePhase.Building) change({ phase: FirmwarePhase.Building, builtReason: FirmwareReason.Building, message: `build Job ${jobName} is running` });
    return decision;
  }
  const created = job.metadata?.creationTimestamp ? new Date(job.metadata.creationTimestamp).getTime() : now.getTime();
  const waited = now.getTime() - created;
  if (waited >= inputs.startTimeoutMs) {
    decision.deleteJobs.push(jobName);
    change({
      phase: FirmwarePhase.Failed,
      builtReason: FirmwareReason.BuildTimedOut,
      message: `build Job ${jobName} did not start within ${Math.round(inputs.startTimeoutMs / 1000)}s (no pod ran: check the builder image, image pull secrets and the cluster's capacity)`,
    });
    return decision;
  }
  decision.requeueAfterMs = inputs.startTimeoutMs - waited;
  return decision;
}
