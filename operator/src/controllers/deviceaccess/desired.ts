import type { V1Role, V1RoleBinding, V1Secret, RbacV1Subject } from '@kubernetes/client-node';
import { DEVICE_CONFIG_ACCESS_NAME, UserRole } from '@kubeflash/install/names';
import { DEVICE_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE, configSecretName } from '../../config/secret';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** What the operator reads to decide a namespace's device config access. */
export interface DeviceAccessInput {
  namespace: string;
  /** Names of the Devices of the namespace. */
  devices: readonly string[];
  /** The Secrets the operator wrote in the namespace (config, credentials, broker account, signing key). */
  ownedSecrets: readonly V1Secret[];
  /** Every RoleBinding of the namespace. */
  bindings: readonly V1RoleBinding[];
}

/** The Role and RoleBinding a namespace should have. */
export interface DeviceAccess {
  role: V1Role;
  binding: V1RoleBinding;
  /** False when the namespace has neither config Secrets nor device managers (nothing to create). */
  needed: boolean;
}

const metadata = (namespace: string) => ({
  name: DEVICE_CONFIG_ACCESS_NAME,
  namespace,
  labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
  annotations: { 'kubeflash.dev/purpose': `get on the config Secrets of the Devices, for the subjects bound to ${UserRole.DeviceManager} in this namespace` },
});

/**
 * The config Secrets of the namespace: written by the operator, labelled with a Device that exists, and named as
 * that Device's config Secret (never its credentials Secret, the broker account or the signing key).
 */
export function configSecretNames(input: Pick<DeviceAccessInput, 'devices' | 'ownedSecrets'>): string[] {
  const devices = new Set(input.devices);
  const names = input.ownedSecrets
    .filter((s) => s.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE)
    .filter((s) => {
      const device = s.metadata?.labels?.[DEVICE_LABEL];
      return !!device && devices.has(device) && s.metadata?.name === configSecretName(device);
    })
    .map((s) => s.metadata?.name ?? '');
  return [...new Set(names)].sort();
}

const subjectKey = (s: RbacV1Subject): string => `${s.kind}/${s.namespace ?? ''}/${s.name}`;

/** Everyone bound to the kubeflash-device-manager ClusterRole by a RoleBinding of the namespace, sorted, once each. */
export function deviceManagers(namespace: string, bindings: readonly V1RoleBinding[]): RbacV1Subject[] {
  const out = new Map<string, RbacV1Subject>();
  for (const b of bindings) {
    if (b.metadata?.name === DEVICE_CONFIG_ACCESS_NAME) continue;
    if (b.roleRef.kind !== 'ClusterRole' || b.roleRef.name !== UserRole.DeviceManager || b.roleRef.apiGroup !== RBAC_GROUP) continue;
    for (const s of b.subjects ?? []) {
      // A ServiceAccount subject without a namespace means the binding's namespace; ours must say it.
      const subject: RbacV1Subject =
        s.kind === 'ServiceAccount' ? { kind: s.kind, name: s.name, namespace: s.namespace || namespace } : { kind: s.kind, name: s.name, apiGroup: s.apiGroup ?? RBAC_GROUP };
      out.set(subjectKey(subject), subject);
    }
  }
  return [...out.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, s]) => s);
}

/**
 * The namespace's Role (get on exactly its config Secrets; no rule at all when there are none, because a rule
 * with an empty resourceNames would mean every Secret) and its RoleBinding to the device managers.
 */
export function desiredDeviceAccess(input: DeviceAccessInput): DeviceAccess {
  const names = configSecretNames(input);
  const subjects = deviceManagers(input.namespace, input.bindings);
  const role: V1Role = {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'Role',
    metadata: metadata(input.namespace),
    rules: names.length > 0 ? [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: names }] : [],
  };
  const binding: V1RoleBinding = {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'RoleBinding',
    metadata: metadata(input.namespace),
    roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name: DEVICE_CONFIG_ACCESS_NAME },
    subjects,
  };
  return { role, binding, needed: names.length > 0 || subjects.length > 0 };
}
