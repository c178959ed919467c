import { isDeepStrictEqual } from 'node:util';
import { ApiException, RbacAuthorizationV1Api, type KubeConfig, type V1Role, type V1RoleBinding } from '@kubernetes/client-node';
import { DEVICE_CONFIG_ACCESS_NAME, UserRole } from '@kubeflash/install/names';
import type { Logger } from '../../manager/logger';
import type { OperatorMetrics } from '../../manager/metrics';
import type { SharedInformer } from '../../manager/informer';
import type { FleetCaches } from '../caches';
import { KeyedController } from '../keyed-controller';
import { desiredDeviceAccess } from './desired';

/** The API calls of the controller (tests record them with a fake). */
export interface RoleApi {
  /** The Role, or undefined when there is none. */
  getRole(namespace: string, name: string): Promise<V1Role | undefined>;
  createRole(role: V1Role): Promise<void>;
  /** Replaces the Role; its resourceVersion guards against lost updates. */
  replaceRole(role: V1Role): Promise<void>;
  createRoleBinding(binding: V1RoleBinding): Promise<void>;
  replaceRoleBinding(binding: V1RoleBinding): Promise<void>;
}

/** The RoleApi of a real cluster; every write is counted in the API write metric. */
export function kubeRoleApi(kubeConfig: KubeConfig, metrics?: OperatorMetrics): RoleApi {
  const rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  const count = (resource: string, verb: string) => metrics?.apiWrites.inc({ resource, verb });
  const ns = (o: V1Role | V1RoleBinding) => o.metadata?.namespace ?? '';
  const name = (o: V1Role | V1RoleBinding) => o.metadata?.name ?? '';
  return {
    async getRole(namespace, roleName) {
      try {
        return await rbac.readNamespacedRole({ namespace, name: roleName });
      } catch (err) {
        if (err instanceof ApiException && err.code === 404) return undefined;
        throw err;
      }
    },
    async createRole(role) {
      count('roles', 'create');
      await rbac.createNamespacedRole({ namespace: ns(role), body: role });
    },
    async replaceRole(role) {
      count('roles', 'update');
      await rbac.replaceNamespacedRole({ namespace: ns(role), name: name(role), body: role });
    },
    async createRoleBinding(binding) {
      count('rolebindings', 'create');
      await rbac.createNamespacedRoleBinding({ namespace: ns(binding), body: binding });
    },
    async replaceRoleBinding(binding) {
      count('rolebindings', 'update');
      await rbac.replaceNamespacedRoleBinding({ namespace: ns(binding), name: name(binding), body: binding });
    },
  };
}

/**
 * Whether two API values say the same: the client's typed objects carry a class prototype and undefined fields,
 * so both sides are compared as the JSON they are sent as.
 */
const sameJson = (a: unknown, b: unknown): boolean => isDeepStrictEqual(JSON.parse(JSON.stringify(a ?? null)), JSON.parse(JSON.stringify(b ?? null)));

const refersToDeviceManager = (b: V1RoleBinding): boolean =>
  b.metadata?.name === DEVICE_CONFIG_ACCESS_NAME || (b.roleRef.kind === 'ClusterRole' && b.roleRef.name === UserRole.DeviceManager);

/**
 * Lets device managers read exactly the config Secrets they flash with. Keys are namespaces: in each namespace
 * with Devices (or device managers) the Role kubeflash-device-config grants `get` on the config Secrets by name,
 * and the RoleBinding of the same name binds it to every subject that a RoleBinding of the namespace binds to the
 * kubeflash-device-manager ClusterRole (as Rancher project roles are bound, one RoleBinding per namespace).
 * Secrets cannot be granted by label, which is why the names are kept up to date here.
 */
export class DeviceAccessController extends KeyedController {
  constructor(options: { caches: FleetCaches; bindings: SharedInformer<V1RoleBinding>; api: RoleApi; metrics?: OperatorMetrics; logger?: Logger }) {
    const { caches, bindings, api, logger } = options;
    const namespaceOf = (o: { metadata?: { namespace?: string } }) => o.metadata?.namespace ?? 'default';
    super(
      'deviceaccess',
      async (namespace) => {
        const desired = desiredDeviceAccess({
          namespace,
          devices: caches.devices.list(namespace).map((d) => d.metadata.name ?? ''),
          ownedSecrets: caches.configSecrets.list(namespace),
          bindings: bindings.list(namespace),
        });
        const role = await api.getRole(namespace, DEVICE_CONFIG_ACCESS_NAME);
        if (!role) {
          if (!desired.needed) return;
          await api.createRole(desired.role);
        } else if (!sameJson(role.rules ?? [], desired.role.rules)) {
          await api.replaceRole({ ...desired.role, metadata: { ...desired.role.metadata, resourceVersion: role.metadata?.resourceVersion } });
          logger?.info('deviceaccess: config Secrets readable by device managers changed', { namespace, secrets: desired.role.rules?.[0]?.resourceNames?.length ?? 0 });
        }
        const binding = bindings.get(namespace, DEVICE_CONFIG_ACCESS_NAME);
        if (!binding) {
          if (!desired.needed && !role) return;
          await api.createRoleBinding(desired.binding);
        } else if (!sameJson(binding.roleRef, desired.binding.roleRef)) {
          throw new Error(`RoleBinding ${namespace}/${DEVICE_CONFIG_ACCESS_NAME} refers to ${binding.roleRef.kind} ${binding.roleRef.name}, not Role ${DEVICE_CONFIG_ACCESS_NAME}: delete it and the operator makes it again`);
        } else if (!sameJson(binding.subjects ?? [], desired.binding.subjects)) {
          await api.replaceRoleBinding({ ...desired.binding, metadata: { ...desired.binding.metadata, resourceVersion: binding.metadata?.resourceVersion } });
          logger?.info('deviceaccess: device managers changed', { namespace, subjects: desired.binding.subjects?.length ?? 0 });
        }
      },
      () => [...new Set([...caches.devices.list().map(namespaceOf), ...bindings.list().filter(refersToDeviceManager).map(namespaceOf)])],
      { metrics: options.metrics, logger, concurrency: 1 },
    );
    const onDevice = (d: { metadata?: { namespace?: string } }) => this.enqueue([namespaceOf(d)]);
    caches.devices.on('add', onDevice);
    caches.devices.on('delete', onDevice);
    const onSecret = (s: { metadata?: { namespace?: string; name?: string } }) => {
      if (s.metadata?.name?.endsWith('-config')) this.enqueue([namespaceOf(s)]);
    };
    caches.configSecrets.on('add', onSecret);
    caches.configSecrets.on('delete', onSecret);
    const onBinding = (b: V1RoleBinding, old?: V1RoleBinding) => {
      if (refersToDeviceManager(b) || (old && refersToDeviceManager(old))) this.enqueue([namespaceOf(b)]);
    };
    bindings.on('add', (b) => onBinding(b));
    bindings.on('update', onBinding);
    bindings.on('delete', (b) => onBinding(b));
  }
}
