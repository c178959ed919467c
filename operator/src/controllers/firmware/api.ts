import { randomBytes } from 'node:crypto';
import { ApiException, BatchV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig, type V1Job, type V1Secret } from '@kubernetes/client-node';
import { API_VERSION, FirmwareResource, GROUP, VERSION, type Firmware, type FirmwareStatus } from '@kubeflash/api';
import { buildEvent, type EventIntent } from '../events';

/** Every API call around Firmware objects, behind one interface (the controller and the upload handler). */
export interface FirmwareApi {
  get(namespace: string, name: string): Promise<Firmware | undefined>;
  /** Replaces the status; the Firmware's resourceVersion guards it (409 when it changed meanwhile). */
  replaceStatus(firmware: Firmware, status: FirmwareStatus): Promise<Firmware>;
  /** Sets metadata.finalizers (guarded by resourceVersion). */
  setFinalizers(firmware: Firmware, finalizers: string[]): Promise<void>;
  createJob(job: V1Job): Promise<V1Job>;
  /** Deletes a Job and its pods (no error when it is gone). */
  deleteJob(namespace: string, name: string): Promise<void>;
  createSecret(secret: V1Secret): Promise<void>;
  /** Deletes Secrets by label selector (upload tokens of a deleted Firmware). */
  deleteSecrets(namespace: string, labelSelector: string): Promise<void>;
  /** The last lines of the failed container of a Job's newest pod, or undefined when there is none. */
  failedPodLogTail(namespace: string, jobName: string, lines: number): Promise<string | undefined>;
  event(firmware: Firmware, intent: EventIntent, now: Date): Promise<void>;
}

const gone = (err: unknown): boolean => err instanceof ApiException && err.code === 404;

/** The FirmwareApi of a real cluster. */
export function kubeFirmwareApi(kubeConfig: KubeConfig): FirmwareApi {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const batch = kubeConfig.makeApiClient(BatchV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const target = (namespace: string, name: string) => ({ group: GROUP, version: VERSION, plural: FirmwareResource.plural, namespace, name });
  return {
    async get(namespace, name) {
      try {
        return (await custom.getNamespacedCustomObject(target(namespace, name))) as Firmware;
      } catch (err) {
        if (gone(err)) return undefined;
        throw err;
      }
    },
    async replaceStatus(firmware, status) {
      const body = { apiVersion: API_VERSION, kind: FirmwareResource.kind, metadata: firmware.metadata, spec: firmware.spec, status };
      return (await custom.replaceNamespacedCustomObjectStatus({ ...target(firmware.metadata.namespace ?? '', firmware.metadata.name ?? ''), body })) as Firmware;
    },
    async setFinalizers(firmware, finalizers) {
      await custom.patchNamespacedCustomObject(
        { ...target(firmware.metadata.namespace ?? '', firmware.metadata.name ?? ''), body: { metadata: { finalizers, resourceVersion: firmware.metadata.resourceVersion } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    },
    async createJob(job) {
      return batch.createNamespacedJob({ namespace: job.metadata?.namespace ?? '', body: job });
    },
    async deleteJob(namespace, name) {
      try {
        await batch.deleteNamespacedJob({ namespace, name, propagationPolicy: 'Background' });
      } catch (err) {
        if (!gone(err)) throw err;
      }
    },
    async createSecret(secret) {
      await core.createNamespacedSecret({ namespace: secret.metadata?.namespace ?? '', body: secret });
    },
    async deleteSecrets(namespace, labelSelector) {
      await core.deleteCollectionNamespacedSecret({ namespace, labelSelector });
    },
    async failedPodLogTail(namespace, jobName, lines) {
      const pods = (await core.listNamespacedPod({ namespace, labelSelector: `job-name=${jobName}` })).items;
      const pod = pods.sort((a, b) => String(b.metadata?.creationTimestamp ?? '').localeCompare(String(a.metadata?.creationTimestamp ?? '')))[0];
      if (!pod) return undefined;
      const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
      const failed = statuses.find((s) => (s.state?.terminated?.exitCode ?? 0) !== 0) ?? statuses.find((s) => s.state?.terminated);
      if (!failed) return undefined;
      try {
        const log = await core.readNamespacedPodLog({ namespace, name: pod.metadata?.name ?? '', container: failed.name, tailLines: lines, limitBytes: 6000 });
        return `[${failed.name}, exit code ${failed.state?.terminated?.exitCode ?? '?'}]\n${String(log).trimEnd()}`;
      } catch (err) {
        if (gone(err)) return undefined;
        throw err;
      }
    },
    async event(firmware, intent, now) {
      const involved = {
        apiVersion: API_VERSION,
        kind: FirmwareResource.kind,
        namespace: firmware.metadata.namespace ?? '',
        name: firmware.metadata.name ?? '',
        uid: firmware.metadata.uid,
        resourceVersion: firmware.metadata.resourceVersion,
      };
      await core.createNamespacedEvent({ namespace: involved.namespace, body: buildEvent(involved, intent, now, randomBytes(8).toString('hex')) });
    },
  };
}
