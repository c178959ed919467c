import type { Condition, Device, Firmware, FirmwarePhase } from '../types/resources';

/** Device condition types the operator sets. */
export const DEVICE_CONDITIONS = { CONFIG_READY: 'ConfigReady', ONLINE: 'Online', FIRMWARE_CURRENT: 'FirmwareCurrent' } as const;

/** A small status for badges: an l10n key under `kubeflash.state` and a BadgeState color. */
export interface BadgeInfo {
  labelKey: string;
  color: 'bg-success' | 'bg-error' | 'bg-warning' | 'bg-info' | 'bg-darker';
}

/** The condition of the given type, if set. */
export function condition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return (conditions || []).find((c) => c.type === type);
}

/** Whether the device is online: its Online condition, else what it last reported. */
export function isOnline(device: Device): boolean | undefined {
  const c = condition(device.status?.conditions, DEVICE_CONDITIONS.ONLINE);

  if (c) {
    return c.status === 'True' ? true : c.status === 'False' ? false : undefined;
  }

  return undefined;
}

/** Badge for the online column. */
export function onlineBadge(device: Device): BadgeInfo {
  const online = isOnline(device);

  if (online === undefined) {
    return { labelKey: 'kubeflash.state.neverSeen', color: 'bg-darker' };
  }

  return online ? { labelKey: 'kubeflash.state.online', color: 'bg-success' } : { labelKey: 'kubeflash.state.offline', color: 'bg-error' };
}

/** Badge for the config column, from the ConfigReady condition. */
export function configBadge(device: Device): BadgeInfo {
  const c = condition(device.status?.conditions, DEVICE_CONDITIONS.CONFIG_READY);

  if (!c || c.status === 'Unknown') {
    return { labelKey: 'kubeflash.state.pending', color: 'bg-info' };
  }

  return c.status === 'True' ? { labelKey: 'kubeflash.state.ready', color: 'bg-success' } : { labelKey: 'kubeflash.state.error', color: 'bg-error' };
}

/** Text of the OTA column: state, with progress while downloading. */
export function otaText(device: Device): string {
  const ota = device.status?.ota;

  if (!ota?.state) {
    return '';
  }

  return ota.progress !== undefined && ota.state !== 'Succeeded' && ota.state !== 'Failed' ? `${ ota.state } ${ ota.progress }%` : ota.state;
}

const PHASE_COLOR: Record<FirmwarePhase, BadgeInfo['color']> = {
  Pending:   'bg-info',
  Building:  'bg-warning',
  Succeeded: 'bg-success',
  Failed:    'bg-error',
};

/** Badge for a firmware build phase. */
export function phaseBadge(firmware: Firmware): BadgeInfo {
  const phase = firmware.status?.phase || 'Pending';

  return { labelKey: `kubeflash.phase.${ phase }`, color: PHASE_COLOR[phase] || 'bg-darker' };
}
