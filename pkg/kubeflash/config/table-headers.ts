import { AGE, NAME, NAMESPACE, STATE } from '@shell/config/table-headers';
import type { Device, DeviceGroup, DevicesCluster, Firmware, Rollout, DeviceClass } from '../types/resources';
import { isOnline, otaText } from '../utils/status';

/** online > offline > never seen, as a sortable string. */
function onlineSortValue(row: Device): string {
  const online = isOnline(row);

  return online === undefined ? '0' : online ? '2' : '1';
}
import { selectorToString } from '../utils/selector';
import { formatDuration, durationSeconds } from '../utils/format';

/** Device list: class, site, online badge, firmware, last seen, config and OTA state. */
export const DEVICE_HEADERS = [
  STATE,
  NAME,
  NAMESPACE,
  {
    name: 'deviceClass', labelKey: 'kubeflash.headers.deviceClass', value: 'spec.deviceClassRef.name', getValue: (row: Device) => row.spec?.deviceClassRef?.name, sort: ['spec.deviceClassRef.name'],
  },
  {
    name: 'site', labelKey: 'kubeflash.headers.site', value: 'spec.devicesClusterRef.name', getValue: (row: Device) => row.spec?.devicesClusterRef?.name, sort: ['spec.devicesClusterRef.name'],
  },
  {
    name: 'online', labelKey: 'kubeflash.headers.online', value: 'status.conditions', getValue: (row: Device) => onlineSortValue(row), sort: ['onlineSort'], formatter: 'KubeflashOnline', width: 110,
  },
  {
    name: 'firmware', labelKey: 'kubeflash.headers.firmware', value: 'status.reported.firmwareVersion', getValue: (row: Device) => row.status?.reported?.firmwareVersion, sort: ['status.reported.firmwareVersion'], dashIfEmpty: true,
  },
  {
    name: 'lastSeen', labelKey: 'kubeflash.headers.lastSeen', value: 'status.reported.lastSeen', getValue: (row: Device) => row.status?.reported?.lastSeen, sort: ['status.reported.lastSeen:desc'], formatter: 'LiveDate', formatterOpts: { addSuffix: true },
  },
  {
    name: 'config', labelKey: 'kubeflash.headers.config', value: 'status.conditions', getValue: (row: Device) => row.status?.conditions?.find((c) => c.type === 'ConfigReady')?.status, formatter: 'KubeflashConfigState', width: 110,
  },
  {
    name: 'ota', labelKey: 'kubeflash.headers.ota', value: 'status.ota.state', getValue: (row: Device) => otaText(row), sort: ['status.ota.state'], dashIfEmpty: true,
  },
  AGE,
];

/** DeviceClass list: chip, firmware version and source, devices. */
export const DEVICE_CLASS_HEADERS = [
  STATE,
  NAME,
  NAMESPACE,
  {
    name: 'chip', labelKey: 'kubeflash.headers.chip', value: 'spec.chip', getValue: (row: DeviceClass) => row.spec?.chip, sort: ['spec.chip'],
  },
  {
    name: 'firmwareVersion', labelKey: 'kubeflash.headers.firmwareVersion', value: 'spec.firmware.version', getValue: (row: DeviceClass) => row.spec?.firmware?.version, dashIfEmpty: true,
  },
  {
    name: 'source', labelKey: 'kubeflash.headers.source', value: 'spec.firmware.source', getValue: (row: DeviceClass) => row.spec?.firmware?.source?.git?.url || (row.spec?.firmware?.source?.upload ? 'upload' : ''), dashIfEmpty: true,
  },
  {
    name: 'devices', labelKey: 'kubeflash.headers.devices', value: 'status.devices', getValue: (row: DeviceClass) => row.status?.devices, dashIfEmpty: true, width: 90,
  },
  AGE,
];

/** DeviceGroup list: selector, priority, matched devices. */
export const DEVICE_GROUP_HEADERS = [
  STATE,
  NAME,
  NAMESPACE,
  {
    name: 'selector', labelKey: 'kubeflash.headers.selector', value: 'spec.selector', getValue: (row: DeviceGroup) => selectorToString(row.spec?.selector),
  },
  {
    name: 'priority', labelKey: 'kubeflash.headers.priority', value: 'spec.priority', getValue: (row: DeviceGroup) => row.spec?.priority ?? 0, sort: ['spec.priority'], width: 90,
  },
  {
    name: 'devices', labelKey: 'kubeflash.headers.devices', value: 'status.matchedDevices', getValue: (row: DeviceGroup) => row.status?.matchedDevices, dashIfEmpty: true, width: 90,
  },
  AGE,
];

/** DevicesCluster list: broker, artifact URL, devices. */
export const DEVICES_CLUSTER_HEADERS = [
  STATE,
  NAME,
  NAMESPACE,
  {
    name: 'broker', labelKey: 'kubeflash.headers.broker', value: 'spec.mqtt.brokerUri', getValue: (row: DevicesCluster) => row.spec?.mqtt?.brokerUri,
  },
  {
    name: 'artifacts', labelKey: 'kubeflash.headers.artifacts', value: 'spec.artifacts.publicBaseUrl', getValue: (row: DevicesCluster) => row.spec?.artifacts?.publicBaseUrl, dashIfEmpty: true,
  },
  {
    name: 'devices', labelKey: 'kubeflash.headers.devices', value: 'status.devices', getValue: (row: DevicesCluster) => row.status?.devices, dashIfEmpty: true, width: 90,
  },
  AGE,
];

/** Firmware list: class, version, phase badge, duration. */
export const FIRMWARE_HEADERS = [
  NAME,
  NAMESPACE,
  {
    name: 'deviceClass', labelKey: 'kubeflash.headers.deviceClass', value: 'spec.deviceClassRef.name', getValue: (row: Firmware) => row.spec?.deviceClassRef?.name, sort: ['spec.deviceClassRef.name'],
  },
  {
    name: 'version', labelKey: 'kubeflash.headers.version', value: 'spec.version', getValue: (row: Firmware) => row.spec?.version, sort: ['spec.version'],
  },
  {
    name: 'phase', labelKey: 'kubeflash.headers.phase', value: 'status.phase', getValue: (row: Firmware) => row.status?.phase, formatter: 'KubeflashPhase', sort: ['status.phase'], width: 120,
  },
  {
    name: 'duration', labelKey: 'kubeflash.headers.duration', value: 'status.startTime', getValue: (row: Firmware) => formatDuration(durationSeconds(row.status?.startTime, row.status?.completionTime)), dashIfEmpty: true,
  },
  AGE,
];

/** Rollout list: firmware, phase, wave, counts. */
export const ROLLOUT_HEADERS = [
  STATE,
  NAME,
  NAMESPACE,
  {
    name: 'firmware', labelKey: 'kubeflash.headers.firmware', value: 'spec.firmwareRef.name', getValue: (row: Rollout) => row.spec?.firmwareRef?.name,
  },
  {
    name: 'phase', labelKey: 'kubeflash.headers.phase', value: 'status.phase', getValue: (row: Rollout) => row.status?.phase, dashIfEmpty: true,
  },
  {
    name: 'wave', labelKey: 'kubeflash.headers.wave', value: 'status.currentWave', getValue: (row: Rollout) => (row.status?.currentWave ? `${ row.status.currentWave }/${ (row.spec?.strategy?.waves || [100]).length }` : ''), dashIfEmpty: true,
  },
  {
    name: 'succeeded', labelKey: 'kubeflash.headers.succeeded', value: 'status.counts.succeeded', getValue: (row: Rollout) => `${ row.status?.counts?.succeeded ?? 0 }/${ row.status?.counts?.total ?? 0 }`,
  },
  {
    name: 'failed', labelKey: 'kubeflash.headers.failed', value: 'status.counts.failed', getValue: (row: Rollout) => row.status?.counts?.failed ?? 0, width: 80,
  },
  AGE,
];
