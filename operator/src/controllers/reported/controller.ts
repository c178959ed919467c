import { randomBytes } from 'node:crypto';
import { ApiException } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { API_VERSION, DeviceConditionType, DeviceReason, DeviceResource, type Device } from '@kubeflash/api';
import type { ProtocolMessage } from '@kubeflash/protocol';
import type { Logger } from '../../manager/logger';
import type { OperatorMetrics } from '../../manager/metrics';
import { DeadLetters } from '../../mqtt/dead-letters';
import { TelemetryMetrics } from '../../mqtt/telemetry-metrics';
import type { FleetCaches } from '../caches';
import { findCondition } from '../conditions';
import { buildEvent } from '../events';
import type { FleetListener } from '../fleet-events';
import { objectKey } from '../fleet-index';
import { KeyedController } from '../keyed-controller';
import type { ApiWriter } from '../writer';
import { WriteCoalescer } from './coalescer';
import { REPORTED_FIELD_MANAGER, desiredReported, type ReportedOwnedStatus } from './desired';
import { ReportIngest } from './ingest';

/** Default interval between two heartbeat-only status writes of one device. */
export const DEFAULT_STATUS_WRITE_INTERVAL_MS = 60_000;

/** Options of the reported-status controller. */
export interface ReportedControllerOptions {
  caches: FleetCaches;
  writer: ApiWriter;
  metrics?: OperatorMetrics;
  /** At most one heartbeat-only status write per device per this interval (default 60 s). */
  statusWriteIntervalMs?: number;
  concurrency?: number;
  now?: () => Date;
  logger?: Logger;
  /** Every valid message (the rollout controller listens for OTA progress and results). */
  onMessage?: (key: string, message: ProtocolMessage) => void;
}

/** Fields whose change is written at once; everything else waits for the interval. */
function meaningfulChange(current: Device['status'], next: ReportedOwnedStatus): boolean {
  const a = current?.reported;
  const b = next.reported;
  if (a?.firmwareVersion !== b?.firmwareVersion || a?.resetReason !== b?.resetReason || a?.mac !== b?.mac || a?.chip !== b?.chip || a?.offlineReason !== b?.offlineReason) return true;
  for (const type of [DeviceConditionType.Online, DeviceConditionType.FirmwareCurrent, DeviceConditionType.IdentityMatches]) {
    const x = findCondition(current?.conditions, type);
    const y = findCondition(next.conditions, type);
    if (x?.status !== y?.status || x?.reason !== y?.reason) return true;
  }
  return false;
}

/**
 * Folds what devices report over MQTT into `Device.status.reported` and the Online, FirmwareCurrent and
 * IdentityMatches conditions (field manager kubeflash-reported). Writes are coalesced: a meaningful change is
 * written at once, heartbeats at most once per device per interval. Runs only in the leader (it is started with
 * the other controllers).
 */
export class ReportedStatusController implements FleetListener {
  static readonly controllerName = 'reported';
  readonly ingest: ReportIngest;
  readonly telemetry: TelemetryMetrics;
  readonly deadLetters = new DeadLetters();
  private readonly coalescer: WriteCoalescer;
  private readonly keyed: KeyedController;
  /** Devices whose coalescer entry was seeded from their stored lastSeen. */
  private readonly seeded = new Set<string>();

  constructor(private readonly options: ReportedControllerOptions) {
    this.telemetry = new TelemetryMetrics(options.metrics?.registry ?? new Registry());
    this.coalescer = new WriteCoalescer(options.statusWriteIntervalMs ?? DEFAULT_STATUS_WRITE_INTERVAL_MS, (key) => this.keyed.enqueue([key]));
    this.keyed = new KeyedController(ReportedStatusController.controllerName, (key) => this.sync(key), () => [], { metrics: options.metrics, logger: options.logger, concurrency: options.concurrency ?? 16 });
    this.ingest = new ReportIngest({
      devices: options.caches.devices,
      clusters: options.caches.clusters,
      metrics: this.telemetry,
      deadLetters: this.deadLetters,
      now: options.now,
      changed: (key, meaningful) => {
        if (!this.seeded.has(key)) this.seed(key);
        this.coalescer.note(key, meaningful);
      },
      invalid: (key, count, violation) => void this.invalidEvent(key, count, violation.detail).catch((err: unknown) => options.logger?.warn('cannot record an InvalidMessages Event', { controller: ReportedStatusController.controllerName, key, error: String(err) })),
      onMessage: options.onMessage,
    });
    options.caches.devices.on('delete', (d) => {
      const key = objectKey(d.metadata.namespace, d.metadata.name);
      this.ingest.forget(key);
      this.coalescer.forget(key);
      this.deadLetters.forget(key);
      this.seeded.delete(key);
      this.telemetry.forget(d.metadata.namespace ?? '', d.metadata.name ?? '');
    });
  }

  /** Before the first write of this process, the stored lastSeen stands for the last write. */
  private seed(key: string): void {
    this.seeded.add(key);
    const [namespace, name] = key.split('/');
    const lastSeen = this.options.caches.devices.get(namespace, name)?.status?.reported?.lastSeen;
    if (lastSeen) this.coalescer.seed(key, Date.parse(lastSeen));
  }

  /** Class or device spec changes can change FirmwareCurrent and IdentityMatches. */
  devicesAffected(keys: Iterable<string>): void {
    const known = [...keys].filter((k) => this.ingest.report(k) !== undefined);
    if (known.length > 0) this.keyed.enqueue(known);
  }

  private async sync(key: string): Promise<void> {
    const [namespace, name] = key.split('/');
    const device = this.options.caches.devices.get(namespace, name);
    const report = this.ingest.report(key);
    if (!device || device.metadata.deletionTimestamp || !report) return;
    const now = (this.options.now ?? (() => new Date()))();
    const deviceClass = this.options.caches.classes.get(namespace, device.spec.deviceClassRef.name);
    const decision = desiredReported(device, deviceClass, report, now);
    if (!decision.status) return;
    if (!meaningfulChange(device.status, decision.status) && this.coalescer.tooSoon(key)) {
      this.coalescer.note(key, false);
      return;
    }
    try {
      await this.options.writer.applyStatus(DeviceResource.kind, DeviceResource.plural, namespace, name, decision.status, REPORTED_FIELD_MANAGER);
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return;
      throw err;
    }
    this.telemetry.statusWrites.inc();
    this.coalescer.written(key);
    this.ingest.written(key, report);
    for (const intent of decision.events) {
      await this.options.writer.createEvent(buildEvent(this.involved(device), intent, now, randomBytes(8).toString('hex')));
    }
  }

  private involved(device: Device) {
    return { apiVersion: API_VERSION, kind: DeviceResource.kind, namespace: device.metadata.namespace ?? 'default', name: device.metadata.name ?? '', uid: device.metadata.uid, resourceVersion: device.metadata.resourceVersion };
  }

  private async invalidEvent(key: string, count: number, detail: string): Promise<void> {
    const [namespace, name] = key.split('/');
    const device = this.options.caches.devices.get(namespace, name);
    if (!device) return;
    const message = `${count} message${count === 1 ? '' : 's'} from this device broke the protocol; the latest: ${detail} (the operator's /debug/dead-letters lists them)`;
    await this.options.writer.createEvent(buildEvent(this.involved(device), { type: 'Warning', reason: DeviceReason.InvalidMessages, message }, (this.options.now ?? (() => new Date()))(), randomBytes(8).toString('hex')));
  }

  start(): void {
    this.keyed.start();
    this.coalescer.start();
  }

  resync(): void {
    // Reports are in memory only; nothing to list.
  }

  whenIdle(): Promise<void> {
    return this.keyed.whenIdle();
  }

  get depth(): number {
    return this.keyed.depth;
  }

  /** Devices waiting for their write interval. */
  get waiting(): number {
    return this.coalescer.waiting;
  }

  async stop(): Promise<void> {
    this.coalescer.stop();
    await this.keyed.stop();
  }
}
