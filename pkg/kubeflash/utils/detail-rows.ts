// Rows of the detail pages' KeyValueTables: labelled values read from an object (l10n keys, no English).
import type {
  ConfigLayer, Device, DeviceClass, DeviceGroup, DevicesCluster, Firmware, FirmwareSource,
} from '@kubeflash/api';
import { durationSeconds, formatBytes, formatDuration } from './format';
import { selectorToString } from './selector';

/** One row of KeyValueTable. */
export interface KeyValueRow {
  labelKey: string;
  value: unknown;
  /** An l10n key shown instead of `value` (yes/no and other words). */
  valueKey?: string;
  testid?: string;
}

/** The l10n key of yes, no, or nothing for an unknown flag. */
const yesNo = (flag: boolean | undefined) => (flag === undefined ? undefined : `kubeflash.${ flag ? 'yes' : 'no' }`);

const joined = (...parts: unknown[]) => parts.filter((p) => p !== undefined && p !== null && p !== '').join(' · ') || undefined;

/** A firmware source in one line: the git URL, ref and path, or the label of uploaded builds. */
function sourceText(source: FirmwareSource | undefined, uploadLabel: string): string | undefined {
  const git = source?.git;

  return git ? joined(git.url, git.ref, git.path) : (source?.upload ? uploadLabel : undefined);
}

/** What a device reports: firmware, network, uptime, OTA. */
export function reportedRows(device: Partial<Pick<Device, 'status'>>): KeyValueRow[] {
  const r = device.status?.reported || {};
  const k = (key: string) => `kubeflash.device.reported.${ key }`;

  return [
    {
      labelKey: k('firmwareVersion'), value: r.firmwareVersion, testid: 'kubeflash-reported-firmware'
    },
    { labelKey: k('projectName'), value: r.projectName },
    {
      labelKey: k('mac'), value: r.mac, testid: 'kubeflash-reported-mac'
    },
    { labelKey: k('ip'), value: r.ip },
    { labelKey: k('rssi'), value: r.rssi },
    { labelKey: k('uptimeSeconds'), value: r.uptimeSeconds !== undefined ? formatDuration(r.uptimeSeconds) : undefined },
    {
      labelKey: k('lastSeen'), value: r.lastSeen, testid: 'kubeflash-reported-last-seen'
    },
    { labelKey: k('resetReason'), value: r.resetReason },
    {
      labelKey: k('chip'), value: r.chip, testid: 'kubeflash-reported-chip'
    },
    { labelKey: k('idfVersion'), value: r.idfVersion },
    { labelKey: k('image'), value: joined(r.partition, r.imageState) },
    { labelKey: k('offlineReason'), value: r.offlineReason },
  ];
}

/** The device's current OTA attempt (status.ota), as the rollout controller records it. */
export function otaRows(device: Partial<Pick<Device, 'status'>>): KeyValueRow[] {
  const ota = device.status?.ota || {};
  const k = (key: string) => `kubeflash.device.ota.${ key }`;

  return [
    {
      labelKey: k('state'), value: ota.state, testid: 'kubeflash-ota-state'
    },
    { labelKey: k('targetVersion'), value: ota.targetVersion },
    {
      labelKey: k('rollout'), value: joined(ota.rolloutName, ota.attempt !== undefined ? `#${ ota.attempt }` : undefined), testid: 'kubeflash-ota-rollout'
    },
    { labelKey: k('bytes'), value: ota.bytes !== undefined ? joined(`${ formatBytes(ota.bytes) } / ${ formatBytes(ota.totalBytes) }`, ota.progress !== undefined ? `${ ota.progress }%` : undefined) : undefined },
    {
      labelKey: k('lastError'), value: ota.lastError ? joined(ota.lastError.reason, ota.lastError.message) : undefined, testid: 'kubeflash-ota-error'
    },
    { labelKey: k('retryAfter'), value: ota.retryAfter },
    { labelKey: k('updateTime'), value: ota.updateTime },
  ];
}

/** What was done to a device on request: its generated credentials, the last reboot request. */
export function deviceRequestRows(device: Partial<Pick<Device, 'status'>>): KeyValueRow[] {
  const c = device.status?.credentials;
  const reboot = device.status?.reboot;

  return [
    { labelKey: 'kubeflash.device.credentials.secret', value: c?.secretName },
    {
      labelKey: 'kubeflash.device.credentials.generatedAt', value: c?.generatedAt, testid: 'kubeflash-credentials-generated'
    },
    {
      labelKey: 'kubeflash.device.lastReboot', value: reboot ? joined(reboot.result, reboot.time, reboot.commandId) : undefined, testid: 'kubeflash-last-reboot'
    },
  ];
}

/** A class: chip, firmware version and source, builder, partition, description. */
export function deviceClassRows(deviceClass: Partial<Pick<DeviceClass, 'spec' | 'status'>>, uploadLabel: string): KeyValueRow[] {
  const spec = deviceClass.spec;
  const fw = spec?.firmware;

  return [
    {
      labelKey: 'kubeflash.deviceClass.chip', value: spec?.chip, testid: 'kubeflash-class-chip'
    },
    { labelKey: 'kubeflash.deviceClass.firmwareVersion', value: fw?.version },
    {
      labelKey: 'kubeflash.deviceClass.currentFirmware', value: deviceClass.status?.firmware?.name, testid: 'kubeflash-class-current-firmware'
    },
    { labelKey: 'kubeflash.deviceClass.source', value: sourceText(fw?.source, uploadLabel) },
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

/** The operator's link to a cluster's broker (status.broker). */
export function brokerRows(cluster: Partial<Pick<DevicesCluster, 'status'>>): KeyValueRow[] {
  const b = cluster.status?.broker;

  return [
    {
      labelKey: 'kubeflash.devicesCluster.broker.connected', value: undefined, valueKey: yesNo(b?.connected), testid: 'kubeflash-broker-connected'
    },
    {
      labelKey: 'kubeflash.devicesCluster.broker.administered', value: undefined, valueKey: yesNo(b?.administered)
    },
    {
      labelKey: 'kubeflash.devicesCluster.broker.managedAccounts', value: b?.managedAccounts, testid: 'kubeflash-broker-accounts'
    },
    { labelKey: 'kubeflash.devicesCluster.broker.protocolVersion', value: b?.protocolVersion },
    { labelKey: 'kubeflash.devicesCluster.broker.since', value: b?.since },
  ];
}

/** A firmware build: what it is (class, version, source) and what the operator made of it (app, signature). */
export function firmwareSummaryRows(firmware: Partial<Pick<Firmware, 'spec' | 'status'>>, uploadLabel: string): KeyValueRow[] {
  const spec = firmware.spec;
  const s = firmware.status || {};

  return [
    { labelKey: 'kubeflash.firmware.deviceClass', value: spec?.deviceClassRef?.name },
    { labelKey: 'kubeflash.firmware.version', value: spec?.version },
    { labelKey: 'kubeflash.deviceClass.source', value: sourceText(spec?.source, uploadLabel) },
    { labelKey: 'kubeflash.firmware.app', value: s.app ? joined(s.app.projectName, s.app.version, s.app.idfVersion) : undefined },
    {
      labelKey: 'kubeflash.firmware.signature', value: s.signature ? joined(s.signature.algorithm, s.signature.keyId) : undefined, testid: 'kubeflash-firmware-signature'
    },
  ];
}

/** A firmware build: timings and job. */
export function firmwareBuildRows(firmware: Partial<Pick<Firmware, 'status'>>): KeyValueRow[] {
  const s = firmware.status || {};

  return [
    { labelKey: 'kubeflash.firmware.started', value: s.startTime },
    { labelKey: 'kubeflash.firmware.finished', value: s.completionTime },
    {
      labelKey: 'kubeflash.firmware.duration', value: formatDuration(durationSeconds(s.startTime, s.completionTime)), testid: 'kubeflash-firmware-duration'
    },
    { labelKey: 'kubeflash.firmware.job', value: s.jobName },
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
