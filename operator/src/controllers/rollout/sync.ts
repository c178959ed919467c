import { isDeepStrictEqual } from 'node:util';
import { randomBytes } from 'node:crypto';
import { ApiException } from '@kubernetes/client-node';
import { API_VERSION, DeviceResource, RolloutResource, type Device, type DevicesCluster, type Rollout, type RolloutStatus } from '@kubeflash/api';
import { otaCommand, otaCommandId } from '@kubeflash/protocol';
import { signedUrl } from '../../artifacts/signed-url';
import type { BrokerManager } from '../../mqtt/manager';
import type { Logger } from '../../manager/logger';
import type { FleetCaches } from '../caches';
import { buildEvent } from '../events';
import type { ApiWriter } from '../writer';
import { HOLDING_PHASES, ROLLOUT_FIELD_MANAGER, decideRollout, rolloutArtifact, type RolloutDecision } from './desired';
import { belongsTo, otaBusy, type DeviceLive, type DeviceOta } from './device-step';
import type { RolloutMetrics } from './metrics';

/** Rollout status writes that change only counts and messages wait at least this long after the previous one. */
export const STATUS_WRITE_INTERVAL_MS = 1000;
/** Device writes in flight at once. */
const WRITE_CONCURRENCY = 32;

/** What the sync reads and writes, and the memory it keeps between reconciles. */
export interface RolloutSyncDeps {
  caches: FleetCaches;
  writer: ApiWriter;
  brokers?: BrokerManager;
  live(deviceKey: string): DeviceLive;
  /** The key of signed URLs (undefined: unsigned content-addressed URLs). */
  urlKey(): Promise<Uint8Array | undefined>;
  metrics?: RolloutMetrics;
  logger?: Logger;
  now(): Date;
  /** What this process wrote last, until the cache shows it (so a lagging cache never causes a second command). */
  memory: RolloutMemory;
  /** Look at the rollout again after `ms`. */
  requeueAfter(key: string, ms: number): void;
}

/** In-memory state of the rollout controller (lost on restart; everything durable is in status). */
export class RolloutMemory {
  /** status.ota per device: written (until the cache shows it) or decided but not written yet (throttled progress); `at` is the last write. */
  readonly deviceOta = new Map<string, { ota: DeviceOta; at: number; written: boolean }>();
  readonly rolloutStatus = new Map<string, { status: RolloutStatus; at: number; written: boolean }>();
  /** Attempts recorded in status.ota whose command never left this process (the broker session was down): device key → command id. */
  readonly unsent = new Map<string, string>();

  /** status.ota of a device: what was written last when the cache does not show it yet. */
  otaOf(device: Device): DeviceOta | undefined {
    const key = `${device.metadata.namespace}/${device.metadata.name}`;
    const mine = this.deviceOta.get(key);
    if (!mine) return device.status?.ota;
    if (mine.written && isDeepStrictEqual(device.status?.ota, mine.ota)) {
      this.deviceOta.delete(key);
      return device.status?.ota;
    }
    return mine.ota;
  }

  /** When status.ota of a device was last written by this process. */
  lastWrite(key: string): number | undefined {
    return this.deviceOta.get(key)?.at;
  }

  statusOf(rollout: Rollout): RolloutStatus | undefined {
    const key = `${rollout.metadata.namespace}/${rollout.metadata.name}`;
    const mine = this.rolloutStatus.get(key);
    if (!mine) return rollout.status;
    if (mine.written && isDeepStrictEqual(rollout.status, mine.status)) {
      this.rolloutStatus.delete(key);
      return rollout.status;
    }
    return mine.status;
  }
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

/** Phase, waves' states and conditions: changes of these are written at once. */
function shape(s: RolloutStatus | undefined) {
  return {
    phase: s?.phase,
    currentWave: s?.currentWave,
    waves: s?.waves?.map((w) => [w.state, w.devices.length]),
    conditions: s?.conditions?.map((c) => [c.type, c.status, c.reason]),
    spec: s?.observedGeneration,
    conflicts: s?.conflicts?.length,
    failed: s?.failedDevices?.length,
  };
}

/** One reconcile of a Rollout: gather, decide, write device status, publish commands, write the Rollout status. */
export async function syncRollout(deps: RolloutSyncDeps, key: string): Promise<void> {
  const [namespace, name] = key.split('/');
  const cached = deps.caches.rollouts.get(namespace, name);
  if (!cached || cached.metadata.deletionTimestamp) {
    deps.memory.rolloutStatus.delete(key);
    deps.metrics?.forget(namespace, name);
    return;
  }
  const rollout: Rollout = { ...cached, status: deps.memory.statusOf(cached) };
  const now = deps.now();
  const devices = deps.caches.devices.list(namespace).map((d): Device => {
    const ota = deps.memory.otaOf(d);
    return ota === d.status?.ota ? d : { ...d, status: { ...d.status, ota } };
  });
  const firmware = deps.caches.firmwares.get(namespace, rollout.spec.firmwareRef.name);
  // Devices held by other running Rollouts of the namespace, or with an attempt of another rollout in flight.
  const held = new Map<string, string>();
  for (const other of deps.caches.rollouts.list(namespace)) {
    if (other.metadata.uid === rollout.metadata.uid) continue;
    const st = deps.memory.statusOf(other);
    if (!st?.phase || !HOLDING_PHASES.has(st.phase)) continue;
    for (const w of st.waves ?? []) for (const d of w.devices) held.set(d, other.metadata.name ?? '');
  }
  const uid = rollout.metadata.uid ?? '';
  const byName = new Map(devices.map((d) => [d.metadata.name ?? '', d]));
  const cannotSend = (device: Device): string | undefined => {
    const clusterName = device.spec.devicesClusterRef.name;
    const cluster = deps.caches.clusters.get(namespace, clusterName);
    if (!cluster) return `DevicesCluster ${clusterName} does not exist`;
    if (!cluster.spec.artifacts?.publicBaseUrl) return `DevicesCluster ${clusterName} has no spec.artifacts.publicBaseUrl`;
    const session = deps.brokers?.session(namespace, clusterName);
    if (!session?.status().connected) return `the operator is not connected to the broker of DevicesCluster ${clusterName}`;
    return undefined;
  };
  const decision: RolloutDecision = decideRollout({
    rollout,
    firmware,
    devices,
    groups: deps.caches.groups.list(namespace),
    live: (n) => deps.live(`${namespace}/${n}`),
    heldBy: (n) => {
      const other = held.get(n);
      if (other) return other;
      const ota = byName.get(n)?.status?.ota;
      return ota && otaBusy(ota) && !belongsTo(ota, uid) ? (ota.rolloutName ?? 'another Rollout') : undefined;
    },
    cannotSend,
    lastWrite: (n) => deps.memory.lastWrite(`${namespace}/${n}`),
    now,
  });

  const involved = { apiVersion: API_VERSION, kind: RolloutResource.kind, namespace, name, uid, resourceVersion: cached.metadata.resourceVersion };
  const writeStatus = async (status: RolloutStatus): Promise<void> => {
    deps.memory.rolloutStatus.set(key, { status, at: Date.now(), written: false });
    await deps.writer.applyStatus(RolloutResource.kind, RolloutResource.plural, namespace, name, status, ROLLOUT_FIELD_MANAGER);
    deps.memory.rolloutStatus.set(key, { status, at: Date.now(), written: true });
  };
  const events = async (): Promise<void> => {
    for (const intent of decision.events) await deps.writer.createEvent(buildEvent(involved, intent, now, randomBytes(8).toString('hex')));
  };
  deps.metrics?.record(namespace, name, (decision.status ?? rollout.status)?.phase, decision.figures);

  if (decision.membershipFirst && decision.status) {
    await writeStatus(decision.status);
    await events();
    deps.requeueAfter(key, 0);
    return;
  }

  const writeOta = async (deviceName: string, ota: DeviceOta): Promise<boolean> => {
    const deviceKey = `${namespace}/${deviceName}`;
    try {
      await deps.writer.applyStatus(DeviceResource.kind, DeviceResource.plural, namespace, deviceName, { ota }, ROLLOUT_FIELD_MANAGER);
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return false;
      throw err;
    }
    deps.memory.deviceOta.set(deviceKey, { ota, at: Date.now(), written: true });
    return true;
  };
  for (const keep of decision.deviceKeeps) {
    const deviceKey = `${namespace}/${keep.name}`;
    const stored = deps.caches.devices.get(namespace, keep.name)?.status?.ota?.updateTime;
    const at = deps.memory.lastWrite(deviceKey) ?? (stored ? Date.parse(stored) : 0);
    deps.memory.deviceOta.set(deviceKey, { ota: keep.ota, at, written: false });
  }
  await eachLimited(decision.deviceWrites, WRITE_CONCURRENCY, async (w) => {
    await writeOta(w.name, w.ota);
  });

  // Attempts recorded earlier whose command never left this process (no broker connection then): publish them now.
  const unsent = [...deps.memory.unsent.entries()]
    .filter(([deviceKey]) => deviceKey.startsWith(`${namespace}/`))
    .map(([deviceKey, commandId]) => ({ name: deviceKey.slice(namespace.length + 1), commandId }))
    .filter((u) => {
      const ota = byName.get(u.name)?.status?.ota;
      const still = ota?.commandId === u.commandId && ota.state === 'Pending';
      if (!still) deps.memory.unsent.delete(`${namespace}/${u.name}`);
      return still && belongsTo(ota, uid);
    });
  const retryUnsent = unsent.map((u) => ({ name: u.name, attempt: Number(u.commandId.split('/')[1]), ota: byName.get(u.name)?.status?.ota as DeviceOta, recorded: true }));
  const sends = [...retryUnsent, ...decision.sends.map((s) => ({ ...s, recorded: false }))];
  if (sends.length > 0) {
    const artifact = rolloutArtifact(firmware, rollout.spec.firmwareRef.name);
    if ('problem' in artifact) throw new Error(`cannot send: ${artifact.problem}`);
    const signingKey = await deps.urlKey();
    await eachLimited(sends, WRITE_CONCURRENCY, async (send) => {
      const device = byName.get(send.name) as Device;
      const cluster = deps.caches.clusters.get(namespace, device.spec.devicesClusterRef.name) as DevicesCluster;
      const session = deps.brokers?.session(namespace, cluster.metadata.name ?? '');
      if (!session) return;
      const deviceKey = `${namespace}/${send.name}`;
      // Durable first: the attempt is recorded before its command exists, so a restart never sends it twice. Until
      // the command is out it counts as unsent: a write that failed on the way back may still have been applied,
      // and the next pass then publishes this same attempt (its first and only command) instead of waiting for a
      // timeout.
      if (!send.recorded) {
        deps.memory.unsent.set(deviceKey, otaCommandId(uid, send.attempt));
        if (!(await writeOta(send.name, send.ota))) {
          deps.memory.unsent.delete(deviceKey);
          return;
        }
      }
      const base = (cluster.spec.artifacts?.publicBaseUrl ?? '').replace(/\/+$/, '');
      const path = `/blobs/sha256/${artifact.artifact.sha256}`;
      const expires = new Date(now.getTime() + (rollout.spec.strategy?.deviceTimeoutSeconds ?? 1800) * 1000 + 3600_000);
      const url = signingKey ? signedUrl(signingKey, base, path, `${namespace}/${send.name}`, expires) : `${base}${path}`;
      const message = otaCommand(cluster.spec.mqtt.topicPrefix ?? 'kubeflash', `${namespace}.${send.name}`, {
        rolloutUid: uid,
        attempt: send.attempt,
        version: artifact.version,
        url,
        size: artifact.artifact.size,
        sha256: artifact.artifact.sha256,
        signature: artifact.signature,
      });
      // false: not connected, nothing left this process, so publishing this attempt later is still its only command.
      let sent: boolean;
      try {
        sent = await session.publish(message);
      } catch (err) {
        // It may have reached the broker: never published again; without a report it times out and is retried.
        deps.logger?.warn('cmd/ota publish failed; the attempt times out and is retried', { rollout: key, device: send.name, error: err instanceof Error ? err.message : String(err) });
        deps.memory.unsent.delete(deviceKey);
        return;
      }
      if (sent) {
        deps.memory.unsent.delete(deviceKey);
        deps.metrics?.commands.inc({ namespace, rollout: name });
      } else {
        deps.memory.unsent.set(deviceKey, otaCommandId(uid, send.attempt));
        deps.requeueAfter(key, 1000);
      }
    });
  }

  if (decision.status) {
    const previous = deps.memory.rolloutStatus.get(key);
    const stored = previous?.written ? previous.status : cached.status;
    const urgent = !isDeepStrictEqual(shape(decision.status), shape(stored));
    const sinceLast = previous ? Date.now() - previous.at : Infinity;
    if (urgent || sinceLast >= STATUS_WRITE_INTERVAL_MS) {
      await writeStatus(decision.status);
    } else {
      deps.memory.rolloutStatus.set(key, { status: decision.status, at: previous?.at ?? Date.now(), written: false });
      deps.requeueAfter(key, STATUS_WRITE_INTERVAL_MS - sinceLast);
    }
  }
  await events();
  if (sends.length > 0) deps.requeueAfter(key, 50);
  if (decision.wakeAt !== undefined) deps.requeueAfter(key, Math.max(50, decision.wakeAt - now.getTime()));
}
