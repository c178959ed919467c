import type { Device, DevicesCluster } from '@kubeflash/api';
import { Direction, MessageKind, ViolationReason, parseDeviceId, parseMessage, type ProtocolMessage, type Violation } from '@kubeflash/protocol';
import type { DeadLetters } from '../../mqtt/dead-letters';
import type { TelemetryMetrics } from '../../mqtt/telemetry-metrics';
import type { CacheReader } from '../caches';
import type { DeviceReport } from './desired';

/** What the ingest reads and whom it tells. */
export interface IngestDeps {
  devices: CacheReader<Device>;
  clusters: CacheReader<DevicesCluster>;
  metrics: TelemetryMetrics;
  deadLetters: DeadLetters;
  /** A device's report changed; `meaningful` when online state, firmware, reset reason or identity changed. */
  changed(key: string, meaningful: boolean): void;
  /** A rejected message from an existing device, rate-limited (count since the previous one). */
  invalid?(key: string, count: number, violation: Violation): void;
  /** Every valid message, after it was folded in (OTA reports go to the rollout controller). */
  onMessage?(key: string, message: ProtocolMessage): void;
  now?: () => Date;
}

/** The fields whose change makes a status write meaningful (not just a heartbeat). */
interface Essentials {
  online?: boolean;
  fw?: string;
  resetReason?: string;
  mac?: string;
  chip?: string;
}

const essentialsOf = (r: DeviceReport): Essentials => ({ online: r.online, fw: r.status?.fw, resetReason: r.status?.resetReason, mac: r.status?.mac, chip: r.status?.chip });
const sameEssentials = (a: Essentials, b: Essentials): boolean => a.online === b.online && a.fw === b.fw && a.resetReason === b.resetReason && a.mac === b.mac && a.chip === b.chip;

/**
 * Turns the messages of every DevicesCluster's session into per-device reports: validates each against the
 * protocol (a violation is counted, kept as a dead letter and reported as a rate-limited Event; it never throws),
 * drops messages of devices that do not exist or belong to another DevicesCluster (counted), folds status and
 * last wills into the report, exports telemetry as metrics, and tells the writer which devices changed.
 */
export class ReportIngest {
  private readonly reports = new Map<string, DeviceReport & { essentials: Essentials }>();

  constructor(private readonly deps: IngestDeps) {}

  /** The report of a device (`namespace/name`), if any message of it arrived since start. */
  report(key: string): DeviceReport | undefined {
    return this.reports.get(key);
  }

  /** The essentials were written: later reports are compared with these. */
  written(key: string, report: DeviceReport): void {
    const r = this.reports.get(key);
    if (r) r.essentials = essentialsOf(report);
  }

  forget(key: string): void {
    this.reports.delete(key);
  }

  get size(): number {
    return this.reports.size;
  }

  /** Handles one MQTT message received by the session of `clusterKey` (`namespace/name`). Never throws. */
  handle(clusterKey: string, topic: string, payload: Uint8Array, retained: boolean): void {
    const slash = clusterKey.indexOf('/');
    const cluster = this.deps.clusters.get(clusterKey.slice(0, slash), clusterKey.slice(slash + 1));
    if (!cluster) return;
    const prefix = cluster.spec.mqtt.topicPrefix ?? 'kubeflash';
    const now = (this.deps.now ?? (() => new Date()))();
    let parsed;
    try {
      parsed = parseMessage(prefix, topic, payload, { direction: Direction.DeviceToOperator });
    } catch (err) {
      // parseMessage promises never to throw; if it ever does, the message is still only dropped.
      parsed = { ok: false as const, violation: { reason: ViolationReason.InvalidJson, detail: `parser failed: ${String(err)}`, topic } };
    }
    if (!parsed.ok) {
      const v = parsed.violation;
      if (retained && v.reason === ViolationReason.EmptyPayload) {
        // The operator's own clearing of a deleted device's retained status.
        this.deps.metrics.messages.inc({ kind: MessageKind.Status, result: 'cleared' });
        return;
      }
      this.deps.metrics.rejected(v);
      const ref = v.deviceId ? parseDeviceId(v.deviceId) : undefined;
      const device = ref ? this.deviceOf(cluster, ref.namespace, ref.name) : undefined;
      const key = device ? `${ref?.namespace}/${ref?.name}` : undefined;
      const event = this.deps.deadLetters.record(clusterKey, v, payload.length, now, key);
      if (event && key) this.deps.invalid?.(key, event.count, v);
      return;
    }
    const message = parsed.message;
    const ref = parseDeviceId(message.deviceId);
    const device = ref ? this.deviceOf(cluster, ref.namespace, ref.name) : undefined;
    if (!ref || !device) {
      this.deps.metrics.messages.inc({ kind: message.kind, result: 'unknown-device' });
      return;
    }
    this.deps.metrics.messages.inc({ kind: message.kind, result: 'valid' });
    const key = `${ref.namespace}/${ref.name}`;
    let report = this.reports.get(key);
    if (!report) {
      const stored = device.status;
      const online = stored?.conditions?.find((c) => c.type === 'Online')?.status;
      const essentials: Essentials = {
        online: online === 'True' ? true : online === 'False' ? false : undefined,
        fw: stored?.reported?.firmwareVersion,
        resetReason: stored?.reported?.resetReason,
        mac: stored?.reported?.mac,
        chip: stored?.reported?.chip,
      };
      report = { essentials };
      this.reports.set(key, report);
    }
    const live = !retained;
    switch (message.kind) {
      case MessageKind.Status:
        report.status = message.payload;
        report.online = true;
        delete report.offlineReason;
        this.deps.metrics.status(ref.namespace, ref.name, message.payload);
        break;
      case MessageKind.Lwt:
        report.online = false;
        report.offlineReason = message.payload.reason ?? 'lost';
        this.deps.metrics.offline(ref.namespace, ref.name);
        break;
      case MessageKind.Telemetry:
        this.deps.metrics.telemetry(ref.namespace, ref.name, message.payload);
        break;
      case MessageKind.Logs:
        this.deps.metrics.logRecords.inc({ level: message.payload.level });
        break;
      default:
        break;
    }
    // A will is published by the broker, not the device: it says nothing about when the device was last heard.
    if (live && !(message.kind === MessageKind.Lwt && message.payload.reason === undefined)) {
      report.lastSeen = now;
      this.deps.metrics.seen(ref.namespace, ref.name, now);
    }
    // A device restarting into an OTA image is back within seconds with its new version (written at once then); its
    // offline moment is written only if it stays away past the write interval, so an update costs no extra writes.
    const otaRestart = report.online === false && report.offlineReason === 'ota';
    this.deps.changed(key, !otaRestart && !sameEssentials(report.essentials, essentialsOf(report)));
    this.deps.onMessage?.(key, message);
  }

  private deviceOf(cluster: DevicesCluster, namespace: string, name: string): Device | undefined {
    const device = this.deps.devices.get(namespace, name);
    if (!device || device.metadata.deletionTimestamp) return undefined;
    if (namespace !== cluster.metadata.namespace || device.spec.devicesClusterRef.name !== cluster.metadata.name) return undefined;
    return device;
  }
}
