import { randomBytes } from 'node:crypto';
import { API_VERSION, DevicesClusterResource } from '@kubeflash/api';
import { generateMqttPassword } from '../../config/credentials';
import { secretBytes } from '../../config/fleet';
import type { BrokerManager } from '../../mqtt/manager';
import type { FleetCaches } from '../caches';
import { buildEvent } from '../events';
import type { FleetIndex } from '../fleet-index';
import type { ApiWriter } from '../writer';
import { DEVICESCLUSTER_FIELD_MANAGER, desiredDevicesCluster, fleetSummary, operatorSecretName, type DevicesClusterInputs } from './desired';

/** What syncDevicesCluster needs. */
export interface DevicesClusterSyncDeps {
  caches: FleetCaches;
  index: FleetIndex;
  writer: ApiWriter;
  brokers?: BrokerManager;
  now?: () => Date;
}

/** Reads one DevicesCluster's inputs from the caches, the index and its broker session. */
export function gatherDevicesCluster(deps: DevicesClusterSyncDeps, namespace: string, name: string): DevicesClusterInputs | undefined {
  const cluster = deps.caches.clusters.get(namespace, name);
  if (!cluster || cluster.metadata.deletionTimestamp) return undefined;
  const keys = deps.index.devicesOfCluster(namespace, name);
  const devices = [...keys].map((k) => {
    const slash = k.indexOf('/');
    return deps.caches.devices.get(k.slice(0, slash), k.slice(slash + 1));
  }).filter((d) => d !== undefined);
  return {
    cluster,
    devices: keys.size,
    fleet: fleetSummary(devices),
    secret: (secretName) => {
      const s = deps.caches.secrets.get(namespace, secretName);
      return s ? secretBytes(s) : undefined;
    },
    operatorSecret: deps.caches.configSecrets.get(namespace, operatorSecretName(name)),
    newOperatorPassword: generateMqttPassword(),
    session: deps.brokers?.session(namespace, name)?.status(),
  };
}

/** Reconciles one DevicesCluster: gather -> decide -> operator Secret, broker session, status, Events. */
export async function syncDevicesCluster(deps: DevicesClusterSyncDeps, key: string): Promise<void> {
  const [namespace, name] = key.split('/');
  const inputs = gatherDevicesCluster(deps, namespace, name);
  if (!inputs) {
    await deps.brokers?.remove(key);
    return;
  }
  const now = (deps.now ?? (() => new Date()))();
  let decision = desiredDevicesCluster(inputs, now);
  if (decision.operatorSecret) await deps.writer.createSecret(decision.operatorSecret);
  if (deps.brokers) {
    if ('remove' in decision.session) await deps.brokers.remove(key);
    else {
      const before = deps.brokers.session(namespace, name);
      deps.brokers.ensure(key, decision.session.run);
      // A new session reports Connecting: decide again so status says so.
      if (!before) decision = desiredDevicesCluster({ ...inputs, session: deps.brokers.session(namespace, name)?.status() }, now);
    }
  }
  if (decision.status) await deps.writer.applyStatus(DevicesClusterResource.kind, DevicesClusterResource.plural, namespace, name, decision.status, DEVICESCLUSTER_FIELD_MANAGER);
  const involved = { apiVersion: API_VERSION, kind: DevicesClusterResource.kind, namespace, name, uid: inputs.cluster.metadata.uid, resourceVersion: inputs.cluster.metadata.resourceVersion };
  for (const intent of decision.events) await deps.writer.createEvent(buildEvent(involved, intent, now, randomBytes(8).toString('hex')));
}
