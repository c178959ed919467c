import { randomBytes } from 'node:crypto';
import { ApiException } from '@kubernetes/client-node';
import { API_VERSION, AccountManagement, ConditionStatus, DEFAULT_TOPIC_PREFIX, DeviceConditionType, DeviceResource, RebootResult, type Device } from '@kubeflash/api';
import { deviceId, deviceTopic, Channel, rebootCommand } from '@kubeflash/protocol';
import { findCondition } from '../conditions';
import { completeCredentials, credentialsComplete, rotateCredentials } from '../../config/credentials';
import { secretBytes } from '../../config/fleet';
import { classEncrypts } from '../../config/render';
import { CONFIG_HASH_ANNOTATION, configSecretName, credentialsFromSecretData, credentialsSecretName } from '../../config/secret';
import { SIGNING_KEY_SECRET, SIGNING_PUBLIC_KEY } from '../../artifacts/signing';
import { deviceAccount } from '../../mqtt/accounts';
import type { BrokerSession } from '../../mqtt/session';
import type { Logger } from '../../manager/logger';
import type { CacheReader, FleetCaches } from '../caches';
import { buildEvent } from '../events';
import type { ApiWriter } from '../writer';
import { apiErrorMessage } from '../../kube/apply';
import { BROKER_ACCOUNT_FINALIZER, DEVICE_FIELD_MANAGER, configWriteFailed, desiredAccount, desiredCredentialsSecret, desiredDevice, rebootRequested, rotationOf, type AccountOutcome, type CredentialsWrite, type DeviceDecision, type DeviceInputs, type RebootOutcome } from './desired';

/** What syncDevice needs. */
export interface DeviceSyncDeps {
  caches: { [K in 'devices' | 'classes' | 'clusters' | 'groups' | 'secrets' | 'configSecrets']: CacheReader<ReturnType<FleetCaches[K]['list']>[number]> };
  writer: ApiWriter;
  /** The broker sessions (mosquitto-dynsec accounts): `session(namespace, cluster)`. */
  brokers?: { session(namespace: string | undefined, name: string): AccountSession | undefined };
  now?: () => Date;
  /** Called after a config Secret was written, with its hash. */
  onSecretWritten?: (key: string, hash: string) => void;
  /** Called with the outcome of a render that changed something (for the config renders metric). */
  onRendered?: (result: RenderResult) => void;
  logger?: Logger;
}

/** Outcome of a device config render that wrote something. */
export type RenderResult = 'written' | 'invalid' | 'write_failed';

/** What the device controller needs of a DevicesCluster's broker session. */
export type AccountSession = Pick<BrokerSession, 'ensureAccount' | 'removeAccount' | 'publish'>;

/** Reads one Device's inputs from the caches; undefined when the Device is gone or being deleted. */
export function gatherDevice(caches: DeviceSyncDeps['caches'], namespace: string, name: string): DeviceInputs | undefined {
  const device = caches.devices.get(namespace, name);
  if (!device || device.metadata.deletionTimestamp) return undefined;
  const deviceClass = caches.classes.get(namespace, device.spec.deviceClassRef.name);
  const configSecret = caches.configSecrets.get(namespace, configSecretName(name));
  const otaPublicKey = caches.configSecrets.get(namespace, SIGNING_KEY_SECRET)?.data?.[SIGNING_PUBLIC_KEY];
  const credentialsSecret = caches.configSecrets.get(namespace, credentialsSecretName(name));
  const encrypted = classEncrypts(deviceClass);
  // Credentials live in their own Secret; config Secrets of older operators held the password and NVS keys.
  const stored = { ...credentialsFromSecretData(configSecret?.data), ...credentialsFromSecretData(credentialsSecret?.data) };
  const wanted = device.spec.credentials?.rotate ?? '';
  let credentials = completeCredentials(stored, encrypted);
  let credentialsWrite: CredentialsWrite | undefined;
  if (!credentialsSecret) credentialsWrite = 'create';
  else if ((rotationOf(credentialsSecret) ?? '') !== wanted) {
    credentials = rotateCredentials(credentials);
    credentialsWrite = 'rotate';
  } else if (!credentialsComplete(credentialsFromSecretData(credentialsSecret.data), encrypted)) credentialsWrite = 'complete';
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
    credentialsSecret,
    foreignCredentialsSecret: !credentialsSecret && caches.secrets.get(namespace, credentialsSecretName(name)) !== undefined,
    credentials,
    credentialsWrite,
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

/** Writes the credentials Secret; a refusal shows in ConfigReady (ConfigWriteFailed) and a Warning Event first. */
async function writeCredentials(writer: ApiWriter, inputs: DeviceInputs, write: NonNullable<ReturnType<typeof desiredCredentialsSecret>>, now: Date): Promise<void> {
  try {
    if (write.action === 'create') await writer.createSecret(write.object);
    else await writer.replaceSecret(write.object);
  } catch (err) {
    if (err instanceof ApiException && (err.code === 404 || err.code === 409)) throw err;
    const { device } = inputs;
    const namespace = device.metadata.namespace ?? 'default';
    const name = device.metadata.name ?? '';
    const failed = configWriteFailed(inputs, apiErrorMessage(err), now, write.object.metadata?.name);
    if (failed.status) await writer.applyStatus(DeviceResource.kind, DeviceResource.plural, namespace, name, failed.status, DEVICE_FIELD_MANAGER);
    const involved = { apiVersion: API_VERSION, kind: DeviceResource.kind, namespace, name, uid: device.metadata.uid, resourceVersion: device.metadata.resourceVersion };
    await writer.createEvent(buildEvent(involved, failed.event, now, randomBytes(8).toString('hex')));
    throw new ConfigWriteError(failed.event.message, err);
  }
}

/** Makes sure the broker account exists as desired (adding the finalizer first); undefined when accounts are not managed. */
async function ensureAccount(deps: DeviceSyncDeps, inputs: DeviceInputs): Promise<AccountOutcome | undefined> {
  const account = desiredAccount(inputs);
  if (!account) return undefined;
  const { device, cluster } = inputs;
  const session = deps.brokers?.session(cluster?.metadata.namespace, cluster?.metadata.name ?? '');
  if (!session) return { ok: false, message: `the operator has no connection to the broker of DevicesCluster ${cluster?.metadata.name} yet (see its Ready condition)` };
  const finalizers = device.metadata.finalizers ?? [];
  if (!finalizers.includes(BROKER_ACCOUNT_FINALIZER)) {
    await deps.writer.setFinalizers(DeviceResource.plural, device.metadata.namespace ?? 'default', device.metadata.name ?? '', [...finalizers, BROKER_ACCOUNT_FINALIZER], device.metadata.resourceVersion);
  }
  let result: AccountOutcome;
  try {
    result = await session.ensureAccount(account);
  } catch (err) {
    // The broker answered with an error or not at all: report it, then let the queue retry with backoff.
    return { ok: false, message: err instanceof Error ? err.message : String(err), retry: true };
  }
  if (result.ok && (result.created || result.changes.length > 0)) {
    deps.logger?.info(result.created ? 'broker account created' : 'broker account fixed', { controller: 'device', key: `${device.metadata.namespace}/${device.metadata.name}`, ...(result.created ? {} : { changes: result.changes.join(', ') }) });
  }
  return result;
}

/**
 * Answers a new spec.rebootRequest: publishes cmd/reboot with the operator's account when the device is online
 * (Online=True), otherwise records it as skipped; commands are never queued for offline devices.
 */
async function sendReboot(deps: DeviceSyncDeps, inputs: DeviceInputs, now: Date): Promise<RebootOutcome | undefined> {
  const request = rebootRequested(inputs.device);
  if (!request || !inputs.cluster) return undefined;
  const time = now.toISOString().replace(/\.\d+Z$/, 'Z');
  const online = inputs.device.status?.conditions?.find((c) => c.type === DeviceConditionType.Online)?.status === 'True';
  const session = deps.brokers?.session(inputs.cluster.metadata.namespace, inputs.cluster.metadata.name ?? '');
  if (online && session) {
    const command = rebootCommand(inputs.cluster.spec.mqtt.topicPrefix ?? DEFAULT_TOPIC_PREFIX, deviceId(inputs.device.metadata.namespace ?? 'default', inputs.device.metadata.name ?? ''));
    if (await session.publish(command)) return { request, result: RebootResult.Sent, commandId: JSON.parse(command.payload).id as string, time };
  }
  return { request, result: RebootResult.Skipped, time };
}

/**
 * A Device being deleted: removes its broker account and role, clears its retained status, then drops the
 * finalizer. Without a DevicesCluster that manages accounts, the finalizer is dropped at once (nothing can be
 * removed; the next converge of that cluster deletes the orphaned account).
 */
async function finalizeDevice(deps: DeviceSyncDeps, device: Device): Promise<void> {
  const finalizers = device.metadata.finalizers ?? [];
  if (!finalizers.includes(BROKER_ACCOUNT_FINALIZER)) return;
  const namespace = device.metadata.namespace ?? 'default';
  const name = device.metadata.name ?? '';
  const cluster = deps.caches.clusters.get(namespace, device.spec.devicesClusterRef.name);
  if (cluster && (cluster.spec.mqtt.accountManagement ?? AccountManagement.None) === AccountManagement.MosquittoDynsec) {
    const session = deps.brokers?.session(namespace, cluster.metadata.name ?? '');
    if (!session) throw new Error(`cannot remove the broker account of Device ${namespace}/${name}: no connection to the broker of DevicesCluster ${cluster.metadata.name}`);
    const account = deviceAccount({ namespace, name: cluster.metadata.name ?? '', topicPrefix: cluster.spec.mqtt.topicPrefix ?? DEFAULT_TOPIC_PREFIX }, { namespace, name }, '');
    const removed = await session.removeAccount(account.username, account.rolename);
    if (!removed.ok) throw new Error(`cannot remove the broker account of Device ${namespace}/${name}: ${removed.message}`);
    await session.publish({ topic: deviceTopic(cluster.spec.mqtt.topicPrefix ?? DEFAULT_TOPIC_PREFIX, deviceId(namespace, name), Channel.Status), payload: '', qos: 1, retain: true });
    deps.logger?.info('broker account removed', { controller: 'device', key: `${namespace}/${name}` });
  }
  await deps.writer.setFinalizers(DeviceResource.plural, namespace, name, finalizers.filter((f) => f !== BROKER_ACCOUNT_FINALIZER), device.metadata.resourceVersion);
}

/** Reconciles one Device key (`namespace/name`): gather -> credentials -> broker account -> decide -> apply. */
export async function syncDevice(deps: DeviceSyncDeps, key: string): Promise<void> {
  const [namespace, name] = key.split('/');
  const gone = (err: unknown): boolean => err instanceof ApiException && err.code === 404 && !deps.caches.devices.get(namespace, name);
  const existing = deps.caches.devices.get(namespace, name);
  if (existing?.metadata.deletionTimestamp) {
    try {
      await finalizeDevice(deps, existing);
    } catch (err) {
      if (!gone(err)) throw err;
    }
    return;
  }
  const inputs = gatherDevice(deps.caches, namespace, name);
  if (!inputs) return;
  // The signing key controller creates the namespace's key as soon as it has a DevicesCluster, and its arrival
  // queues every device of the namespace: wait for it rather than render each config twice (without and with ota_pubkey).
  if (inputs.cluster && !inputs.otaPublicKey) return;
  const now = (deps.now ?? (() => new Date()))();
  try {
    const credentials = desiredCredentialsSecret(inputs, now);
    if (credentials) await writeCredentials(deps.writer, inputs, credentials, now);
    const account = await ensureAccount(deps, inputs);
    const reboot = await sendReboot(deps, inputs, now);
    const decision = desiredDevice(inputs, now, account, reboot);
    await applyDevice(deps.writer, inputs, decision, now);
    const hash = decision.secret?.object.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];
    if (hash) deps.onSecretWritten?.(key, hash);
    if (decision.secret) deps.onRendered?.('written');
    else if (findCondition(decision.status?.conditions, DeviceConditionType.ConfigReady)?.status === ConditionStatus.False) deps.onRendered?.('invalid');
    if (account && !account.ok && account.retry) throw new Error(`broker account of Device ${key}: ${account.message}`);
  } catch (err) {
    if (err instanceof ConfigWriteError) deps.onRendered?.('write_failed');
    // The Device went away while we wrote: nothing left to do.
    if (gone(err)) return;
    throw err;
  }
}
