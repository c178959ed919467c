import { isDeepStrictEqual } from 'node:util';
import type { V1Secret } from '@kubernetes/client-node';
import {
  API_VERSION,
  AccountManagement,
  ConditionStatus,
  DEFAULT_TOPIC_PREFIX,
  DevicesClusterConditionType,
  DevicesClusterReason,
  type BrokerStatus,
  type Condition,
  type DevicesCluster,
  type DevicesClusterStatus,
  type FleetSummary,
} from '@kubeflash/api';
import { DEFAULT_CA_KEY } from '../../config/render';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../config/secret';
import { operatorUsername } from '../../mqtt/accounts';
import type { BrokerSessionConfig, BrokerSessionStatus } from '../../mqtt/session';
import { findCondition, setCondition } from '../conditions';
import type { EventIntent } from '../events';

/** Field manager of the DevicesCluster controller's status writes. */
export const DEVICESCLUSTER_FIELD_MANAGER = 'kubeflash-devicescluster';
/** Label on the Secret holding the operator's own broker account of a DevicesCluster. */
export const DEVICESCLUSTER_LABEL = 'kubeflash.dev/devicescluster';

/** Name of the Secret with the operator's own broker account (mosquitto-dynsec; the operator creates it). */
export function operatorSecretName(cluster: string): string {
  return `${cluster}-mqtt-operator`;
}

/** Everything the DevicesCluster controller reads for one cluster (from caches and the broker session; no API calls). */
export interface DevicesClusterInputs {
  cluster: DevicesCluster;
  devices: number;
  fleet: FleetSummary;
  /** Raw bytes of a Secret of the cluster's namespace (not written by the operator). */
  secret: (name: string) => Record<string, Uint8Array> | undefined;
  /** The operator's own account Secret (mosquitto-dynsec), if written already. */
  operatorSecret: V1Secret | undefined;
  /** A fresh password, used only when the operator's account Secret must be created. */
  newOperatorPassword: string;
  /** The broker session's status, when one runs. */
  session: BrokerSessionStatus | undefined;
}

/** Status this controller owns. */
export type DevicesClusterOwnedStatus = Pick<DevicesClusterStatus, 'observedGeneration' | 'devices' | 'conditions' | 'broker' | 'fleet'>;

/** What to do for one DevicesCluster. */
export interface DevicesClusterDecision {
  /** The operator's account Secret to create (mosquitto-dynsec, first time). */
  operatorSecret?: V1Secret;
  /** The broker session to run, or remove (a referenced Secret is missing). */
  session: { run: BrokerSessionConfig } | { remove: true };
  status?: DevicesClusterOwnedStatus;
  events: EventIntent[];
}

const text = (bytes: Uint8Array | undefined): string | undefined => (bytes && bytes.length > 0 ? Buffer.from(bytes).toString('utf8') : undefined);
const decode = (b64: string | undefined): string | undefined => (b64 ? Buffer.from(b64, 'base64').toString('utf8') : undefined);

/** The owned part of a stored status. */
export function ownedClusterStatus(status: DevicesClusterStatus | undefined): DevicesClusterOwnedStatus {
  const out: DevicesClusterOwnedStatus = {};
  if (status?.observedGeneration !== undefined) out.observedGeneration = status.observedGeneration;
  if (status?.devices !== undefined) out.devices = status.devices;
  const ready = findCondition(status?.conditions, DevicesClusterConditionType.Ready);
  if (ready) out.conditions = [ready];
  if (status?.broker !== undefined) out.broker = status.broker;
  if (status?.fleet !== undefined) out.fleet = status.fleet;
  return out;
}

/** Username and password keys of a credentials Secret, or a sentence saying what is missing. */
function credentials(secret: Record<string, Uint8Array> | undefined, name: string, field: string): { username: string; password: string } | string {
  if (!secret) return `Secret ${name} (${field}) does not exist`;
  const username = text(secret.username);
  const password = text(secret.password);
  if (!username || !password) return `Secret ${name} (${field}) needs the keys username and password`;
  return { username, password };
}

/** Builds the Secret holding the operator's own broker account of a DevicesCluster (owned by it). */
export function buildOperatorSecret(cluster: DevicesCluster, username: string, password: string): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: operatorSecretName(cluster.metadata.name ?? ''),
      namespace: cluster.metadata.namespace,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [DEVICESCLUSTER_LABEL]: cluster.metadata.name ?? '' },
      ownerReferences: [{ apiVersion: API_VERSION, kind: 'DevicesCluster', name: cluster.metadata.name ?? '', uid: cluster.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    data: { username: Buffer.from(username).toString('base64'), password: Buffer.from(password).toString('base64') },
  };
}

/**
 * Decides a DevicesCluster's broker session (pure): which Secrets it needs (admin and operator accounts, CA),
 * the session settings, the status (device count, broker link, fleet summary, Ready) and the Events of Ready
 * transitions. Ready is True only when the operator is connected with its own account and subscribed, and with
 * mosquitto-dynsec also administers the accounts.
 */
export function desiredDevicesCluster(inputs: DevicesClusterInputs, now: Date): DevicesClusterDecision {
  const { cluster } = inputs;
  const namespace = cluster.metadata.namespace ?? 'default';
  const name = cluster.metadata.name ?? '';
  const mqtt = cluster.spec.mqtt;
  const dynsec = (mqtt.accountManagement ?? AccountManagement.None) === AccountManagement.MosquittoDynsec;
  const url = mqtt.operatorBrokerUri ?? mqtt.brokerUri;
  const problems: string[] = [];
  let operatorSecret: V1Secret | undefined;
  let admin: { username: string; password: string } | undefined;
  let operator: { username?: string; password?: string } = {};
  if (dynsec) {
    const found = credentials(mqtt.adminSecretRef ? inputs.secret(mqtt.adminSecretRef.name) : undefined, mqtt.adminSecretRef?.name ?? '(none)', 'spec.mqtt.adminSecretRef');
    if (typeof found === 'string') problems.push(found);
    else admin = found;
    const stored = decode(inputs.operatorSecret?.data?.password);
    if (stored) operator = { password: stored };
    else {
      operatorSecret = buildOperatorSecret(cluster, operatorUsername({ namespace, name }), inputs.newOperatorPassword);
      operator = { password: inputs.newOperatorPassword };
    }
  } else if (mqtt.operatorSecretRef) {
    const found = credentials(inputs.secret(mqtt.operatorSecretRef.name), mqtt.operatorSecretRef.name, 'spec.mqtt.operatorSecretRef');
    if (typeof found === 'string') problems.push(found);
    else operator = found;
  }
  let caPem: string | undefined;
  if (mqtt.caSecretRef && url.startsWith('mqtts://')) {
    const key = mqtt.caSecretRef.key ?? DEFAULT_CA_KEY;
    const secret = inputs.secret(mqtt.caSecretRef.name);
    caPem = text(secret?.[key]);
    if (!caPem) problems.push(`Secret ${mqtt.caSecretRef.name} (spec.mqtt.caSecretRef) ${secret ? `has no key ${key}` : 'does not exist'}`);
  }

  const generation = cluster.metadata.generation;
  const current = ownedClusterStatus(cluster.status);
  const session = problems.length === 0 ? inputs.session : undefined;
  let ready: { status: ConditionStatus; reason: string; message: string };
  if (problems.length > 0) {
    ready = { status: ConditionStatus.False, reason: DevicesClusterReason.SecretNotFound, message: problems.join('; ') };
  } else if (!session || session.problem?.reason === 'Connecting') {
    ready = { status: ConditionStatus.Unknown, reason: DevicesClusterReason.Connecting, message: `connecting to ${url}` };
  } else if (session.problem) {
    ready = { status: ConditionStatus.False, reason: DevicesClusterReason[session.problem.reason], message: `${url}: ${session.problem.message}` };
  } else {
    const version = session.protocolVersion === 5 ? 'MQTT 5' : 'MQTT 3.1.1';
    ready = {
      status: ConditionStatus.True,
      reason: DevicesClusterReason.Reconciled,
      message: dynsec
        ? `connected to ${url} (${version}); dynamic security answers; ${session.managedAccounts ?? 0} managed accounts`
        : `connected to ${url} (${version}); accounts are managed outside kubeflash`,
    };
  }
  const conditions: Condition[] = setCondition(current.conditions, { type: DevicesClusterConditionType.Ready, ...ready, observedGeneration: generation }, now);
  const next: DevicesClusterOwnedStatus = { devices: inputs.devices, conditions, fleet: inputs.fleet };
  if (generation !== undefined) next.observedGeneration = generation;
  if (session) {
    const broker: BrokerStatus = { connected: session.connected, since: session.since.toISOString().replace(/\.\d+Z$/, 'Z') };
    if (dynsec) {
      broker.administered = session.administered ?? false;
      if (session.managedAccounts !== undefined) broker.managedAccounts = session.managedAccounts;
    }
    if (session.protocolVersion) broker.protocolVersion = session.protocolVersion;
    next.broker = broker;
  }
  const before = findCondition(current.conditions, DevicesClusterConditionType.Ready);
  const after = conditions[0];
  const events: EventIntent[] = [];
  if (before?.status !== after.status || before?.reason !== after.reason) {
    events.push({ type: after.status === ConditionStatus.False ? 'Warning' : 'Normal', reason: after.reason, message: after.message });
  }
  return {
    operatorSecret,
    session: problems.length > 0 ? { remove: true } : { run: { cluster: { namespace, name, topicPrefix: mqtt.topicPrefix ?? DEFAULT_TOPIC_PREFIX }, url, ...(caPem ? { caPem } : {}), ...(admin ? { admin } : {}), operator } },
    status: isDeepStrictEqual(next, current) ? undefined : next,
    events,
  };
}

/** Counts a cluster's devices by what they report (Online condition, firmware version), for status.fleet. */
export function fleetSummary(devices: readonly { status?: { conditions?: Condition[]; reported?: { firmwareVersion?: string; lastSeen?: string } } }[]): FleetSummary {
  let online = 0;
  let offline = 0;
  let neverSeen = 0;
  const versions = new Map<string, number>();
  for (const d of devices) {
    const state = findCondition(d.status?.conditions, 'Online')?.status;
    if (state === ConditionStatus.True) online++;
    else if (state === ConditionStatus.False || d.status?.reported?.lastSeen) offline++;
    else neverSeen++;
    const v = d.status?.reported?.firmwareVersion;
    if (v) versions.set(v, (versions.get(v) ?? 0) + 1);
  }
  const firmwareVersions = [...versions].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 20).map(([version, count]) => ({ version, devices: count }));
  return { online, offline, neverSeen, ...(firmwareVersions.length > 0 ? { firmwareVersions } : {}) };
}

