import { BatchV1Api, CustomObjectsApi, type KubeConfig, type KubernetesObject, type V1Job } from '@kubernetes/client-node';
import { DeviceClassResource, FirmwareResource, GROUP, VERSION, type DeviceClass, type Firmware } from '@kubeflash/api';
import { Informer, MultiNamespaceInformer, type ListPage, type SharedInformer } from '../../manager/informer';
import { apiErrorMessage } from '../../kube/apply';
import type { Logger } from '../../manager/logger';
import type { OperatorMetrics } from '../../manager/metrics';
import { WorkQueue } from '../../manager/workqueue';
import { objectKey } from '../fleet-index';
import { kubeFirmwareApi, type FirmwareApi } from './api';
import { FIRMWARE_LABEL, type BuilderSettings } from './job';
import { syncFirmware } from './sync';

/** Options of the Firmware controller. */
export interface FirmwareControllerOptions {
  kubeConfig: KubeConfig;
  settings: BuilderSettings;
  /** A build Job that has not started after this long fails its Firmware (default 10 minutes). */
  startTimeoutMs?: number;
  releaseArtifacts(firmware: Firmware): Promise<void>;
  /** Watch only this namespace, or these (one list-watch each, so a Role per namespace suffices); default all. */
  namespace?: string | readonly string[];
  api?: FirmwareApi;
  metrics?: OperatorMetrics;
  logger?: Logger;
  now?: () => Date;
}

/**
 * Builds Firmware: one batch/v1 Job per generation for git sources, the wait for an upload for upload sources,
 * status (phase, times, conditions Built and ArtifactsReady, the Job's failure and log tail) and Events, and the
 * finalizer that removes Jobs and artifacts with the Firmware. Restarted, it adopts the Jobs it finds (their
 * names are fixed per generation). Runs in the artifact service process, next to the store it releases.
 */
export class FirmwareController {
  readonly firmwares: SharedInformer<Firmware>;
  readonly classes: SharedInformer<DeviceClass>;
  readonly jobs: SharedInformer<V1Job>;
  private readonly queue: WorkQueue;
  private running = false;

  constructor(options: FirmwareControllerOptions) {
    const { kubeConfig, namespace, logger } = options;
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    const batch = kubeConfig.makeApiClient(BatchV1Api);
    const namespaces = typeof namespace === 'string' ? [namespace] : [...new Set(namespace ?? [])];
    const perScope = <T extends KubernetesObject>(make: (ns: string | undefined) => Informer<T>): SharedInformer<T> =>
      namespaces.length > 0 ? new MultiNamespaceInformer(new Map(namespaces.map((ns) => [ns, make(ns)]))) : make(undefined);
    const kind = <T extends Firmware | DeviceClass>(plural: string): SharedInformer<T> =>
      perScope(
        (ns) =>
          new Informer<T>({
            kubeConfig,
            path: `/apis/${GROUP}/${VERSION}${ns ? `/namespaces/${ns}` : ''}/${plural}`,
            list: (token, limit) =>
              (ns
                ? custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural, limit, _continue: token })
                : custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural, limit, _continue: token })) as Promise<ListPage>,
            logger,
          }),
      );
    this.firmwares = kind<Firmware>(FirmwareResource.plural);
    this.classes = kind<DeviceClass>(DeviceClassResource.plural);
    this.jobs = perScope(
      (ns) =>
        new Informer<V1Job>({
          kubeConfig,
          path: `/apis/batch/v1${ns ? `/namespaces/${ns}` : ''}/jobs`,
          labelSelector: FIRMWARE_LABEL,
          list: (token, limit) =>
            (ns
              ? batch.listNamespacedJob({ namespace: ns, labelSelector: FIRMWARE_LABEL, limit, _continue: token })
              : batch.listJobForAllNamespaces({ labelSelector: FIRMWARE_LABEL, limit, _continue: token })) as Promise<ListPage>,
          logger,
        }),
    );
    const api = options.api ?? kubeFirmwareApi(kubeConfig);
    this.queue = new WorkQueue(
      (key) =>
        syncFirmware(
          {
            firmwares: this.firmwares,
            classes: this.classes,
            jobs: this.jobs,
            api,
            settings: options.settings,
            startTimeoutMs: options.startTimeoutMs ?? 10 * 60_000,
            releaseArtifacts: options.releaseArtifacts,
            now: options.now,
            logger,
          },
          key,
        ),
      {
        concurrency: 2,
        ...options.metrics?.queueObservers('firmware'),
        onFailure: (key, attempt, error, retryInMs) => logger?.error('reconcile failed', { controller: 'firmware', key, attempt, retryInMs, error: apiErrorMessage(error) }),
      },
    );
    const enqueueFirmware = (f: Firmware) => this.enqueue([objectKey(f.metadata.namespace, f.metadata.name)]);
    this.firmwares.on('add', enqueueFirmware);
    this.firmwares.on('update', (f, old) => {
      // Its own status writes change nothing it decides on, except what the upload handler wrote.
      if (f.metadata.generation !== old?.metadata.generation || f.metadata.deletionTimestamp || f.status?.phase !== old?.status?.phase || f.metadata.finalizers?.length !== old?.metadata.finalizers?.length) enqueueFirmware(f);
    });
    const enqueueJob = (j: V1Job) => {
      const fw = j.metadata?.labels?.[FIRMWARE_LABEL];
      if (fw) this.enqueue([objectKey(j.metadata?.namespace, fw)]);
    };
    for (const verb of ['add', 'update', 'delete'] as const) this.jobs.on(verb, enqueueJob);
    const enqueueClass = (c: DeviceClass) =>
      this.enqueue(this.firmwares.list(c.metadata.namespace).filter((f) => f.spec.deviceClassRef.name === c.metadata.name).map((f) => objectKey(f.metadata.namespace, f.metadata.name)));
    this.classes.on('add', enqueueClass);
    this.classes.on('delete', enqueueClass);
  }

  private enqueue(keys: Iterable<string>): void {
    if (!this.running) return;
    for (const k of keys) this.queue.add(k);
  }

  /** Starts the informers and then the work. */
  async start(): Promise<void> {
    await Promise.all([this.classes.start(), this.jobs.start()]);
    await this.firmwares.start();
    this.running = true;
    this.resync();
  }

  /** Queues every Firmware. */
  resync(): void {
    this.enqueue(this.firmwares.list().map((f) => objectKey(f.metadata.namespace, f.metadata.name)));
  }

  whenIdle(): Promise<void> {
    return this.queue.whenIdle();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.queue.shutdown();
    await Promise.all([this.firmwares.stop(), this.classes.stop(), this.jobs.stop()]);
  }
}
