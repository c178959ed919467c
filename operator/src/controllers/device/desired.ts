import { isDeepStrictEqual } from 'node:util';
import type { V1Secret } from '@kubernetes/client-node';
import { API_VERSION, AccountManagement, ConditionStatus, DEFAULT_TOPIC_PREFIX, type Condition, DeviceConditionType, DeviceReason, RebootResult, type Device, type DeviceStatus, deviceMqtt } from '@kubeflash/api';
import type { DeviceClass, DeviceGroup, DevicesCluster, SecretLookup } from '@kubeflash/api';
import type { DeviceCredentials } from '../../config/credentials';
import { renderDeviceConfig, type RenderOutcome } from '../../config/render';
import { CONFIG_HASH_ANNOTATION, CREDENTIALS_GENERATED_ANNOTATION, CREDENTIALS_ROTATION_ANNOTATION, MANAGED_BY_LABEL, MANAGED_BY_VALUE, buildConfigSecret, buildCredentialsSecret, configSecretName, credentialsSecretName } from '../../config/secret';
import { deviceAccount, type DesiredAccount } from '../../mqtt/accounts';
import { findCondition, setCondition } from '../conditions';
import type { EventIntent } from '../events';

/** Field manager of the device config controller's status writes. */
export const DEVICE_FIELD_MANAGER = 'kubeflash-device';
/** Finalizer on a Device while the operator holds a broker account for it (mosquitto-dynsec). */
export const BROKER_ACCOUNT_FINALIZER = 'kubeflash.dev/broker-account';

/** Why the credentials Secret is written in this reconcile. */
export type CredentialsWrite = 'create' | 'rotate' | 'complete';

/** Everything the device controller reads for one Device (from caches; no API calls). */
export interface DeviceInputs {
  device: Device;
  deviceClass: DeviceClass | undefined;
  cluster: DevicesCluster | undefined;
  /** DeviceGroups of the device's namespace. */
  groups: readonly DeviceGroup[];
  secrets: SecretLookup;
  /** The existing config Secret (metadata only), if any. */
  configSecret: V1Secret | undefined;
  /** True when a Secret named like the config Secret exists but was not written by the operator. */
  foreignConfigSecret?: boolean;
  /** The existing credentials Secret, if any. */
  credentialsSecret?: V1Secret;
  /** True when a Secret named like the credentials Secret exists but was not written by the operator. */
  foreignCredentialsSecret?: boolean;
  /** Credentials to use: the stored ones, completed with fresh ones where missing, or new ones on rotation. */
  credentials: DeviceCredentials;
  /** The namespace's firmware signing public key (DER), the device's ota_pubkey; undefined until it exists. */
  otaPublicKey?: Uint8Array;
  /** Set when the credentials Secret must be written (created, rotated, or completed with NVS keys). */
  credentialsWrite?: CredentialsWrite;
}

/** The part of Device status this controller owns. */
export type DeviceOwnedStatus = Pick<DeviceStatus, 'observedGeneration' | 'conditions' | 'config' | 'mqtt' | 'credentials' | 'reboot'>;

/** A spec.rebootRequest handled in this reconcile. */
export type RebootOutcome = NonNullable<DeviceStatus['reboot']>;

/** What happened to the device's broker account in this reconcile. */
export type AccountOutcome = { ok: true; created: boolean; changes: string[] } | { ok: false; message: string; /** the broker refused or did not answer: retry with backoff */ retry?: boolean };

/** What to write for one Device. */
export interface DeviceDecision {
  /** Config Secret to create or replace; undefined when the stored one is current (or nothing can be rendered). */
  secret?: { action: 'create' | 'replace'; object: V1Secret };
  /** Status to apply; undefined when it equals what is stored. */
  status?: DeviceOwnedStatus;
  events: EventIntent[];
}

/** The owned part of a stored status, for comparison. */
export function ownedStatusOf(status: DeviceStatus | undefined): DeviceOwnedStatus {
  const ready = findCondition(status?.conditions, DeviceConditionType.ConfigReady);
  const out: DeviceOwnedStatus = {};
  if (status?.observedGeneration !== undefined) out.observedGeneration = status.observedGeneration;
  if (ready) out.conditions = [ready];
  if (status?.config !== undefined) out.config = status.config;
  if (status?.mqtt !== undefined) out.mqtt = status.mqtt;
  if (status?.credentials !== undefined) out.credentials = status.credentials;
  if (status?.reboot !== undefined) out.reboot = status.reboot;
  return out;
}

/**
 * The status and Event after the config Secret could not be written (pure): ConfigReady=False with reason
 * ConfigWriteFailed and the API server's answer; what status records about the last good config stays.
 */
export function configWriteFailed(inputs: DeviceInputs, error: string, now: Date, secretName = configSecretName(inputs.device.metadata.name ?? '')): { status?: DeviceOwnedStatus; event: EventIntent } {
  const { device } = inputs;
  const generation = device.metadata.generation;
  const current = ownedStatusOf(device.status);
  const message = `cannot write Secret ${secretName}: ${error}`;
  const next: DeviceOwnedStatus = { ...current };
  if (generation !== undefined) next.observedGeneration = generation;
  next.conditions = setCondition(current.conditions, {
    type: DeviceConditionType.ConfigReady,
    status: ConditionStatus.False,
    reason: DeviceReason.ConfigWriteFailed,
    message,
    observedGeneration: generation,
  }, now);
  return { status: isDeepStrictEqual(next, current) ? undefined : next, event: { type: 'Warning', reason: DeviceReason.ConfigWriteFailed, message } };
}

const short = (hash: string): string => hash.slice(0, 'sha256:'.length + 12);
const nameOf = (d: Device): string => d.metadata.name ?? '';
const namespaceOf = (d: Device): string => d.metadata.namespace ?? 'default';

/** The rotation value a credentials Secret was generated for. */
export const rotationOf = (secret: V1Secret | undefined): string | undefined => secret?.metadata?.annotations?.[CREDENTIALS_ROTATION_ANNOTATION];

/** The credentials Secret to create or replace, or undefined when the stored one stays (pure). */
export function desiredCredentialsSecret(inputs: DeviceInputs, now: Date): { action: 'create' | 'replace'; object: V1Secret } | undefined {
  if (!inputs.credentialsWrite || inputs.foreignCredentialsSecret) return undefined;
  const { device } = inputs;
  const rotation = inputs.device.spec.credentials?.rotate ?? '';
  const generatedAt = inputs.credentialsWrite === 'complete' ? new Date(inputs.credentialsSecret?.metadata?.annotations?.[CREDENTIALS_GENERATED_ANNOTATION] ?? now) : now;
  const object = buildCredentialsSecret({ namespace: namespaceOf(device), name: nameOf(device), uid: device.metadata.uid ?? '', apiVersion: API_VERSION }, inputs.credentials, rotation, generatedAt);
  if (!inputs.credentialsSecret) return { action: 'create', object };
  object.metadata = {
    ...object.metadata,
    resourceVersion: inputs.credentialsSecret.metadata?.resourceVersion,
    labels: { ...inputs.credentialsSecret.metadata?.labels, ...object.metadata?.labels },
    annotations: { ...inputs.credentialsSecret.metadata?.annotations, ...object.metadata?.annotations },
  };
  return { action: 'replace', object };
}

/** The broker account the device should have, when its DevicesCluster manages accounts (mosquitto-dynsec). */
export function desiredAccount(inputs: DeviceInputs): DesiredAccount | undefined {
  const { cluster, device } = inputs;
  if (!cluster || (cluster.spec.mqtt.accountManagement ?? AccountManagement.None) !== AccountManagement.MosquittoDynsec) return undefined;
  if (inputs.foreignCredentialsSecret) return undefined;
  const ref = { namespace: cluster.metadata.namespace ?? 'default', name: cluster.metadata.name ?? '', topicPrefix: cluster.spec.mqtt.topicPrefix ?? DEFAULT_TOPIC_PREFIX };
  return deviceAccount(ref, { namespace: namespaceOf(device), name: nameOf(device) }, inputs.credentials.mqttPassword);
}

function foreignSecretFailure(name: string): RenderOutcome {
  return {
    ok: false,
    reason: DeviceReason.ConfigInvalid,
    message: `Secret ${name} exists but was not written by kubeflash (no label ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}); rename or delete it`,
    problems: [],
  };
}

/**
 * Decides a Device's config Secret, status and Events (pure): renders the config, writes the Secret only when
 * its hash annotation differs (or its owner is wrong), keeps the last good Secret when the inputs are invalid,
 * sets ConfigReady through `setCondition` (False with BrokerAccountFailed when the broker account could not be
 * made), and emits an Event for every regeneration, rotation and condition change.
 */
export function desiredDevice(inputs: DeviceInputs, now: Date, account?: AccountOutcome, reboot?: RebootOutcome): DeviceDecision {
  const { device, configSecret } = inputs;
  const namespace = namespaceOf(device);
  const name = nameOf(device);
  const generation = device.metadata.generation;
  const current = ownedStatusOf(device.status);
  const outcome: RenderOutcome = inputs.foreignConfigSecret
    ? foreignSecretFailure(configSecretName(name))
    : inputs.foreignCredentialsSecret
      ? foreignSecretFailure(credentialsSecretName(name))
      : renderDeviceConfig(inputs);
  const events: EventIntent[] = [];
  let secret: DeviceDecision['secret'];
  const next: DeviceOwnedStatus = {};
  if (generation !== undefined) next.observedGeneration = generation;

  if (inputs.credentialsWrite === 'rotate' && !inputs.foreignCredentialsSecret) {
    events.push({ type: 'Normal', reason: DeviceReason.CredentialsRotated, message: `new MQTT and web passwords in Secret ${credentialsSecretName(name)} (spec.credentials.rotate); flash the new config.bin to the board` });
  }

  let ready: Condition[];
  if (outcome.ok) {
    const uid = device.metadata.uid ?? '';
    const storedHash = configSecret?.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];
    const ownerOk = configSecret?.metadata?.ownerReferences?.some((o) => o.uid === uid && o.controller) ?? false;
    if (!configSecret || storedHash !== outcome.hash || !ownerOk) {
      const object = buildConfigSecret({ namespace, name, uid, apiVersion: API_VERSION }, outcome.files, inputs.credentials, outcome.hash);
      if (configSecret) {
        object.metadata = {
          ...object.metadata,
          resourceVersion: configSecret.metadata?.resourceVersion,
          labels: { ...configSecret.metadata?.labels, ...object.metadata?.labels },
          annotations: { ...configSecret.metadata?.annotations, ...object.metadata?.annotations },
        };
      }
      secret = { action: configSecret ? 'replace' : 'create', object };
      events.push({
        type: 'Normal',
        reason: DeviceReason.ConfigRendered,
        message: `config.bin regenerated in Secret ${configSecretName(name)}: ${outcome.bytesUsed} of ${outcome.partitionSize} bytes used, ${short(outcome.hash)}`,
      });
    }
    const accountNote = account?.ok ? '; broker account ready' : '';
    ready = setCondition(current.conditions, account && !account.ok
      ? { type: DeviceConditionType.ConfigReady, status: ConditionStatus.False, reason: DeviceReason.BrokerAccountFailed, message: `the config is current, but the broker account could not be made: ${account.message}`, observedGeneration: generation }
      : {
        type: DeviceConditionType.ConfigReady,
        status: ConditionStatus.True,
        reason: DeviceReason.ConfigRendered,
        message: `Secret ${configSecretName(name)} holds the current config (${outcome.bytesUsed} of ${outcome.partitionSize} bytes used)${accountNote}`,
        observedGeneration: generation,
      }, now);
    next.conditions = ready;
    next.config = {
      secretName: configSecretName(name),
      hash: outcome.hash,
      bytesUsed: outcome.bytesUsed,
      partitionSize: outcome.partitionSize,
      ...(generation === undefined ? {} : { observedGeneration: generation }),
      keys: outcome.keys,
    };
    next.mqtt = outcome.mqtt;
  } else {
    ready = setCondition(current.conditions, {
      type: DeviceConditionType.ConfigReady,
      status: ConditionStatus.False,
      reason: outcome.reason,
      message: outcome.message,
      observedGeneration: generation,
    }, now);
    next.conditions = ready;
    // The last good Secret stays as it is, and so does what status says about it.
    if (current.config !== undefined) next.config = current.config;
    if (inputs.cluster) next.mqtt = deviceMqtt(namespace, name, inputs.cluster);
    else if (current.mqtt !== undefined) next.mqtt = current.mqtt;
  }
  if (!inputs.foreignCredentialsSecret) {
    const fresh = inputs.credentialsWrite === 'create' || inputs.credentialsWrite === 'rotate';
    const stamp = inputs.credentialsSecret?.metadata?.annotations?.[CREDENTIALS_GENERATED_ANNOTATION] ?? current.credentials?.generatedAt;
    next.credentials = {
      secretName: credentialsSecretName(name),
      rotation: device.spec.credentials?.rotate ?? '',
      generatedAt: fresh || !stamp ? now.toISOString().replace(/\.\d+Z$/, 'Z') : stamp,
    };
  } else if (current.credentials !== undefined) {
    next.credentials = current.credentials;
  }

  if (reboot) {
    next.reboot = reboot;
    events.push(reboot.result === RebootResult.Sent
      ? { type: 'Normal', reason: DeviceReason.RebootSent, message: `cmd/reboot ${reboot.commandId} sent for spec.rebootRequest ${JSON.stringify(reboot.request)}` }
      : { type: 'Warning', reason: DeviceReason.RebootSkipped, message: `spec.rebootRequest ${JSON.stringify(reboot.request)} not sent: the device is not online (commands are never queued for offline devices)` });
  } else if (current.reboot !== undefined) {
    next.reboot = current.reboot;
  }

  const before = findCondition(current.conditions, DeviceConditionType.ConfigReady);
  const after = findCondition(next.conditions, DeviceConditionType.ConfigReady);
  const meaningful = !before || before.status !== after?.status || before.reason !== after?.reason || before.message !== after?.message;
  if (!secret && after && meaningful) {
    events.push({ type: after.status === ConditionStatus.False ? 'Warning' : 'Normal', reason: after.reason, message: after.message });
  }
  return { secret, status: isDeepStrictEqual(next, current) ? undefined : next, events };
}

/** True when spec.rebootRequest names a request status.reboot has not answered yet. */
export function rebootRequested(device: Device): string | undefined {
  const request = device.spec.rebootRequest;
  return request && request !== device.status?.reboot?.request ? request : undefined;
}
