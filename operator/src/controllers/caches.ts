import { CoreV1Api, CustomObjectsApi, RbacAuthorizationV1Api, type KubeConfig, type KubernetesObject, type V1RoleBinding, type V1Secret } from '@kubernetes/client-node';
import { GROUP, VERSION } from '@kubeflash/api';
import type { Device, DeviceClass, DeviceGroup, DevicesCluster, Firmware, Rollout } from '@kubeflash/api';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, MQTT_PASSWORD_KEY, NVS_KEYS_KEY, WEB_PASSWORD_KEY } from '../config/secret';
import { SIGNING_PUBLIC_KEY } from '../artifacts/signing';
import { Informer, MultiNamespaceInformer, type ListPage, type SharedInformer } from '../manager/informer';
import type { Logger } from '../manager/logger';

/** What the operator keeps of a Secret it wrote (config, credentials, its broker account): metadata and credentials, never an image. */
export type ConfigSecretInfo = V1Secret;

/** The read side of a cache, as syncs use it (fakes in tests implement just this). */
export interface CacheReader<T> {
  get(namespace: string | undefined, name: string): T | undefined;
  list(namespace?: string): T[];
}

/** Shared informer caches of every object the config controllers read. */
export interface FleetCaches {
  devices: SharedInformer<Device>;
  classes: SharedInformer<DeviceClass>;
  clusters: SharedInformer<DevicesCluster>;
  groups: SharedInformer<DeviceGroup>;
  /** Firmware objects (a class's version makes or adopts one). */
  firmwares: SharedInformer<Firmware>;
  /** Rollouts (the rollout controller's own kind). */
  rollouts: SharedInformer<Rollout>;
  /** Secrets that config layers may reference (every Secret not written by the operator). */
  secrets: SharedInformer<V1Secret>;
  /** The Secrets the operator writes (config, credentials, its broker accounts, signing key), without config.bin and config.csv. */
  configSecrets: SharedInformer<ConfigSecretInfo>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const OWNED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
const NOT_OWNED_SELECTOR = `${MANAGED_BY_LABEL}!=${MANAGED_BY_VALUE}`;

/** Keeps a config Secret's metadata and credential keys only (of the signing key Secret: the public key only). */
export function shrinkConfigSecret(obj: KubernetesObject): ConfigSecretInfo {
  const secret = obj as V1Secret;
  const data: Record<string, string> = {};
  for (const k of [MQTT_PASSWORD_KEY, WEB_PASSWORD_KEY, NVS_KEYS_KEY, SIGNING_PUBLIC_KEY, 'username', 'password']) if (secret.data?.[k] !== undefined) data[k] = secret.data[k];
  const m = secret.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      labels: m.labels,
      annotations: m.annotations,
      ownerReferences: m.ownerReferences,
      deletionTimestamp: m.deletionTimestamp,
    },
    type: secret.type,
    data,
  };
}

/** Secret types that can be large and never hold device config (Helm keeps whole releases in them). */
const UNREADABLE_SECRET_TYPES = new Set(['helm.sh/release.v1', 'kubernetes.io/service-account-token', 'kubernetes.io/dockerconfigjson']);

/** Keeps input Secrets as they are, except the data of types that never carry config (so Helm releases do not fill memory). */
export function shrinkInputSecret(obj: KubernetesObject): V1Secret {
  const secret = obj as V1Secret;
  return secret.type && UNREADABLE_SECRET_TYPES.has(secret.type) ? { ...secret, data: {} } : secret;
}

/** The namespaces option of the operator as a list: undefined means all namespaces. */
export type WatchedNamespaces = string | readonly string[] | undefined;

function namespaceList(namespaces: WatchedNamespaces): readonly string[] | undefined {
  if (namespaces === undefined) return undefined;
  const list = typeof namespaces === 'string' ? [namespaces] : [...new Set(namespaces)];
  return list.length === 0 ? undefined : list;
}

/** One informer cluster-wide, or one per namespace of the list. */
function perNamespace<T extends KubernetesObject>(scoped: readonly string[] | undefined, make: (namespace: string | undefined) => Informer<T>): SharedInformer<T> {
  return scoped ? new MultiNamespaceInformer(new Map(scoped.map((ns) => [ns, make(ns)]))) : make(undefined);
}

/** Creates (does not start) a cache of the RoleBindings of the watched namespaces (who is bound to the user roles). */
export function createRoleBindingCache(kubeConfig: KubeConfig, logger?: Logger, namespaces?: WatchedNamespaces): SharedInformer<V1RoleBinding> {
  const rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  return perNamespace(namespaceList(namespaces), (namespace) =>
    new Informer<V1RoleBinding>({
      kubeConfig,
      path: `/apis/rbac.authorization.k8s.io/v1${namespace ? `/namespaces/${namespace}` : ''}/rolebindings`,
      list: (token, limit) =>
        (namespace
          ? rbac.listNamespacedRoleBinding({ namespace, limit, _continue: token })
          : rbac.listRoleBindingForAllNamespaces({ limit, _continue: token })) as Promise<ListPage>,
      logger,
    }),
  );
}

/**
 * Creates (does not start) the caches: cluster-wide, or one list-watch per namespace when namespaces are given
 * (so the operator needs no cluster-wide access to watch a few namespaces).
 */
export function createFleetCaches(kubeConfig: KubeConfig, logger?: Logger, namespaces?: WatchedNamespaces): FleetCaches {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const scoped = namespaceList(namespaces);
  const perScope = <T extends KubernetesObject>(make: (namespace: string | undefined) => Informer<T>): SharedInformer<T> => perNamespace(scoped, make);
  const kind = <T extends KubernetesObject>(plural: string): SharedInformer<T> =>
    perScope((namespace) =>
      new Informer<T>({
        kubeConfig,
        path: `/apis/${GROUP}/${VERSION}${namespace ? `/namespaces/${namespace}` : ''}/${plural}`,
        list: (token, limit) =>
          (namespace
            ? custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural, limit, _continue: token })
            : custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural, limit, _continue: token })) as Promise<ListPage>,
        logger,
      }),
    );
  const secrets = (labelSelector: string, transform?: (o: KubernetesObject) => V1Secret): SharedInformer<V1Secret> =>
    perScope((namespace) =>
      new Informer<V1Secret>({
        kubeConfig,
        path: `/api/v1${namespace ? `/namespaces/${namespace}` : ''}/secrets`,
        labelSelector,
        list: (token, limit) =>
          (namespace
            ? core.listNamespacedSecret({ namespace, labelSelector, limit, _continue: token })
            : core.listSecretForAllNamespaces({ labelSelector, limit, _continue: token })) as Promise<ListPage>,
        transform,
        logger,
      }),
    );
  const caches = {
    devices: kind<Device>('devices'),
    classes: kind<DeviceClass>('deviceclasses'),
    clusters: kind<DevicesCluster>('devicesclusters'),
    groups: kind<DeviceGroup>('devicegroups'),
    firmwares: kind<Firmware>('firmwares'),
    rollouts: kind<Rollout>('rollouts'),
    secrets: secrets(NOT_OWNED_SELECTOR, shrinkInputSecret),
    configSecrets: secrets(OWNED_SELECTOR, shrinkConfigSecret),
  };
  const all = Object.values(caches);
  return {
    ...caches,
    // Groups first, so device memberships are computed against known groups when devices arrive.
    start: async () => {
      await Promise.all([caches.groups.start(), caches.classes.start(), caches.firmwares.start(), caches.clusters.start(), caches.secrets.start(), caches.configSecrets.start()]);
      await caches.devices.start();
      await caches.rollouts.start();
    },
    stop: async () => {
      await Promise.all(all.map((i) => i.stop()));
    },
  };
}
