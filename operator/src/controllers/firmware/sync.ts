import { ApiException, type V1Job } from '@kubernetes/client-node';
import { FirmwarePhase, FirmwareReason, type DeviceClass, type Firmware } from '@kubeflash/api';
import { MANAGED_BY_LABEL } from '../../config/secret';
import { UPLOAD_TOKEN_LABEL, newUploadToken } from '../../artifacts/upload/token';
import type { CacheReader } from '../caches';
import type { Requeue } from '../../manager/workqueue';
import type { Logger } from '../../manager/logger';
import type { FirmwareApi } from './api';
import { desiredFirmware } from './desired';
import { FIRMWARE_LABEL, GENERATION_LABEL, buildJobName, uploadTokenSecretName, type BuilderSettings } from './job';
import { FIRMWARE_FINALIZER } from './status';

/** What one Firmware reconcile needs. */
export interface FirmwareSyncDeps {
  firmwares: CacheReader<Firmware>;
  classes: CacheReader<DeviceClass>;
  jobs: CacheReader<V1Job>;
  api: FirmwareApi;
  settings: BuilderSettings;
  startTimeoutMs: number;
  /** Removes the artifacts of a deleted Firmware that no other Firmware uses (the artifact store's part). */
  releaseArtifacts(firmware: Firmware): Promise<void>;
  now?: () => Date;
  logger?: Logger;
}

const LOG_TAIL_LINES = 40;

/** Reconciles one Firmware key (`namespace/name`): gather → decide → apply. */
export async function syncFirmware(deps: FirmwareSyncDeps, key: string): Promise<Requeue | undefined> {
  const [namespace, name] = key.split('/');
  const firmware = deps.firmwares.get(namespace, name);
  if (!firmware) return undefined;
  const now = (deps.now ?? (() => new Date()))();
  const jobs = deps.jobs.list(namespace).filter((j) => j.metadata?.labels?.[FIRMWARE_LABEL] === name);

  if (firmware.metadata.deletionTimestamp) {
    if (!(firmware.metadata.finalizers ?? []).includes(FIRMWARE_FINALIZER)) return undefined;
    for (const j of jobs) await deps.api.deleteJob(namespace, j.metadata?.name ?? '');
    await deps.api.deleteSecrets(namespace, `${UPLOAD_TOKEN_LABEL}=${name}`);
    await deps.releaseArtifacts(firmware);
    await deps.api.setFinalizers(firmware, (firmware.metadata.finalizers ?? []).filter((f) => f !== FIRMWARE_FINALIZER));
    deps.logger?.info('firmware: deleted with its Jobs and artifacts', { key, jobs: jobs.length });
    return undefined;
  }

  const generation = firmware.metadata.generation ?? 1;
  const current = jobs.find((j) => j.metadata?.name === buildJobName(name, generation));
  const jobFailed = current?.status?.conditions?.some((c) => c.type === 'Failed' && c.status === 'True');
  const activePhase = firmware.status?.observedGeneration === generation && (firmware.status.phase === FirmwarePhase.Pending || firmware.status.phase === FirmwarePhase.Building);
  const logTail = jobFailed && activePhase ? await deps.api.failedPodLogTail(namespace, current?.metadata?.name ?? '', LOG_TAIL_LINES) : undefined;

  const decision = desiredFirmware(
    { firmware, deviceClass: deps.classes.get(namespace, firmware.spec.deviceClassRef.name), jobs, logTail, settings: deps.settings, startTimeoutMs: deps.startTimeoutMs },
    now,
  );

  if (decision.addFinalizer) {
    await deps.api.setFinalizers(firmware, [...(firmware.metadata.finalizers ?? []), FIRMWARE_FINALIZER]);
    // The finalizer write changed resourceVersion: the watch brings the Firmware back, and this runs again.
    return undefined;
  }
  for (const job of decision.deleteJobs) await deps.api.deleteJob(namespace, job);
  if (decision.createJob) {
    let job: V1Job;
    try {
      job = await deps.api.createJob(decision.createJob);
    } catch (err) {
      // Created by an earlier run that stopped before writing status: adopt it.
      if (!(err instanceof ApiException && err.code === 409)) throw err;
      job = decision.createJob;
    }
    if (job.metadata?.uid) {
      const jobName = job.metadata.name ?? '';
      const owner = { apiVersion: 'batch/v1', kind: 'Job', name: jobName, uid: job.metadata.uid, controller: true, blockOwnerDeletion: true };
      const { secret } = newUploadToken(namespace, name, generation, owner, uploadTokenSecretName(jobName));
      secret.metadata = { ...secret.metadata, labels: { ...secret.metadata?.labels, [GENERATION_LABEL]: String(generation), [MANAGED_BY_LABEL]: secret.metadata?.labels?.[MANAGED_BY_LABEL] ?? '' } };
      try {
        await deps.api.createSecret(secret);
      } catch (err) {
        if (!(err instanceof ApiException && err.code === 409)) throw err;
      }
    }
  }
  if (decision.status) {
    if (decision.status.phase === FirmwarePhase.Failed && decision.status.conditions?.some((c) => c.reason === FirmwareReason.NothingUploaded)) {
      // The upload lands in status just before the Job completes; this cache may not have seen it yet.
      const fresh = await deps.api.get(namespace, name);
      if (fresh?.status?.observedGeneration === generation && fresh.status.phase === FirmwarePhase.Succeeded) return undefined;
    }
    await deps.api.replaceStatus(firmware, decision.status);
    for (const e of decision.events) await deps.api.event(firmware, e, now);
  }
  return decision.requeueAfterMs !== undefined ? { requeueAfterMs: decision.requeueAfterMs } : undefined;
}
