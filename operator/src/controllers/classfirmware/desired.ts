import { createHash } from 'node:crypto';
import {
  API_VERSION,
  ConditionStatus,
  DeviceClassConditionType,
  DeviceClassReason,
  DeviceClassResource,
  FirmwarePhase,
  type Condition,
  type DeviceClass,
  type DeviceClassStatus,
  type Firmware,
} from '@kubeflash/api';
import { findCondition, setCondition } from '../conditions';
import type { EventIntent } from '../events';

/** Field manager of the class status this controller owns: status.firmware and the FirmwareReady condition. */
export const CLASS_FIRMWARE_FIELD_MANAGER = 'kubeflash-deviceclass-firmware';

/** The status fields this controller owns. */
export type ClassFirmwareStatus = Pick<DeviceClassStatus, 'firmware'> & { conditions: Condition[] };

/** What to do for one DeviceClass. */
export interface ClassFirmwareDecision {
  /** A Firmware to create for spec.firmware.version. */
  create?: Firmware;
  /** Status to apply; undefined when it is already stored. */
  status?: ClassFirmwareStatus;
  events: EventIntent[];
}

/** Name of the Firmware the operator makes for a class and version: `<class>-<version as a DNS label>`. */
export function classFirmwareName(className: string, version: string): string {
  const v = version.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const name = `${className}-${v}`;
  if (name.length <= 63) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, 54).replace(/-+$/, '')}-${hash}`;
}

const phaseRank = (f: Firmware): number => (f.status?.phase === FirmwarePhase.Succeeded ? 0 : f.status?.phase === FirmwarePhase.Failed ? 2 : 1);

/**
 * Decides a DeviceClass's Firmware (pure): with spec.firmware.version set, the Firmware of that class and version
 * (an existing one is adopted, a Succeeded one preferred), else a new one named `<class>-<version>` from the class's
 * source and builder, owned by the class; then status.firmware and FirmwareReady from its phase, and an Event when
 * FirmwareReady changes.
 */
export function desiredClassFirmware(deviceClass: DeviceClass, firmwares: readonly Firmware[], now: Date): ClassFirmwareDecision {
  const name = deviceClass.metadata.name ?? '';
  const namespace = deviceClass.metadata.namespace ?? 'default';
  const generation = deviceClass.metadata.generation;
  const spec = deviceClass.spec.firmware;
  const decision: ClassFirmwareDecision = { events: [] };
  const previous = findCondition(deviceClass.status?.conditions, DeviceClassConditionType.FirmwareReady);
  let firmwareStatus: DeviceClassStatus['firmware'];
  let ready: { status: ConditionStatus; reason: DeviceClassReason; message: string };

  if (!spec?.version) {
    ready = { status: ConditionStatus.False, reason: DeviceClassReason.NoFirmwareVersion, message: 'spec.firmware.version is not set' };
  } else {
    const version = spec.version;
    const candidates = firmwares
      .filter((f) => f.spec.deviceClassRef.name === name && f.spec.version === version && !f.metadata.deletionTimestamp)
      .sort((a, b) => phaseRank(a) - phaseRank(b) || String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')));
    const adopted: Firmware | undefined = candidates[0];
    const wanted = classFirmwareName(name, version);
    let firmware: Firmware;
    if (adopted) firmware = adopted;
    else {
      const taken = firmwares.find((f) => f.metadata.name === wanted);
      if (taken) {
        ready = {
          status: ConditionStatus.False,
          reason: DeviceClassReason.FirmwareNameTaken,
          message: `Firmware ${wanted} exists but builds ${taken.spec.deviceClassRef.name} ${taken.spec.version}, not ${name} ${version}; rename or delete it`,
        };
        return finish();
      }
      firmware = {
        apiVersion: API_VERSION,
        kind: 'Firmware',
        metadata: {
          name: wanted,
          namespace,
          labels: { 'kubeflash.dev/device-class': name },
          ownerReferences: [{ apiVersion: API_VERSION, kind: DeviceClassResource.kind, name, uid: deviceClass.metadata.uid ?? '', blockOwnerDeletion: false }],
        },
        spec: { deviceClassRef: { name }, version, source: spec.source, ...(spec.builder ? { builder: spec.builder } : {}) },
      };
      decision.create = firmware;
    }
    const phase = firmware.status?.observedGeneration === firmware.metadata.generation ? firmware.status?.phase : undefined;
    firmwareStatus = { name: firmware.metadata.name ?? wanted, version, ...(phase ? { phase } : {}) };
    if (phase === FirmwarePhase.Succeeded) {
      ready = { status: ConditionStatus.True, reason: DeviceClassReason.FirmwareSucceeded, message: `Firmware ${firmwareStatus.name} (${version}) is built, verified and signed` };
    } else if (phase === FirmwarePhase.Failed) {
      ready = { status: ConditionStatus.False, reason: DeviceClassReason.FirmwareFailed, message: `Firmware ${firmwareStatus.name} failed: ${(firmware.status?.message ?? '').split('\n')[0]}` };
    } else {
      ready = { status: ConditionStatus.False, reason: DeviceClassReason.FirmwareInProgress, message: `Firmware ${firmwareStatus.name} (${version}) is ${phase ?? 'Pending'}` };
    }
  }
  return finish();

  function finish(): ClassFirmwareDecision {
    const conditions = setCondition(previous ? [previous] : [], { type: DeviceClassConditionType.FirmwareReady, ...ready, observedGeneration: generation }, now);
    const status: ClassFirmwareStatus = { conditions, ...(firmwareStatus ? { firmware: firmwareStatus } : {}) };
    const stored: ClassFirmwareStatus = { conditions: previous ? [previous] : [], ...(deviceClass.status?.firmware ? { firmware: deviceClass.status.firmware } : {}) };
    if (JSON.stringify(status) !== JSON.stringify(stored)) decision.status = status;
    if (!previous || previous.status !== ready.status || previous.reason !== ready.reason) {
      decision.events.push({ type: ready.reason === DeviceClassReason.FirmwareFailed || ready.reason === DeviceClassReason.FirmwareNameTaken ? 'Warning' : 'Normal', reason: ready.reason, message: ready.message });
    }
    return decision;
  }
}
