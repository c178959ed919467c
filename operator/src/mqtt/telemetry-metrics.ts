import { Counter, Gauge, type Registry } from 'prom-client';
import type { StatusPayload, TelemetryPayload, Violation } from '@kubeflash/protocol';

/** Readings kept per device (the protocol allows 32 per message; names may change over time). */
export const MAX_READINGS_PER_DEVICE = 32;
/** Distinct reading names kept across the fleet (the `reading` label's bound). */
export const MAX_READING_NAMES = 256;

/**
 * Device telemetry and ingest counters as Prometheus metrics with a bounded label set: per device only
 * `namespace` and `device` (series are removed when the Device is deleted), readings under one metric with a
 * `reading` label capped at MAX_READING_NAMES names fleet-wide and MAX_READINGS_PER_DEVICE per device.
 */
export class TelemetryMetrics {
  readonly messages: Counter<'kind' | 'result'>;
  readonly invalid: Counter<'reason'>;
  readonly statusWrites: Counter<string>;
  readonly online: Gauge<'namespace' | 'device'>;
  readonly lastSeen: Gauge<'namespace' | 'device'>;
  readonly rssi: Gauge<'namespace' | 'device'>;
  readonly uptime: Gauge<'namespace' | 'device'>;
  readonly info: Gauge<'namespace' | 'device' | 'firmware' | 'chip' | 'project'>;
  readonly readings: Gauge<'namespace' | 'device' | 'reading'>;
  readonly droppedReadings: Counter<string>;
  readonly logRecords: Counter<'level'>;
  private readonly names = new Set<string>();
  private readonly perDevice = new Map<string, Set<string>>();
  private readonly infoLabels = new Map<string, { firmware: string; chip: string; project: string }>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.messages = new Counter({ name: 'kubeflash_mqtt_messages_total', help: 'MQTT messages the operator received, by kind and result (valid, invalid, unknown-device, cleared).', labelNames: ['kind', 'result'] as const, registers });
    this.invalid = new Counter({ name: 'kubeflash_mqtt_invalid_messages_total', help: 'Messages that broke the protocol, by violation reason (see docs/mqtt-protocol.md).', labelNames: ['reason'] as const, registers });
    this.statusWrites = new Counter({ name: 'kubeflash_device_status_writes_total', help: 'Writes of Device status.reported (coalesced: at most one per device per interval unless something meaningful changed).', registers });
    this.online = new Gauge({ name: 'kubeflash_device_online', help: '1 while the device reports online, 0 after its offline message or last will.', labelNames: ['namespace', 'device'] as const, registers });
    this.lastSeen = new Gauge({ name: 'kubeflash_device_last_seen_timestamp_seconds', help: 'Unix time of the last message from the device.', labelNames: ['namespace', 'device'] as const, registers });
    this.rssi = new Gauge({ name: 'kubeflash_device_wifi_rssi_dbm', help: 'Wi-Fi signal strength the device reported last.', labelNames: ['namespace', 'device'] as const, registers });
    this.uptime = new Gauge({ name: 'kubeflash_device_uptime_seconds', help: 'Seconds since boot the device reported last.', labelNames: ['namespace', 'device'] as const, registers });
    this.info = new Gauge({ name: 'kubeflash_device_info', help: 'Always 1; labels name the firmware version, chip and project the device reports.', labelNames: ['namespace', 'device', 'firmware', 'chip', 'project'] as const, registers });
    this.readings = new Gauge({ name: 'kubeflash_device_telemetry', help: 'The last value of each telemetry reading (booleans as 0/1).', labelNames: ['namespace', 'device', 'reading'] as const, registers });
    this.droppedReadings = new Counter({ name: 'kubeflash_device_telemetry_dropped_total', help: 'Readings not exported because a device or the fleet already has the most reading names allowed.', registers });
    this.logRecords = new Counter({ name: 'kubeflash_device_log_records_total', help: 'Log records devices sent, by level.', labelNames: ['level'] as const, registers });
  }

  /** Counts a rejected message. */
  rejected(violation: Violation): void {
    this.messages.inc({ kind: violation.kind ?? violation.channel ?? 'unknown', result: 'invalid' });
    this.invalid.inc({ reason: violation.reason });
  }

  seen(namespace: string, device: string, at: Date): void {
    this.lastSeen.set({ namespace, device }, Math.floor(at.getTime() / 1000));
  }

  status(namespace: string, device: string, s: StatusPayload): void {
    this.online.set({ namespace, device }, 1);
    this.uptime.set({ namespace, device }, s.uptime);
    if (s.rssi !== undefined) this.rssi.set({ namespace, device }, s.rssi);
    const key = `${namespace}/${device}`;
    const labels = { firmware: s.fw, chip: s.chip, project: s.project };
    const old = this.infoLabels.get(key);
    if (old && (old.firmware !== labels.firmware || old.chip !== labels.chip || old.project !== labels.project)) this.info.remove({ namespace, device, ...old });
    this.infoLabels.set(key, labels);
    this.info.set({ namespace, device, ...labels }, 1);
  }

  offline(namespace: string, device: string): void {
    this.online.set({ namespace, device }, 0);
  }

  telemetry(namespace: string, device: string, t: TelemetryPayload): void {
    const key = `${namespace}/${device}`;
    let mine = this.perDevice.get(key);
    if (!mine) this.perDevice.set(key, (mine = new Set()));
    for (const [reading, value] of Object.entries(t.values)) {
      if (!mine.has(reading)) {
        if (mine.size >= MAX_READINGS_PER_DEVICE || (!this.names.has(reading) && this.names.size >= MAX_READING_NAMES)) {
          this.droppedReadings.inc();
          continue;
        }
        mine.add(reading);
        this.names.add(reading);
      }
      this.readings.set({ namespace, device, reading }, typeof value === 'boolean' ? Number(value) : value);
    }
  }

  /** Removes every series of a deleted device. */
  forget(namespace: string, device: string): void {
    const key = `${namespace}/${device}`;
    for (const g of [this.online, this.lastSeen, this.rssi, this.uptime]) g.remove({ namespace, device });
    const info = this.infoLabels.get(key);
    if (info) this.info.remove({ namespace, device, ...info });
    this.infoLabels.delete(key);
    for (const reading of this.perDevice.get(key) ?? []) this.readings.remove({ namespace, device, reading });
    this.perDevice.delete(key);
  }
}
