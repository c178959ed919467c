import { isDeepStrictEqual } from 'node:util';
import { ConditionStatus, DeviceConditionType, DeviceReason, OTA_IN_FLIGHT_STATES, type Condition, type Device, type DeviceClass, type DeviceStatus } from '@kubeflash/api';
import type { StatusPayload } from '@kubeflash/protocol';
import { findCondition, setCondition } from '../conditions';
import type { EventIntent } from '../events';

/** Field manager of the reported-status writes (status.reported, Online, FirmwareCurrent, IdentityMatches). */
export const REPORTED_FIELD_MANAGER = 'kubeflash-reported';

/** What the operator knows of one device from its messages since it started. */
export interface DeviceReport {
  /** The last online status payload. */
  status?: StatusPayload;
  /** From the last status message: online, or offline (its own offline message or its will). */
  online?: boolean;
  /** reboot, factory-reset, ota (the device said so) or lost (its will fired). */
  offlineReason?: string;
  /** When the device last sent anything live (retained copies delivered at subscribe time do not count). */
  lastSeen?: Date;
}

/** The part of Device status the reported-status writer owns. */
export type ReportedOwnedStatus = Pick<DeviceStatus, 'reported' | 'conditions'>;

const OWNED_CONDITIONS: string[] = [DeviceConditionType.Online, DeviceConditionType.FirmwareCurrent, DeviceConditionType.IdentityMatches];
const iso = (d: Date): string => d.toISOString().replace(/\.\d+Z$/, 'Z');

/** The owned part of a stored status, for comparison. */
export function ownedReportedStatus(status: DeviceStatus | undefined): ReportedOwnedStatus {
  const out: ReportedOwnedStatus = {};
  if (status?.reported !== undefined) out.reported = status.reported;
  const conditions = (status?.conditions ?? []).filter((c) => OWNED_CONDITIONS.includes(c.type));
  if (conditions.length > 0) out.conditions = conditions;
  return out;
}

/** status.reported from a report, keeping what the report does not know (e.g. lastSeen after a restart). */
export function reportedFields(report: DeviceReport, previous: DeviceStatus['reported']): NonNullable<DeviceStatus['reported']> {
  const s = report.status;
  const out: NonNullable<DeviceStatus['reported']> = s
    ? {
      firmwareVersion: s.fw,
      projectName: s.project,
      mac: s.mac,
      ip: s.ip,
      ...(s.rssi !== undefined ? { rssi: s.rssi } : {}),
      uptimeSeconds: s.uptime,
      resetReason: s.resetReason,
      chip: s.chip,
      ...(s.idf !== undefined ? { idfVersion: s.idf } : {}),
      imageState: s.imageState,
      ...(s.partition !== undefined ? { partition: s.partition } : {}),
    }
    : { ...previous };
  delete out.lastSeen;
  delete out.offlineReason;
  const lastSeen = report.lastSeen ? iso(report.lastSeen) : previous?.lastSeen;
  if (lastSeen) out.lastSeen = lastSeen;
  if (report.online === false && report.offlineReason) out.offlineReason = report.offlineReason;
  return out;
}

/** Why a device runs another version than its class wants: a Rollout installed it, an update to it runs, or neither. */
function versionDifference(device: Device, running: string, wanted: string): { reason: string; message: string } {
  const className = device.spec.deviceClassRef.name;
  const ota = device.status?.ota;
  if (ota?.rolloutName && ota.targetVersion === running) {
    return { reason: DeviceReason.InstalledByRollout, message: `runs ${running}, installed by Rollout ${ota.rolloutName}; DeviceClass ${className} wants ${wanted} (make ${running} its spec.firmware.version to match)` };
  }
  if (ota?.state && OTA_IN_FLIGHT_STATES.has(ota.state) && ota.targetVersion === wanted) {
    return { reason: DeviceReason.UpdateInProgress, message: `runs ${running}; an update to ${wanted}, the version of DeviceClass ${className}, is in flight${ota.rolloutName ? ` (Rollout ${ota.rolloutName})` : ''}` };
  }
  return { reason: DeviceReason.VersionMismatch, message: `runs ${running}; DeviceClass ${className} wants ${wanted}` };
}

/** Reasons whose transitions are not news: a Rollout's own status and Events record them. */
const QUIET_VERSION_REASONS: ReadonlySet<string> = new Set([DeviceReason.InstalledByRollout, DeviceReason.UpdateInProgress]);

/** The Online, FirmwareCurrent and IdentityMatches conditions for a report (pure). */
export function reportedConditions(device: Device, deviceClass: DeviceClass | undefined, report: DeviceReport, current: Condition[] | undefined, now: Date): Condition[] {
  let conditions = [...(current ?? [])];
  const s = report.status;
  if (report.online === true) {
    conditions = setCondition(conditions, { type: DeviceConditionType.Online, status: ConditionStatus.True, reason: DeviceReason.DeviceOnline, message: 'the device reports online' }, now);
  } else if (report.online === false) {
    const why = report.offlineReason === 'lost' ? 'its last will fired: the connection was lost' : `it went offline on purpose (${report.offlineReason ?? 'no reason given'})`;
    conditions = setCondition(conditions, { type: DeviceConditionType.Online, status: ConditionStatus.False, reason: DeviceReason.DeviceOffline, message: why }, now);
  } else if (!findCondition(conditions, DeviceConditionType.Online)) {
    conditions = setCondition(conditions, { type: DeviceConditionType.Online, status: ConditionStatus.Unknown, reason: DeviceReason.NeverSeen, message: 'no status message was received yet' }, now);
  }

  const wanted = deviceClass?.spec.firmware?.version;
  const running = s?.fw ?? device.status?.reported?.firmwareVersion;
  if (!wanted || !running) {
    conditions = setCondition(conditions, {
      type: DeviceConditionType.FirmwareCurrent,
      status: ConditionStatus.Unknown,
      reason: DeviceReason.VersionUnknown,
      message: !running ? 'the device has not reported a firmware version' : `DeviceClass ${device.spec.deviceClassRef.name} names no spec.firmware.version`,
    }, now);
  } else if (wanted === running) {
    conditions = setCondition(conditions, { type: DeviceConditionType.FirmwareCurrent, status: ConditionStatus.True, reason: DeviceReason.VersionMatches, message: `runs ${running}, the version of DeviceClass ${device.spec.deviceClassRef.name}` }, now);
  } else {
    conditions = setCondition(conditions, { type: DeviceConditionType.FirmwareCurrent, status: ConditionStatus.False, ...versionDifference(device, running, wanted) }, now);
  }

  const chip = s?.chip ?? device.status?.reported?.chip;
  const mac = s?.mac ?? device.status?.reported?.mac;
  if (!chip || !mac) {
    if (!findCondition(conditions, DeviceConditionType.IdentityMatches)) {
      conditions = setCondition(conditions, { type: DeviceConditionType.IdentityMatches, status: ConditionStatus.Unknown, reason: DeviceReason.IdentityUnknown, message: 'no status report yet' }, now);
    }
  } else {
    const expectedMac = device.spec.macAddress?.toLowerCase();
    const expectedChip = deviceClass?.spec.chip;
    const macWrong = expectedMac !== undefined && expectedMac !== mac.toLowerCase();
    const chipWrong = expectedChip !== undefined && expectedChip !== chip;
    const problems = [
      ...(macWrong ? [`reports MAC ${mac} but spec.macAddress is ${expectedMac}`] : []),
      ...(chipWrong ? [`reports chip ${chip} but DeviceClass ${device.spec.deviceClassRef.name} is for ${expectedChip}`] : []),
    ];
    if (problems.length > 0) {
      conditions = setCondition(conditions, {
        type: DeviceConditionType.IdentityMatches,
        status: ConditionStatus.False,
        reason: macWrong ? DeviceReason.MacMismatch : DeviceReason.ChipMismatch,
        message: `${problems.join('; ')}: this board may carry another device's config`,
      }, now);
    } else {
      conditions = setCondition(conditions, {
        type: DeviceConditionType.IdentityMatches,
        status: ConditionStatus.True,
        reason: DeviceReason.IdentityVerified,
        message: expectedMac ? `chip ${chip} and MAC ${mac} match` : `chip ${chip} matches; no spec.macAddress to compare MAC ${mac} with`,
      }, now);
    }
  }
  return conditions.filter((c) => OWNED_CONDITIONS.includes(c.type));
}

/** Status (when changed) and the Events of condition transitions for a device's report (pure). */
export function desiredReported(device: Device, deviceClass: DeviceClass | undefined, report: DeviceReport, now: Date): { status?: ReportedOwnedStatus; events: EventIntent[] } {
  const current = ownedReportedStatus(device.status);
  const next: ReportedOwnedStatus = {
    reported: reportedFields(report, device.status?.reported),
    conditions: reportedConditions(device, deviceClass, report, current.conditions, now),
  };
  const events: EventIntent[] = [];
  for (const type of [DeviceConditionType.Online, DeviceConditionType.IdentityMatches, DeviceConditionType.FirmwareCurrent]) {
    const before = findCondition(current.conditions, type);
    const after = findCondition(next.conditions, type);
    if (!after || (before?.status === after.status && before.reason === after.reason)) continue;
    if (after.status === ConditionStatus.Unknown) continue;
    // A first good identity or version check is not news (one Event per device joining a large fleet is enough: Online).
    if (type !== DeviceConditionType.Online && after.status === ConditionStatus.True && (!before || before.status === ConditionStatus.Unknown)) continue;
    // Versions a Rollout changes, and a class catching up with what a Rollout installed, are recorded by the Rollout.
    if (type === DeviceConditionType.FirmwareCurrent && (QUIET_VERSION_REASONS.has(after.reason) || (before && QUIET_VERSION_REASONS.has(before.reason)))) continue;
    const warning = type === DeviceConditionType.IdentityMatches && after.status === ConditionStatus.False;
    events.push({ type: warning ? 'Warning' : 'Normal', reason: after.reason, message: after.message });
  }
  return { status: isDeepStrictEqual(next, current) ? undefined : next, events };
}
