// Rows of the detail pages' KeyValueTables: labelled values read from an object (l10n keys, no English).
import type {
  ConfigLayer, Device, DeviceClass, DeviceGroup, DevicesCluster, Firmware,
} from '@kubeflash/api';
import { durationSeconds, formatDuration } from './format';
import { selectorToString } from './selector';

/** One row of KeyValueTable. */
export interface KeyValueRow {
  labelKey: string;
  value: unknown;
  testid?: string;
}

const joined = (...parts: unknown[]) => parts.filter((p) => p !== undefined && p !== null && p !== '').join(' · ') || undefined;

/** What a device reports: firmware, network, uptime, OTA. */
export function reportedRows(device: Partial<Pick<Device, 'status'>>): KeyValueRow[] {
  const r = device.status?.reported || {};
  const ota = device.status?.ota || {};
  const k = (key: string) => `kubeflash.device.reported.${ key }`;

  return [
    {
      labelKey: k('firmwareVersion'), value: r.firmwareVersion, testid: 'kubeflash-reported-firmware'
    },
    { labelKey: k('projectName'), value: r.projectName },
    { labelKey: k('mac'), value: r.mac },
    { labelKey: k('ip'), value: r.ip },
    { labelKey: k('rssi'), value: r.rssi },
    { labelKey: k('uptimeSeconds'), value: r.uptimeSeconds !== undefined ? formatDuration(r.uptimeSeconds) : undefined },
    { labelKey: k('lastSeen'), value: r.lastSeen },
    { labelKey: k('resetReason'), value: r.resetReason },
    { labelKey: k('otaState'), value: ota.progress !== undefined && ota.state ? `${ ota.state } (${ ota.progress }%)` : ota.state },
    { labelKey: k('otaTarget'), value: ota.targetVersion },
    { labelKey: k('otaLastResult'), value: ota.lastResult ? joined(ota.lastResult.result, ota.lastResult.version, ota.lastResult.message) : undefined },
  ];
}

/** A class: chip, firmware version and source, builder, partition, description. */
export function deviceClassRows(deviceClass: Partial<Pick<DeviceClass, 'spec'>>, uploadLabel: string): KeyValueRow[] {
  const spec = deviceClass.spec;
  const fw = spec?.firmware;
  const git = fw?.source?.git;

  return [
    {
      labelKey: 'kubeflash.deviceClass.chip', value: spec?.chip, testid: 'kubeflash-class-chip'
    },
    { labelKey: 'kubeflash.deviceClass.firmwareVersion', value: fw?.version },
    { labelKey: 'kubeflash.deviceClass.source', value: git ? joined(git.url, git.ref, git.path) : (fw?.source?.upload ? uploadLabel : undefined) },
    { labelKey: 'kubeflash.deviceClass.builderImage', value: fw?.builder?.image },
    { labelKey: 'kubeflash.deviceClass.partitionLabel', value: spec?.partitions?.config?.label },
    { labelKey: 'kubeflash.deviceClass.description', value: spec?.description },
  ];
}

/** A group: selector and priority. */
export function deviceGroupRows(group: Partial<Pick<DeviceGroup, 'spec'>>): KeyValueRow[] {
  return [
    { labelKey: 'kubeflash.deviceGroup.selector', value: selectorToString(group.spec?.selector) },
    { labelKey: 'kubeflash.deviceGroup.priority', value: group.spec?.priority ?? 0 },
  ];
}

/** A cluster: broker, accounts, artifacts, devices. */
export function devicesClusterRows(cluster: Partial<Pick<DevicesCluster, 'spec' | 'status'>>): KeyValueRow[] {
  const m = cluster.spec?.mqtt;

  return [
    {
      labelKey: 'kubeflash.devicesCluster.brokerUri', value: m?.brokerUri, testid: 'kubeflash-cluster-broker'
    },
    { labelKey: 'kubeflash.devicesCluster.operatorBrokerUri', value: m?.operatorBrokerUri },
    { labelKey: 'kubeflash.devicesCluster.topicPrefix', value: m?.topicPrefix },
    { labelKey: 'kubeflash.devicesCluster.accountManagement', value: m?.accountManagement },
    { labelKey: 'kubeflash.devicesCluster.caSecret', value: m?.caSecretRef?.name },
    { labelKey: 'kubeflash.devicesCluster.publicBaseUrl', value: cluster.spec?.artifacts?.publicBaseUrl },
    { labelKey: 'kubeflash.headers.devices', value: cluster.status?.devices },
  ];
}

/** A firmware build: timings, job, message, app. */
export function firmwareBuildRows(firmware: Partial<Pick<Firmware, 'status'>>): KeyValueRow[] {
  const s = firmware.status || {};

  return [
    { labelKey: 'kubeflash.firmware.started', value: s.startTime },
    { labelKey: 'kubeflash.firmware.finished', value: s.completionTime },
    {
      labelKey: 'kubeflash.firmware.duration', value: formatDuration(durationSeconds(s.startTime, s.completionTime)), testid: 'kubeflash-firmware-duration'
    },
    { labelKey: 'kubeflash.firmware.job', value: s.jobName },
    {
      labelKey: 'kubeflash.firmware.message', value: s.message, testid: 'kubeflash-firmware-message'
    },
    { labelKey: 'kubeflash.firmware.app', value: s.app ? joined(s.app.projectName, s.app.version, s.app.idfVersion) : undefined },
  ];
}

/** One entry of a config layer: a plain value, or the keys taken from a Secret (whose values are never read). */
export interface ConfigLayerRow {
  key: string;
  value?: string;
  secretName?: string;
}

/** The plain values and Secret references of a config layer, for a two-column table. */
export function configLayerRows(config: ConfigLayer | undefined): ConfigLayerRow[] {
  return [
    ...Object.entries(config?.values || {}).map(([key, value]) => ({ key, value })),
    ...(config?.secretRefs || []).map((r) => ({ key: (r.keys || ['*']).join(', '), secretName: r.name })),
  ];
}
