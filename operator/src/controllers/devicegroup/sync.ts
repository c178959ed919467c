import { randomBytes } from 'node:crypto';
import { API_VERSION, DeviceGroupResource } from '@kubeflash/api';
import type { FleetCaches } from '../caches';
import { buildEvent } from '../events';
import type { FleetIndex } from '../fleet-index';
import type { ApiWriter } from '../writer';
import { DEVICEGROUP_FIELD_MANAGER, desiredDeviceGroup } from './desired';

/** Reconciles one DeviceGroup's status: gather (caches, index) -> decide -> apply. */
export async function syncDeviceGroup(deps: { caches: FleetCaches; index: FleetIndex; writer: ApiWriter; now?: () => Date }, key: string): Promise<void> {
  const [namespace, name] = key.split('/');
  const group = deps.caches.groups.get(namespace, name);
  if (!group || group.metadata.deletionTimestamp) return;
  const now = (deps.now ?? (() => new Date()))();
  const decision = desiredDeviceGroup({
    group,
    matchedDevices: deps.index.devicesOfGroup(namespace, name).size,
    secretKeys: (secretName) => {
      const s = deps.caches.secrets.get(namespace, secretName);
      return s ? [...Object.keys(s.data ?? {}), ...Object.keys(s.stringData ?? {})] : undefined;
    },
  }, now);
  if (decision.status) {
    await deps.writer.applyStatus(DeviceGroupResource.kind, DeviceGroupResource.plural, namespace, name, decision.status, DEVICEGROUP_FIELD_MANAGER);
  }
  for (const intent of decision.events) {
    const involved = { apiVersion: API_VERSION, kind: DeviceGroupResource.kind, namespace, name, uid: group.metadata.uid };
    await deps.writer.createEvent(buildEvent(involved, intent, now, randomBytes(8).toString('hex')));
  }
}
