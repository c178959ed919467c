// Small status badges for lists and detail pages: which l10n key and BadgeState color a condition or
// phase shows as. Condition types, statuses and phases all come from @kubeflash/api.
import {
  ConditionStatus, DeviceConditionType, FirmwareConditionType, FirmwarePhase, OtaState, type Condition, type Device, type Firmware,
} from '@kubeflash/api';

/** A badge: an l10n key (under `kubeflash.state` or `kubeflash.phase`) and a BadgeState color. */
export interface BadgeInfo {
  labelKey: string;
  color: 'bg-success' | 'bg-error' | 'bg-warning' | 'bg-info' | 'bg-darker';
}

/** The condition of the given type, if set. */
export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return (conditions || []).find((c) => c.type === type);
}

/** Whether the device is online by its Online condition; undefined when it never reported. */
export function isOnline(device: Partial<Pick<Device, 'status'>>): boolean | undefined {
  const status = findCondition(device.status?.conditions, DeviceConditionType.Online)?.status;

  return status === ConditionStatus.True ? true : status === ConditionStatus.False ? false : undefined;
}

/** Sort value of the online column: online (2) > offline (1) > never seen (0). */
export function onlineRank(device: Partial<Pick<Device, 'status'>>): number {
  const online = isOnline(device);

  return online === undefined ? 0 : online ? 2 : 1;
}

/** Badge of the online column. */
export function onlineBadge(device: Partial<Pick<Device, 'status'>>): BadgeInfo {
  const online = isOnline(device);

  if (online === undefined) {
    return { labelKey: 'kubeflash.state.neverSeen', color: 'bg-darker' };
  }

  return online ? { labelKey: 'kubeflash.state.online', color: 'bg-success' } : { labelKey: 'kubeflash.state.offline', color: 'bg-error' };
}

/** The device's ConfigReady condition. */
export function configCondition(device: Partial<Pick<Device, 'status'>>): Condition | undefined {
  return findCondition(device.status?.conditions, DeviceConditionType.ConfigReady);
}

/** Whether the operator rendered the device's current config (ConfigReady is True). */
export function isConfigReady(device: Partial<Pick<Device, 'status'>>): boolean {
  return configCondition(device)?.status === ConditionStatus.True;
}

/** Badge of the config column, from the ConfigReady condition. */
export function configBadge(device: Partial<Pick<Device, 'status'>>): BadgeInfo {
  const status = configCondition(device)?.status;

  if (!status || status === ConditionStatus.Unknown) {
    return { labelKey: 'kubeflash.state.pending', color: 'bg-info' };
  }

  return status === ConditionStatus.True ? { labelKey: 'kubeflash.state.ready', color: 'bg-success' } : { labelKey: 'kubeflash.state.error', color: 'bg-error' };
}

const FINISHED_OTA: readonly string[] = [OtaState.Idle, OtaState.Succeeded, OtaState.Failed, OtaState.RolledBack];

/** Text of the OTA column: the state, with the progress while an update runs. */
export function otaText(device: Partial<Pick<Device, 'status'>>): string {
  const ota = device.status?.ota;

  if (!ota?.state) {
    return '';
  }

  return ota.progress !== undefined && !FINISHED_OTA.includes(ota.state) ? `${ ota.state } ${ ota.progress }%` : ota.state;
}

const PHASE_COLOR: Record<FirmwarePhase, BadgeInfo['color']> = {
  [FirmwarePhase.Pending]:   'bg-info',
  [FirmwarePhase.Building]:  'bg-warning',
  [FirmwarePhase.Succeeded]: 'bg-success',
  [FirmwarePhase.Failed]:    'bg-error',
};

/** Badge of a firmware build phase. */
export function phaseBadge(firmware: Partial<Pick<Firmware, 'status'>>): BadgeInfo {
  const phase = firmware.status?.phase || FirmwarePhase.Pending;

  return { labelKey: `kubeflash.phase.${ phase }`, color: PHASE_COLOR[phase] || 'bg-darker' };
}

/** Whether a firmware build can be flashed or rolled out: it succeeded and lists its images. */
export function isFlashable(firmware: Partial<Pick<Firmware, 'status'>> | undefined): boolean {
  return firmware?.status?.phase === FirmwarePhase.Succeeded && !!firmware.status?.artifacts?.length;
}

/**
 * The reason a build is where it is: the reason of Built while it is not True (AwaitingUpload, Building,
 * BuildFailed, ImageInvalid ...), then that of ArtifactsReady (Signed, SigningFailed).
 */
export function buildReason(firmware: Partial<Pick<Firmware, 'status'>>): string {
  const built = findCondition(firmware.status?.conditions, FirmwareConditionType.Built);
  const ready = findCondition(firmware.status?.conditions, FirmwareConditionType.ArtifactsReady);

  return (built && built.status !== ConditionStatus.True ? built.reason : ready?.reason || built?.reason) || '';
}

/** The first line of a build's message (the rest is the end of the build log), for tooltips. */
export function buildMessageHead(firmware: Partial<Pick<Firmware, 'status'>>): string | undefined {
  return firmware.status?.message?.split('\n')[0] || undefined;
}

/** Badge of a Device's IdentityMatches condition (chip and MAC checks), or undefined before the first report. */
export function identityBadge(device: Partial<Pick<Device, 'status'>>): BadgeInfo {
  const status = findCondition(device.status?.conditions, DeviceConditionType.IdentityMatches)?.status;

  if (status === ConditionStatus.True) {
    return { labelKey: 'kubeflash.state.verified', color: 'bg-success' };
  }

  return status === ConditionStatus.False ? { labelKey: 'kubeflash.state.mismatch', color: 'bg-error' } : { labelKey: 'kubeflash.state.unknown', color: 'bg-darker' };
}
