/**
 * The user ClusterRoles do what they say and nothing more: a person bound (RoleBinding) to each role in a
 * namespace does what the role is for, and is refused the rest with kube-apiserver's 403 message; the
 * aggregation labels put kubeflash-admin into `edit` and kubeflash-viewer into `view`. With the operator running,
 * a device manager reads the config Secrets of the namespace's Devices (the Role the operator keeps) and no other
 * Secret.
 */
import { jest } from '@jest/globals';
import { ApiException, CoreV1Api, CustomObjectsApi, PatchStrategy, RbacAuthorizationV1Api, setHeaderOptions, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { DEVICE_CONFIG_ACCESS_NAME, UserRole, installObjects } from '@kubeflash/install';
import { startOperator, type RunningOperator } from '@kubeflash/operator';
import { ensureObjects } from '@kubeflash/operator/kube';
import { REAL_CLUSTER_KUBECONFIG, eventually, uniqueName, useTestCluster, type TestCluster } from '@kubeflash/devcluster/testing';
import { EXAMPLE_DEVICES, exampleFleet, inDependencyOrder, installCrds, readSecret } from '../operator/support';
import { authenticating, impersonating, kubeConfigAs, type AuthenticatingDevCluster } from './rbac-support';

jest.setTimeout(120_000);

let cluster: TestCluster;
let auth: AuthenticatingDevCluster | undefined;
let ns: string;

type Action = readonly [verb: 'get' | 'list' | 'create' | 'update' | 'patch' | 'delete', resource: string, name?: string];
const GROUP = 'kubeflash.dev';
const kinds: Record<string, string> = {
  devicesclusters: 'DevicesCluster',
  deviceclasses: 'DeviceClass',
  devicegroups: 'DeviceGroup',
  devices: 'Device',
  firmwares: 'Firmware',
  rollouts: 'Rollout',
};
const specs: Record<string, object> = {
  devicesclusters: { mqtt: { brokerUri: 'mqtts://mqtt.example.net:8883' } },
  deviceclasses: { chip: 'esp32c3' },
  devicegroups: { selector: { matchLabels: { site: 'garage' } } },
  devices: { deviceClassRef: { name: 'sensor' }, devicesClusterRef: { name: 'home' } },
  firmwares: { deviceClassRef: { name: 'sensor' }, version: '1.0.0', source: { upload: {} } },
  rollouts: { firmwareRef: { name: 'fw' } },
};

/** Does one request as the user; resolves to 'ok' or the 403 message (anything else throws). */
async function attempt(kubeConfig: KubeConfig, [verb, resource, name]: Action): Promise<string> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const target = name ?? uniqueName(resource.slice(0, 8));
  try {
    if (resource === 'secrets') {
      if (verb === 'list') await core.listNamespacedSecret({ namespace: ns });
      else if (verb === 'get') await core.readNamespacedSecret({ namespace: ns, name: target });
      else if (verb === 'create') await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: target }, stringData: { k: 'v' } } });
      else if (verb === 'delete') await core.deleteNamespacedSecret({ namespace: ns, name: target });
      return 'ok';
    }
    const args = { group: GROUP, version: 'v1alpha1', namespace: ns, plural: resource };
    if (verb === 'list') await custom.listNamespacedCustomObject(args);
    else if (verb === 'get') await custom.getNamespacedCustomObject({ ...args, name: target });
    else if (verb === 'create') await custom.createNamespacedCustomObject({ ...args, body: { apiVersion: `${GROUP}/v1alpha1`, kind: kinds[resource], metadata: { name: target }, spec: specs[resource] } });
    else if (verb === 'delete') await custom.deleteNamespacedCustomObject({ ...args, name: target });
    else if (verb === 'patch') await custom.patchNamespacedCustomObject({ ...args, name: target, body: { spec: { paused: true } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    return 'ok';
  } catch (err) {
    if (err instanceof ApiException && err.code === 403) return (JSON.parse(String(err.body)) as { message: string }).message;
    if (err instanceof ApiException && err.code === 404 && (verb === 'get' || verb === 'delete' || verb === 'patch')) return 'ok';
    throw err;
  }
}

const forbidden = (user: string, [verb, resource, name]: Action): string => {
  const group = resource === 'secrets' ? '' : GROUP;
  const qualified = group ? `${resource}.${group}` : resource;
  const subject = name ? `${qualified} ${JSON.stringify(name)}` : qualified;
  return `${subject} is forbidden: User ${JSON.stringify(user)} cannot ${verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(group)} in the namespace ${JSON.stringify(ns)}`;
};

const ROLES: { role: string; allowed: Action[]; refused: Action[] }[] = [
  {
    role: UserRole.Admin,
    allowed: [['create', 'devicesclusters'], ['create', 'deviceclasses'], ['create', 'rollouts'], ['delete', 'devices', 'gone'], ['list', 'secrets'], ['create', 'secrets']],
    refused: [],
  },
  {
    role: UserRole.ClusterManager,
    allowed: [['create', 'devicesclusters'], ['list', 'deviceclasses'], ['create', 'secrets'], ['get', 'secrets', 'broker-admin']],
    refused: [['create', 'deviceclasses'], ['create', 'devices'], ['list', 'rollouts']],
  },
  {
    role: UserRole.DeviceManager,
    allowed: [['create', 'devices'], ['create', 'devicegroups'], ['list', 'firmwares'], ['list', 'devicesclusters'], ['create', 'rollouts'], ['patch', 'rollouts', 'r1']],
    refused: [['create', 'devicesclusters'], ['delete', 'devicesclusters', 'home'], ['list', 'secrets'], ['get', 'secrets', 'broker-admin'], ['delete', 'rollouts', 'r1']],
  },
  {
    role: UserRole.Viewer,
    allowed: [['list', 'devices'], ['get', 'devices', 'd1'], ['list', 'rollouts'], ['list', 'firmwares']],
    refused: [['create', 'devices'], ['delete', 'devices', 'd1'], ['list', 'secrets'], ['get', 'secrets', 'broker-admin'], ['patch', 'rollouts', 'r1']],
  },
];

beforeAll(async () => {
  cluster = await useTestCluster({ namespacePrefix: 'kf-roles' });
  auth = authenticating(cluster.devcluster);
  if (!auth && !REAL_CLUSTER_KUBECONFIG) return;
  ns = cluster.namespace;
  await installCrds(cluster.kubeConfig);
  const roles = installObjects({ namespace: 'kubeflash-system', namespaceObject: false, values: { webhooks: { enabled: false } } }).filter((o) => o.kind === 'ClusterRole' && Object.values(UserRole).includes((o.metadata as { name: UserRole }).name));
  expect(roles).toHaveLength(4);
  await ensureObjects(cluster.kubeConfig, roles as unknown as KubernetesObject[], 'create-or-replace');
  const rbac = cluster.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  for (const { role } of ROLES) {
    await rbac.createNamespacedRoleBinding({ namespace: ns, body: { metadata: { name: role }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: `${role}-user` }] } });
  }
  for (const role of ['edit', 'view']) {
    await rbac.createNamespacedRoleBinding({ namespace: ns, body: { metadata: { name: `default-${role}` }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: `${role}-user` }] } });
  }
});

afterAll(async () => {
  await cluster?.cleanup();
});

const skipped = (): boolean => {
  if (auth || REAL_CLUSTER_KUBECONFIG) return false;
  console.warn('SKIPPED: this devcluster has no per-user credentials: the user role tests did not run');
  return true;
};

/** Acts as `user`: a client certificate of devcluster's CA, or on a real cluster (KUBEFLASH_TEST_KUBECONFIG) impersonation. */
const as = async (user: string): Promise<KubeConfig> => (auth ? kubeConfigAs(auth, user, ['system:authenticated']) : impersonating(cluster.kubeConfig, user));

describe('user ClusterRoles', () => {
  it.each(ROLES)('$role can do what it is for and is refused the rest with kube-apiserver\'s message', async ({ role, allowed, refused }) => {
    if (skipped()) return;
    const user = `${role}-user`;
    const kubeConfig = await as(user);
    for (const action of allowed) expect({ action, outcome: await attempt(kubeConfig, action) }).toEqual({ action, outcome: 'ok' });
    for (const action of refused) expect({ action, outcome: await attempt(kubeConfig, action) }).toEqual({ action, outcome: forbidden(user, action) });
  });

  it('are aggregated: edit includes kubeflash-admin\'s object rules, view includes kubeflash-viewer\'s', async () => {
    if (skipped()) return;
    const editor = await as('edit-user');
    const viewer = await as('view-user');
    // The aggregation controller fills edit/view shortly after the roles appear.
    for (let i = 0; i < 100 && (await attempt(viewer, ['list', 'devices'])) !== 'ok'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await attempt(editor, ['create', 'devices'])).toBe('ok');
    expect(await attempt(viewer, ['list', 'devices'])).toBe('ok');
    expect(await attempt(viewer, ['create', 'devices'])).toBe(forbidden('view-user', ['create', 'devices']));
  });
});

describe('device managers and config Secrets (the operator running)', () => {
  let operator: RunningOperator | undefined;
  afterAll(async () => {
    await operator?.stop();
  });

  it('a device manager gets the config Secret of each Device and no other Secret; a viewer gets none', async () => {
    if (skipped()) return;
    operator = await startOperator({ kubeConfig: cluster.kubeConfig, namespace: [ns], leaderElection: false, brokers: false, resyncPeriodMs: 0, healthPort: 0 });
    await ensureObjects(cluster.kubeConfig, inDependencyOrder(await exampleFleet(ns)), 'create-or-replace');
    await eventually(async () => {
      for (const d of EXAMPLE_DEVICES) if (!(await readSecret(cluster.kubeConfig, ns, `${d}-config`))) return undefined;
      return true;
    }, 'config Secrets of the example fleet', 60_000);
    const role = cluster.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    await eventually(
      async () => (((await role.readNamespacedRole({ namespace: ns, name: DEVICE_CONFIG_ACCESS_NAME }).catch(() => undefined))?.rules?.[0]?.resourceNames?.length ?? 0) === EXAMPLE_DEVICES.length ? true : undefined),
      'every config Secret in the Role',
    );

    const manager = `${UserRole.DeviceManager}-user`;
    const managerConfig = await as(manager);
    await eventually(async () => ((await attempt(managerConfig, ['get', 'secrets', 'garage-temp-1-config'])) === 'ok' ? true : undefined), 'the device manager bound');
    for (const d of EXAMPLE_DEVICES) expect(await attempt(managerConfig, ['get', 'secrets', `${d}-config`])).toBe('ok');
    for (const other of ['garage-temp-1-credentials', 'site-garage-wifi', 'home-mqtt-admin', 'kubeflash-firmware-signing-key']) {
      expect(await attempt(managerConfig, ['get', 'secrets', other])).toBe(forbidden(manager, ['get', 'secrets', other]));
    }
    expect(await attempt(managerConfig, ['list', 'secrets'])).toBe(forbidden(manager, ['list', 'secrets']));

    const viewer = `${UserRole.Viewer}-user`;
    const viewerConfig = await as(viewer);
    expect(await attempt(viewerConfig, ['get', 'secrets', 'garage-temp-1-config'])).toBe(forbidden(viewer, ['get', 'secrets', 'garage-temp-1-config']));

    // A Device deleted: its config Secret leaves the Role.
    await cluster.kubectl(['delete', 'device', 'garage-temp-2', '-n', ns]);
    await eventually(async () => ((await attempt(managerConfig, ['get', 'secrets', 'garage-temp-2-config'])) !== 'ok' ? true : undefined), 'access to the deleted device\'s config withdrawn');
  });
});
