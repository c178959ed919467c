import type { FlashPlan, FlashPart, ChipName } from '@kubeflash/flasher';
import type { Chip, FirmwareArtifact } from '../types/resources';
import { artifactFileName, sortedArtifacts } from './firmware-files';

/** Flasher chip names of the class chips. */
const CHIP_NAME: Record<Chip, ChipName> = {
  esp32:   'ESP32',
  esp32s2: 'ESP32-S2',
  esp32s3: 'ESP32-S3',
  esp32c3: 'ESP32-C3',
  esp32c6: 'ESP32-C6',
  esp32h2: 'ESP32-H2',
};

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
  const firmware = input.mode === 'full' ? sortedArtifacts(input.artifacts).map((a) => ({ name: a.name, offset: a.offset, size: a.size })) : [];

  return [...firmware, { name: 'config', offset: input.configOffset, size: input.configSize }];
}

/**
 * Builds the flasher's plan from downloaded images: firmware parts in flash order (full mode) plus
 * config.bin at the config partition's offset.
 */
export function buildFlashPlan(input: {
  mode: FlashDialogMode;
  chip: Chip;
  artifacts: FirmwareArtifact[];
  images: Record<string, Uint8Array>;
  configBin: Uint8Array;
  configOffset: number;
}): FlashPlan {
  const parts: FlashPart[] = [];

  if (input.mode === 'full') {
    for (const a of sortedArtifacts(input.artifacts)) {
      const data = input.images[artifactFileName(a)];

      if (!data) {
        throw new Error(`missing image ${ artifactFileName(a) }`);
      }
      parts.push({ name: a.name === 'ota-data-initial' ? 'otadata' : a.name, offset: a.offset, data });
    }
  }
  parts.push({ name: 'config', offset: input.configOffset, data: input.configBin });

  return { chip: CHIP_NAME[input.chip], mode: input.mode === 'full' ? 'full' : 'config-only', parts };
}

/** Why Web Serial cannot be used here, or undefined when it can. */
export function webSerialProblem(env: { isSecureContext?: boolean; navigator?: { serial?: unknown } }): 'insecure' | 'noSerial' | undefined {
  if (env.isSecureContext === false) {
    return 'insecure';
  }

  return env.navigator && env.navigator.serial ? undefined : 'noSerial';
}

/** Whether the device reported online after `since` (its Online condition turned True later). */
export function onlineSince(device: { status?: { conditions?: { type: string; status: string; lastTransitionTime?: string }[]; reported?: { lastSeen?: string } } }, since: number): boolean {
  const c = (device.status?.conditions || []).find((x) => x.type === 'Online');

  if (!c || c.status !== 'True') {
    return false;
  }
  const changed = Date.parse(c.lastTransitionTime || '');
  const seen = Date.parse(device.status?.reported?.lastSeen || '');

  return (!Number.isNaN(changed) && changed >= since) || (!Number.isNaN(seen) && seen >= since);
}
