import { isDeepStrictEqual } from 'node:util';
import { CoreV1Api, ApiException, type KubeConfig } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { RolloutPhase, type Device, type Rollout } from '@kubeflash/api';
import { MessageKind, type ProtocolMessage } from '@kubeflash/protocol';
import { URL_KEY_DATA, URL_KEY_SECRET } from '../../artifacts/url-key';
import { apiErrorMessage } from '../../kube/apply';
import type { Logger } from '../../manager/logger';
import type { OperatorMetrics } from '../../manager/metrics';
import { WorkQueue } from '../../manager/workqueue';
import type { BrokerManager } from '../../mqtt/manager';
import type { FleetCaches } from '../caches';
import { objectKey } from '../fleet-index';
import type { DeviceReport } from '../reported/desired';
import type { ApiWriter } from '../writer';
import type { DeviceLive, LiveOta } from './device-step';
import { RolloutMetrics } from './metrics';
import { RolloutMemory, syncRollout } from './sync';

/** Device reports wake their rollout this long after the first of them, so a burst of reports makes one pass. */
export const REPORT_BATCH_MS = 200;

/** Options of the rollout controller. */
export interface RolloutControllerOptions {
  caches: FleetCaches;
  writer: ApiWriter;
  brokers?: BrokerManager;
  /** What the report ingest knows of a device (online, version, image state). */
  reportOf(deviceKey: string): DeviceReport | undefined;
  /** Reads the key of signed download URLs (undefined when there is none). */
  urlKey?: () => Promise<Uint8Array | undefined>;
  metrics?: OperatorMetrics;
  logger?: Logger;
  now?: () => Date;
}

/** Reads the artifact service's URL key from its Secret in `namespace` (get only; undefined when absent). */
export function secretUrlKey(kubeConfig: KubeConfig, namespace: string, logger?: Logger): () => Promise<Uint8Array | undefined> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  let key: Uint8Array | undefined;
  let checkedAt = -Infinity;
  return async () => {
    if (key || Date.now() - checkedAt < 30_000) return key;
    checkedAt = Date.now();
    try {
      const value = (await core.readNamespacedSecret({ name: URL_KEY_SECRET, namespace })).data?.[URL_KEY_DATA];
      key = value ? new Uint8Array(Buffer.from(value, 'base64')) : undefined;
    } catch (err) {
      if (!(err instanceof ApiException && err.code === 404)) throw err;
      logger?.warn(`rollouts: Secret ${namespace}/${URL_KEY_SECRET} does not exist; OTA URLs are unsigned content addresses until it does`);
    }
    return key;
  };
}

/** Device changes that can change a rollout's targets: labels, class, MAC, deletion (status writes cannot). */
const targetingChanged = (d: Device, old?: Device): boolean =>
  !old ||
  !isDeepStrictEqual(d.metadata.labels ?? {}, old.metadata.labels ?? {}) ||
  d.spec.deviceClassRef.name !== old.spec.deviceClassRef.name ||
  d.spec.macAddress !== old.spec.macAddress ||
  d.metadata.deletionTimestamp !== old.metadata.deletionTimestamp;

/**
 * Executes Rollouts: previews, fixes the waves at the start, sends `cmd/ota` (recorded in Device status.ota before
 * it is published), follows progress and results from the devices' MQTT reports, applies the health gate, timeouts,
 * retries, pauses, approvals and the abort criteria, and writes Rollout status. One reconcile at a time, so two
 * Rollouts never claim one device.
 */
export class RolloutController {
  static readonly controllerName = 'rollout';
  readonly metrics: RolloutMetrics;
  private readonly queue: WorkQueue;
  private readonly memory = new RolloutMemory();
  private readonly liveOta = new Map<string, LiveOta>();
  private readonly wakes = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private running = false;

  constructor(private readonly options: RolloutControllerOptions) {
    this.metrics = new RolloutMetrics(options.metrics?.registry ?? new Registry());
    const now = options.now ?? (() => new Date());
    this.queue = new WorkQueue(
      (key) =>
        syncRollout(
          {
            caches: options.caches,
            writer: options.writer,
            brokers: options.brokers,
            live: (k) => this.live(k),
            urlKey: options.urlKey ?? (async () => undefined),
            metrics: this.metrics,
            logger: options.logger,
            now,
            memory: this.memory,
            requeueAfter: (k, ms) => this.wakeAfter(k, ms),
          },
          key,
        ),
      {
        concurrency: 1,
        ...options.metrics?.queueObservers(RolloutController.controllerName),
        onFailure: (key, attempt, error, retryInMs) =>
          options.logger?.error('reconcile failed', { controller: RolloutController.controllerName, key, attempt, retryInMs, error: apiErrorMessage(error) }),
      },
    );
    const { caches } = options;
    const rolloutKey = (r: Rollout) => objectKey(r.metadata.namespace, r.metadata.name);
    caches.rollouts.on('add', (r) => this.enqueue([rolloutKey(r)]));
    caches.rollouts.on('update', (r, old) => {
      if (r.metadata.generation !== old?.metadata.generation || r.metadata.deletionTimestamp) this.enqueue([rolloutKey(r)]);
    });
    caches.rollouts.on('delete', (r) => {
      this.metrics.forget(r.metadata.namespace ?? '', r.metadata.name ?? '');
      this.memory.rolloutStatus.delete(rolloutKey(r));
    });
    const openRollouts = (namespace: string | undefined) =>
      caches.rollouts.list(namespace).filter((r) => r.status?.phase !== RolloutPhase.Succeeded && r.status?.phase !== RolloutPhase.Aborted).map(rolloutKey);
    caches.devices.on('add', (d) => this.enqueue(openRollouts(d.metadata.namespace)));
    caches.devices.on('update', (d, old) => {
      if (targetingChanged(d, old)) this.enqueue(openRollouts(d.metadata.namespace));
    });
    caches.devices.on('delete', (d) => {
      this.liveOta.delete(objectKey(d.metadata.namespace, d.metadata.name));
      this.enqueue(openRollouts(d.metadata.namespace));
    });
    caches.groups.on('update', (g) => this.enqueue(openRollouts(g.metadata.namespace)));
    caches.firmwares.on('update', (f, old) => {
      if (f.status?.phase !== old?.status?.phase) this.enqueue(caches.rollouts.list(f.metadata.namespace).filter((r) => r.spec.firmwareRef.name === f.metadata.name).map(rolloutKey));
    });
  }

  private live(deviceKey: string): DeviceLive {
    const report = this.options.reportOf(deviceKey);
    const ota = this.liveOta.get(deviceKey);
    const [namespace, name] = deviceKey.split('/');
    const stored = report ? undefined : this.options.caches.devices.get(namespace, name);
    const online = report?.online ?? (stored ? stored.status?.conditions?.find((c) => c.type === 'Online')?.status === 'True' : undefined);
    return {
      ...(online !== undefined ? { online } : {}),
      ...(report?.status ? { fw: report.status.fw, imageState: report.status.imageState } : {}),
      ...(ota ? { ota } : {}),
    };
  }

  /** Every valid device message: OTA reports are kept for the device's rollout, status changes wake it. */
  onDeviceMessage(deviceKey: string, message: ProtocolMessage): void {
    const at = (this.options.now ?? (() => new Date()))();
    if (message.kind === MessageKind.OtaProgress || message.kind === MessageKind.OtaResult) {
      const id = message.payload.id;
      let live = this.liveOta.get(deviceKey);
      if (!live || live.commandId !== id) {
        live = { commandId: id };
        this.liveOta.set(deviceKey, live);
      }
      if (message.kind === MessageKind.OtaProgress) {
        live.progress = message.payload;
        live.progressAt = at;
      } else {
        live.result = message.payload;
        live.resultAt = at;
      }
    } else if (message.kind !== MessageKind.Status && message.kind !== MessageKind.Lwt) {
      return;
    }
    const [namespace, name] = deviceKey.split('/');
    const ota = this.memory.deviceOta.get(deviceKey)?.ota ?? this.options.caches.devices.get(namespace, name)?.status?.ota;
    const holders = this.options.caches.rollouts.list(namespace).filter((r) => r.metadata.name === ota?.rolloutName || (r.status?.waves ?? []).some((w) => w.state === 'Running' && w.devices.includes(name)));
    // A pass looks at every member: reports arriving together are folded into one pass.
    for (const r of holders) this.wakeAfter(objectKey(r.metadata.namespace, r.metadata.name), REPORT_BATCH_MS);
  }

  private enqueue(keys: Iterable<string>): void {
    if (!this.running) return;
    for (const k of keys) this.queue.add(k);
  }

  /** Queues `key` after `ms`, keeping the earliest of several wishes. */
  private wakeAfter(key: string, ms: number): void {
    if (!this.running) return;
    if (ms <= 0) {
      this.queue.add(key);
      return;
    }
    const at = Date.now() + ms;
    const existing = this.wakes.get(key);
    if (existing && existing.at <= at && existing.at > Date.now()) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.wakes.delete(key);
      this.enqueue([key]);
    }, ms);
    timer.unref();
    this.wakes.set(key, { at, timer });
  }

  start(): void {
    this.running = true;
    // Read the URL key once now, so a missing Secret or permission shows in the log at start.
    void this.options.urlKey?.().catch((err: unknown) => this.options.logger?.warn('rollouts: cannot read the URL signing key', { error: apiErrorMessage(err) }));
    this.resync();
  }

  resync(): void {
    this.enqueue(this.options.caches.rollouts.list().map((r) => objectKey(r.metadata.namespace, r.metadata.name)));
  }

  whenIdle(): Promise<void> {
    return this.queue.whenIdle();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const w of this.wakes.values()) clearTimeout(w.timer);
    this.wakes.clear();
    await this.queue.shutdown();
  }
}
