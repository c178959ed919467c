import { isDeepStrictEqual } from 'node:util';
import type { V1Secret } from '@kubernetes/client-node';
import { API_VERSION, ConditionStatus, type Condition, DeviceConditionType, DeviceReason, type Device, type DeviceStatus, deviceMqtt } from '@kubeflash/api';
import type { DeviceClass, DeviceGroup, DevicesCluster, SecretLookup } from '@kubeflash/api';
import type { DeviceCredentials } from '../../config/credentials';
import { renderDeviceConfig, type RenderOutcome } from '../../config/render';
import { CONFIG_HASH_ANNOTATION, MANAGED_BY_LABEL, MANAGED_BY_VALUE, buildConfigSecret, configSecretName } from '../../config/secret';
import { findCondition, setCondition } from '../conditions';
import type { EventIntent } from '../events';

/** Field manager of the device config controller's status writes. */
export const DEVICE_FIELD_MANAGER = 'kubeflash-device';

/** Everything the device controller reads for one Device (from caches; no API calls). */
export interface DeviceInputs {
  device: Device;
  deviceClass: DeviceClass | undefined;
  cluster: DevicesCluster | undefined;
  /** DeviceGroups of the device's namespace. */
  groups: readonly DeviceGroup[];
  secrets: SecretLookup;
  /** The existing config Secret (metadata and credentials only), if any. */
  configSecret: V1Secret | undefined;
  /** True when a Secret named like the config Secret exists but was not written by the operator. */
  foreignConfigSecret?: boolean;
  /** Credentials to use: the stored ones, completed with freshly generated ones where missing. */
  credentials: DeviceCredentials;
  /** The namespace's firmware signing public key (DER), the device's ota_pubkey; undefined until it exists. */
  otaPublicKey?: Uint8Array;
}

/** The part of Device status this controller owns. */
export type DeviceOwnedStatus = Pick<DeviceStatus, 'observedGeneration' | 'conditions' | 'config' | 'mqtt'>;

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
  return out;
}

/**
 * The status and Event after the config Secret could not be written (pure): ConfigReady=False with reason
 * ConfigWriteFailed and the API server's answer; what status records about the last good config stays.
 */
export function configWriteFailed(inputs: DeviceInputs, error: string, now: Date): { status?: DeviceOwnedStatus; event: EventIntent } {
  const { device } = inputs;
  const name = device.metadata.name ?? '';
  const generation = device.metadata.generation;
  const current = ownedStatusOf(device.status);
  const message = `cannot write Secret ${configSecretName(name)}: ${error}`;
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

/**
 * Decides a Device's config Secret, status and Events (pure): renders the config, writes the Secret only when
 * its hash annotation differs (or its owner is wrong), keeps the last good Secret when the inputs are invalid,
 * sets ConfigReady through `setCondition`, and emits an Event for every regeneration and every condition change.
 */
export function desiredDevice(inputs: DeviceInputs, now: Date): DeviceDecision {
  const { device, configSecret } = inputs;
  const namespace = device.metadata.namespace ?? 'default';
  const name = device.metadata.name ?? '';
  const generation = device.metadata.generation;
  const current = ownedStatusOf(device.status);
  const outcome: RenderOutcome = inputs.foreignConfigSecret
    ? {
      ok: false,
      reason: DeviceReason.ConfigInvalid,
      message: `Secret ${configSecretName(name)} exists but was not written by kubeflash (no label ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}); rename or delete it`,
      problems: [],
    }
    : renderDeviceConfig(inputs);
  const events: EventIntent[] = [];
  let secret: DeviceDecision['secret'];
  const next: DeviceOwnedStatus = {};
  if (generation !== undefined) next.observedGeneration = generation;

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
    ready = setCondition(current.conditions, {
      type: DeviceConditionType.ConfigReady,
      status: ConditionStatus.True,
      reason: DeviceReason.ConfigRendered,
      message: `Secret ${configSecretName(name)} holds the current config (${outcome.bytesUsed} of ${outcome.partitionSize} bytes used)`,
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

  const before = findCondition(current.conditions, DeviceConditionType.ConfigReady);
  const after = findCondition(next.conditions, DeviceConditionType.ConfigReady);
  const meaningful = !before || before.status !== after?.status || before.reason !== after?.reason || before.message !== after?.message;
  if (!secret && after && meaningful) {
    events.push({ type: after.status === ConditionStatus.False ? 'Warning' : 'Normal', reason: after.reason, message: after.message });
  }
  return { secret, status: isDeepStrictEqual(next, current) ? undefined : next, events };
}
