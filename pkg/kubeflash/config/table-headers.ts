import { AGE, NAME, NAMESPACE, STATE } from '@shell/config/table-headers';
import type { HeaderOptions } from '@shell/core/types';
import { DeviceConditionType } from '@kubeflash/api';
import type {
  Device, DeviceClass, DeviceGroup, DevicesCluster, Firmware, Rollout,
} from '@kubeflash/api';
import { KUBEFLASH } from '../types/kubeflash';
import {
  buildReason, configCondition, findCondition, onlineRank, otaText,
} from '../utils/badges';
import { selectorToString } from '../utils/selector';
import { formatDuration, durationSeconds } from '../utils/format';

/** A ResourceTable column, as the shell's `headers()` DSL and ResourceTable take it. */
export type Header = HeaderOptions & { dashIfEmpty?: boolean };

/** What a column shows for a row. */
type Cell = string | number | null | undefined;

/** A kubeflash column: label `kubeflash.headers.<name>`, value path, how to compute it, and display options. */
function column<T>(name: string, value: string, getValue: (row: T) => Cell, options: Omit<Header, 'name' | 'value' | 'getValue'> = {}): Header {
  return {
    name, labelKey: `kubeflash.headers.${ name }`, value, getValue, ...options,
  };
}

/** The columns of a namespaced kind: state, name and namespace, the kind's own, age. */
const kindColumns = (...own: Header[]): Header[] => [STATE, NAME, NAMESPACE, ...own, AGE];

const byPath = (path: string) => ({ sort: [path] });
const narrow = { dashIfEmpty: true, width: 90 };

/** Device list: class, site, online badge, firmware, last seen, identity check, config and OTA state. */
export const DEVICE_HEADERS: Header[] = kindColumns(
  column<Device>('deviceClass', 'spec.deviceClassRef.name', (row) => row.spec?.deviceClassRef?.name, byPath('spec.deviceClassRef.name')),
  column<Device>('site', 'spec.devicesClusterRef.name', (row) => row.spec?.devicesClusterRef?.name, byPath('spec.devicesClusterRef.name')),
  column<Device>('online', 'status.conditions', (row) => String(onlineRank(row)), {
    sort: ['onlineSort'], formatter: 'KubeflashOnline', width: 110
  }),
  column<Device>('firmware', 'status.reported.firmwareVersion', (row) => row.status?.reported?.firmwareVersion, { ...byPath('status.reported.firmwareVersion'), dashIfEmpty: true }),
  column<Device>('lastSeen', 'status.reported.lastSeen', (row) => row.status?.reported?.lastSeen, {
    sort: ['status.reported.lastSeen:desc'], formatter: 'LiveDate', formatterOpts: { addSuffix: true },
  }),
  column<Device>('identity', 'status.conditions', (row) => findCondition(row.status?.conditions, DeviceConditionType.IdentityMatches)?.status, { formatter: 'KubeflashIdentity', width: 110 }),
  column<Device>('config', 'status.conditions', (row) => configCondition(row)?.status, { formatter: 'KubeflashConfigState', width: 110 }),
  column<Device>('ota', 'status.ota.state', (row) => otaText(row), { ...byPath('status.ota.state'), dashIfEmpty: true }),
);

/** DeviceClass list: chip, firmware version and source, devices. */
export const DEVICE_CLASS_HEADERS: Header[] = kindColumns(
  column<DeviceClass>('chip', 'spec.chip', (row) => row.spec?.chip, byPath('spec.chip')),
  column<DeviceClass>('firmwareVersion', 'spec.firmware.version', (row) => row.spec?.firmware?.version, { dashIfEmpty: true }),
  column<DeviceClass>('source', 'spec.firmware.source', (row) => row.spec?.firmware?.source?.git?.url || (row.spec?.firmware?.source?.upload ? 'upload' : ''), { dashIfEmpty: true }),
  column<DeviceClass>('devices', 'status.devices', (row) => row.status?.devices, narrow),
);

/** DeviceGroup list: selector, priority, matched devices. */
export const DEVICE_GROUP_HEADERS: Header[] = kindColumns(
  column<DeviceGroup>('selector', 'spec.selector', (row) => selectorToString(row.spec?.selector)),
  column<DeviceGroup>('priority', 'spec.priority', (row) => row.spec?.priority ?? 0, { ...byPath('spec.priority'), width: 90 }),
  column<DeviceGroup>('devices', 'status.matchedDevices', (row) => row.status?.matchedDevices, narrow),
);

/** DevicesCluster list: broker, artifact URL, devices. */
export const DEVICES_CLUSTER_HEADERS: Header[] = kindColumns(
  column<DevicesCluster>('broker', 'spec.mqtt.brokerUri', (row) => row.spec?.mqtt?.brokerUri),
  column<DevicesCluster>('artifacts', 'spec.artifacts.publicBaseUrl', (row) => row.spec?.artifacts?.publicBaseUrl, { dashIfEmpty: true }),
  column<DevicesCluster>('devices', 'status.devices', (row) => row.status?.devices, narrow),
);

/** Firmware list: class, version, phase badge (message as tooltip), the reason of its conditions, duration. */
export const FIRMWARE_HEADERS: Header[] = [
  NAME,
  NAMESPACE,
  column<Firmware>('deviceClass', 'spec.deviceClassRef.name', (row) => row.spec?.deviceClassRef?.name, byPath('spec.deviceClassRef.name')),
  column<Firmware>('version', 'spec.version', (row) => row.spec?.version, byPath('spec.version')),
  column<Firmware>('phase', 'status.phase', (row) => row.status?.phase, {
    ...byPath('status.phase'), formatter: 'KubeflashPhase', width: 120
  }),
  column<Firmware>('reason', 'status.conditions', (row) => buildReason(row), { dashIfEmpty: true }),
  column<Firmware>('duration', 'status.startTime', (row) => formatDuration(durationSeconds(row.status?.startTime, row.status?.completionTime)), { dashIfEmpty: true }),
  AGE,
];

/** Rollout list: firmware, phase, wave, counts. */
export const ROLLOUT_HEADERS: Header[] = kindColumns(
  column<Rollout>('firmware', 'spec.firmwareRef.name', (row) => row.spec?.firmwareRef?.name),
  column<Rollout>('phase', 'status.phase', (row) => row.status?.phase, { dashIfEmpty: true }),
  column<Rollout>('wave', 'status.currentWave', (row) => (row.status?.currentWave ? `${ row.status.currentWave }/${ (row.spec?.strategy?.waves || [100]).length }` : ''), { dashIfEmpty: true }),
  column<Rollout>('succeeded', 'status.counts.succeeded', (row) => `${ row.status?.counts?.succeeded ?? 0 }/${ row.status?.counts?.total ?? 0 }`),
  column<Rollout>('failed', 'status.counts.failed', (row) => row.status?.counts?.failed ?? 0, { width: 80 }),
);

/** The columns of each kind's list (the product registers them; the shared list page shows them). */
export const HEADERS_BY_TYPE: Readonly<Record<string, Header[]>> = {
  [KUBEFLASH.DEVICE]:          DEVICE_HEADERS,
  [KUBEFLASH.DEVICE_CLASS]:    DEVICE_CLASS_HEADERS,
  [KUBEFLASH.DEVICE_GROUP]:    DEVICE_GROUP_HEADERS,
  [KUBEFLASH.DEVICES_CLUSTER]: DEVICES_CLUSTER_HEADERS,
  [KUBEFLASH.FIRMWARE]:        FIRMWARE_HEADERS,
  [KUBEFLASH.ROLLOUT]:         ROLLOUT_HEADERS,
};
