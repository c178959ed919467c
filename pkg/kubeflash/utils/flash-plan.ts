import type { FlashPart } from '@kubeflash/flasher';
import { ConditionStatus, DeviceConditionType, type Device, type FirmwareArtifact } from '@kubeflash/api';
import { findCondition } from './badges';
import { artifactFileName, sortedArtifacts } from './firmware-files';

/** What the dialog flashes: everything, or only the config partition. */
export type FlashDialogMode = 'full' | 'config';

/** One row of the plan table shown before flashing. */
export interface PlanRow {
  name: string;
  offset: number;
  size: number;
}

/** The plan as shown to the person before anything is downloaded: names, offsets and sizes. */
export function planRows(input: { mode: FlashDialogMode; artifacts: FirmwareArtifact[]; configOffset: number; configSize: number }): PlanRow[] {
  const firmware = input.mode === 'full' ? sortedArtifacts(input.artifacts).map((a) => ({
    name: a.name, offset: a.offset, size: a.size
  })) : [];

  return [...firmware, {
    name: 'config', offset: input.configOffset, size: input.configSize
  }];
}

/** The firmware images to hand to the flasher's plan builder: all (full) or only the partition table it reads the config offset from. */
export function firmwareParts(mode: FlashDialogMode, artifacts: FirmwareArtifact[], images: Record<string, Uint8Array>): FlashPart[] {
  return sortedArtifacts(artifacts)
    .filter((a) => mode === 'full' || a.name === 'partition-table')
    .map((a) => ({
      name: a.name, offset: a.offset, data: images[artifactFileName(a)]
    }))
    .filter((p) => !!p.data);
}

/** Artifacts whose images a run needs: all (full) or only the partition table. */
export function neededArtifacts(mode: FlashDialogMode, artifacts: FirmwareArtifact[]): FirmwareArtifact[] {
  return (artifacts || []).filter((a) => mode === 'full' || a.name === 'partition-table');
}

/** Why Web Serial cannot be used here, or undefined when it can. */
export function webSerialProblem(env: { isSecureContext?: boolean; navigator?: { serial?: unknown } }): 'insecure' | 'noSerial' | undefined {
  if (env.isSecureContext === false) {
    return 'insecure';
  }

  return env.navigator && env.navigator.serial ? undefined : 'noSerial';
}

/** Whether the device reported online after `since` (its Online condition turned True later). */
export function onlineSince(device: Pick<Device, 'status'>, since: number): boolean {
  const c = findCondition(device.status?.conditions, DeviceConditionType.Online);

  if (!c || c.status !== ConditionStatus.True) {
    return false;
  }
  const changed = Date.parse(c.lastTransitionTime || '');
  const seen = Date.parse(device.status?.reported?.lastSeen || '');

  return (!Number.isNaN(changed) && changed >= since) || (!Number.isNaN(seen) && seen >= since);
}
