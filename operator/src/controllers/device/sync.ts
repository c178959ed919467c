import { randomBytes } from 'node:crypto';
import { ApiException } from '@kubernetes/client-node';
import { API_VERSION, ConditionStatus, DeviceConditionType, DeviceResource } from '@kubeflash/api';
import { findCondition } from '../conditions';
import { completeCredentials } from '../../config/credentials';
import { secretBytes } from '../../config/fleet';
import { classEncrypts } from '../../config/render';
import { CONFIG_HASH_ANNOTATION, configSecretName, credentialsFromSecretData } from '../../config/secret';
import { SIGNING_KEY_SECRET, SIGNING_PUBLIC_KEY } from '../../artifacts/signing';
import type { CacheReader, FleetCaches } from '../caches';
import { buildEvent } from '../events';
import type { ApiWriter } from '../writer';
import { apiErrorMessage } from '../../kube/apply';
import { DEVICE_FIELD_MANAGER, configWriteFailed, desiredDevice, type DeviceDecision, type DeviceInputs } from './desired';

/** What syncDevice needs. */
export interface DeviceSyncDeps {
  caches: { [K in 'devices' | 'classes' | 'clusters' | 'groups' | 'secrets' | 'configSecrets']: CacheReader<ReturnType<FleetCaches[K]['list']>[number]> };
  writer: ApiWriter;
  now?: () => Date;
  /** Called after a config Secret was written, with its hash. */
  onSecretWritten?: (key: string, hash: string) => void;
  /** Called with the outcome of a render that changed something (for the config renders metric). */
  onRendered?: (result: RenderResult) => void;
}

/** Outcome of a device config render that wrote something. */
export type RenderResult = 'written' | 'invalid' | 'write_failed';

/** Reads one Device's inputs from the caches; undefined when the Device is gone or being deleted. */
export function gatherDevice(caches: DeviceSyncDeps['caches'], namespace: string, name: string): DeviceInputs | undefined {
  const device = caches.devices.get(namespace, name);
  if (!device || device.metadata.deletionTimestamp) return undefined;
  const deviceClass = caches.classes.get(namespace, device.spec.deviceClassRef.name);
  const configSecret = caches.configSecrets.get(namespace, configSecretName(name));
  const otaPublicKey = caches.configSecrets.get(namespace, SIGNING_KEY_SECRET)?.data?.[SIGNING_PUBLIC_KEY];
  return {
    device,
    deviceClass,
    cluster: caches.clusters.get(namespace, device.spec.devicesClusterRef.name),
    groups: caches.groups.list(namespace),
    secrets: (secretName) => {
      const s = caches.secrets.get(namespace, secretName);
      return s ? secretBytes(s) : undefined;
    },
    configSecret,
    foreignConfigSecret: !configSecret && caches.secrets.get(namespace, configSecretName(name)) !== undefined,
    credentials: completeCredentials(credentialsFromSecretData(configSecret?.data), classEncrypts(deviceClass)),
    ...(otaPublicKey ? { otaPublicKey: new Uint8Array(Buffer.from(otaPublicKey, 'base64')) } : {}),
  };
}

/** Thrown when the config Secret could not be written, after the failure was put in status and an Event. */
export class ConfigWriteError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'ConfigWriteError';
  }
}

/**
 * Writes a decision: the Secret first, then status, then Events. When the Secret write fails, ConfigReady says
 * so (with a Warning Event) before the error propagates; every error goes back to the queue, which retries.
 */
export async function applyDevice(writer: ApiWriter, inputs: DeviceInputs, decision: DeviceDecision, now: Date): Promise<void> {
  const { device } = inputs;
  const namespace = device.metadata.namespace ?? 'default';
  const name = device.metadata.name ?? '';
  const involved = { apiVersion: API_VERSION, kind: DeviceResource.kind, namespace, name, uid: device.metadata.uid, resourceVersion: device.metadata.resourceVersion };
  if (decision.secret) {
    try {
      if (decision.secret.action === 'create') await writer.createSecret(decision.secret.object);
      else await writer.replaceSecret(decision.secret.object);
    } catch (err) {
      // Gone or changed meanwhile: the retry (or the informer's event) sorts it out, nothing to report.
      if (err instanceof ApiException && (err.code === 404 || err.code === 409)) throw err;
      const failed = configWriteFailed(inputs, apiErrorMessage(err), now);
      if (failed.status) await writer.applyStatus(DeviceResource.kind, DeviceResource.plural, namespace, name, failed.status, DEVICE_FIELD_MANAGER);
      await writer.createEvent(buildEvent(involved, failed.event, now, randomBytes(8).toString('hex')));
      throw new ConfigWriteError(failed.event.message, err);
    }
  }
  if (decision.status) {
    await writer.applyStatus(DeviceResource.kind, DeviceResource.plural, namespace, name, decision.status, DEVICE_FIELD_MANAGER);
  }
  for (const intent of decision.events) {
    await writer.createEvent(buildEvent(involved, intent, now, randomBytes(8).toString('hex')));
  }
}

/** Reconciles one Device key (`namespace/name`): gather -> decide -> apply. */
export async function syncDevice(deps: DeviceSyncDeps, key: string): Promise<void> {
  const [namespace, name] = key.split('/');
  const inputs = gatherDevice(deps.caches, namespace, name);
  if (!inputs) return;
  // The signing key controller creates the namespace's key as soon as it has a DevicesCluster, and its arrival
  // queues every device of the namespace: wait for it rather than render each config twice (without and with ota_pubkey).
  if (inputs.cluster && !inputs.otaPublicKey) return;
  const now = (deps.now ?? (() => new Date()))();
  const decision = desiredDevice(inputs, now);
  try {
    await applyDevice(deps.writer, inputs, decision, now);
  } catch (err) {
    if (err instanceof ConfigWriteError) deps.onRendered?.('write_failed');
    // The Device went away while we wrote: nothing left to do.
    if (err instanceof ApiException && err.code === 404 && !deps.caches.devices.get(namespace, name)) return;
    throw err;
  }
  const hash = decision.secret?.object.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];
  if (hash) deps.onSecretWritten?.(key, hash);
  if (decision.secret) deps.onRendered?.('written');
  else if (findCondition(decision.status?.conditions, DeviceConditionType.ConfigReady)?.status === ConditionStatus.False) deps.onRendered?.('invalid');
}
