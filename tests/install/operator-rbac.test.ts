/**
 * The operator's RBAC is exactly what it needs. Two operator replicas run as the chart's ServiceAccount (a
 * TokenRequest token, as a pod gets it) with exactly the install's Roles and bindings, watching one
 * namespace; the test drives every path that touches the API (config controllers over the example fleet, a
 * config change, leader election and failover, the webhooks' lookups, the serving certificate made,
 * published in caBundle and renewed, the device managers' config Secret Role written and rewritten), then reads devcluster's audit of the ServiceAccount's requests: no
 * request was refused (403), and every (verb, resource, namespace, name) the rules grant was used at least
 * once, so the rules are neither short nor loose. A grant the operator holds only so that it may write a Role
 * with that rule (escalationCover) counts as used when such a Role write succeeded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { AdmissionregistrationV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, RbacAuthorizationV1Api, type KubernetesObject } from '@kubernetes/client-node';
import { COMPONENTS, DEVICE_CONFIG_ACCESS_NAME, OPERATOR_NAME, UserRole, WEBHOOK_CERT_SECRET_NAME, WEBHOOK_CONFIGURATION_NAME, installObjects, type PlainObject } from '@kubeflash/install';
import { SecretCertificates, renewMaterial, SERVING_LIFETIME_MS, SERVING_RENEW_BEFORE_MS, startOperator, type RunningOperator } from '@kubeflash/operator';
import { ensureObjects } from '@kubeflash/operator/kube';
import { ensureUrlKey } from '@kubeflash/operator/artifacts';
import { createAdmissionChain } from '@kubeflash/devcluster';
import { REAL_CLUSTER_KUBECONFIG, eventually, uniqueName, useTestCluster, type TestCluster } from '@kubeflash/devcluster/testing';
import { EXAMPLE_DEVICES, exampleFleet, inDependencyOrder, installCrds, readSecret } from '../operator/support';
import { startEmbeddedBroker, type RunningBroker } from '@kubeflash/broker';
import { BROKER_ACCOUNT_FINALIZER } from '../../operator/src/controllers/device/desired';
import { authenticating, grantsOf, uses, type AuditEntry, type AuthenticatingDevCluster } from './rbac-support';

jest.setTimeout(180_000);

let cluster: TestCluster;
let auth: AuthenticatingDevCluster | undefined;
let fleetNs: string;
let opNs: string;
let install: PlainObject[];
let operatorKubeConfig: KubeConfig;
let webhookPort = 0;
const replicas: RunningOperator[] = [];
let audit: AuditEntry[] = [];
let broker: RunningBroker | undefined;
let brokerDir: string | undefined;
const BROKER_ADMIN = { username: 'kubeflash-admin', password: 'rbac-suite-admin-password' };

async function replica(identity: string): Promise<RunningOperator> {
  const op = await startOperator({
    kubeConfig: operatorKubeConfig,
    healthPort: 0,
    resyncPeriodMs: 0,
    namespace: [fleetNs],
    leaderElection: { namespace: opNs, identity, retryPeriodMs: 200, leaseDurationSeconds: 2 },
    webhooks: {
      host: '127.0.0.1',
      port: 0,
      certificates: new SecretCertificates({
        kubeConfig: operatorKubeConfig,
        source: 'operator',
        namespace: opNs,
        secretName: WEBHOOK_CERT_SECRET_NAME,
        dnsNames: [`${OPERATOR_NAME}.${opNs}.svc`, `${OPERATOR_NAME}.${opNs}.svc.cluster.local`],
        configurationName: WEBHOOK_CONFIGURATION_NAME,
        periodMs: 300,
      }),
    },
  });
  replicas.push(op);
  return op;
}

beforeAll(async () => {
  if (REAL_CLUSTER_KUBECONFIG) return;
  cluster = await useTestCluster({
    namespacePrefix: 'kf-rbac',
    devcluster: { admission: (source) => createAdmissionChain(source, { resolveService: () => `https://127.0.0.1:${webhookPort}` }) },
  });
  auth = authenticating(cluster.devcluster);
  if (!auth) return;
  fleetNs = cluster.namespace;
  opNs = uniqueName('kf-system');
  const admin = cluster.kubeConfig;
  await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: opNs } } });
  await installCrds(admin);
  install = installObjects({ namespace: opNs, values: { operator: { watchNamespaces: [fleetNs] } }, namespaceObject: false });
  await ensureObjects(admin, install as unknown as KubernetesObject[], 'create-or-replace');
  // The artifact service's URL-signing key in the operator's namespace (the operator reads it to sign OTA URLs).
  await ensureUrlKey(admin.makeApiClient(CoreV1Api), opNs);

  // The ServiceAccount's token, as the kubelet projects it into the operator pod.
  const token = await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({ name: OPERATOR_NAME, namespace: opNs, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
  const server = admin.getCurrentCluster();
  operatorKubeConfig = new KubeConfig();
  operatorKubeConfig.loadFromOptions({
    clusters: [{ name: 'devcluster', server: server?.server ?? '', caData: server?.caData }],
    users: [{ name: 'operator', token: token.status?.token }],
    contexts: [{ name: 'operator', cluster: 'devcluster', user: 'operator' }],
    currentContext: 'operator',
  });
  brokerDir = mkdtempSync(join(tmpdir(), 'kubeflash-rbac-broker-'));
  broker = await startEmbeddedBroker({ dir: brokerDir, admin: BROKER_ADMIN, persistence: false });
  auth.audit.clear();

  const first = await replica('replica-a');
  webhookPort = first.webhookPort() ?? 0;
  await first.whenControllersRunning();
  const second = await replica('replica-b');
  const admission = admin.makeApiClient(AdmissionregistrationV1Api);
  await eventually(async () => ((await admission.readValidatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME })).webhooks?.[0].clientConfig.caBundle ? true : undefined), 'caBundle published');

  // A device manager in the fleet's namespace, before the fleet: the operator creates the config Secret Role and its binding.
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  const bindDeviceManager = (name: string, user: string) =>
    rbac.createNamespacedRoleBinding({
      namespace: fleetNs,
      body: { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: UserRole.DeviceManager }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }] },
    });
  await bindDeviceManager('fleet-operators', 'alice');

  // The fleet through the webhooks (they look up classes, clusters and firmware), and a build and a rollout.
  await ensureObjects(admin, inDependencyOrder(await exampleFleet(fleetNs)), 'create-or-replace');
  const custom = admin.makeApiClient(CustomObjectsApi);
  const create = (plural: string, body: object) => custom.createNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: fleetNs, plural, body });
  await create('firmwares', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Firmware', metadata: { name: 'sensor-1.0.0' }, spec: { deviceClassRef: { name: 'c3-sensor' }, version: '1.0.0', source: { upload: {} } } });
  await create('rollouts', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Rollout', metadata: { name: 'sensor-1.0.0' }, spec: { firmwareRef: { name: 'sensor-1.0.0' } } });
  await eventually(async () => {
    for (const d of EXAMPLE_DEVICES) if (!(await readSecret(admin, fleetNs, `${d}-config`))) return undefined;
    return true;
  }, 'config Secrets of the example fleet', 60_000);

  // A DevicesCluster on a broker the operator administers: a Device gets an account and its finalizer, which goes
  // with the Device.
  await ensureObjects(admin, [
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'broker-admin', namespace: fleetNs }, stringData: BROKER_ADMIN } as KubernetesObject,
    { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DevicesCluster', metadata: { name: 'rbac-site', namespace: fleetNs }, spec: { mqtt: { brokerUri: broker.url, topicPrefix: 'rbac', accountManagement: 'mosquitto-dynsec', adminSecretRef: { name: 'broker-admin' } } } } as KubernetesObject,
    { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Device', metadata: { name: 'rbac-probe', namespace: fleetNs }, spec: { deviceClassRef: { name: 'c3-sensor' }, devicesClusterRef: { name: 'rbac-site' } } } as KubernetesObject,
  ], 'create-or-replace');
  const probe = { group: 'kubeflash.dev', version: 'v1alpha1', namespace: fleetNs, plural: 'devices', name: 'rbac-probe' };
  await eventually(async () => (((await custom.getNamespacedCustomObject(probe)) as KubernetesObject).metadata?.finalizers?.includes(BROKER_ACCOUNT_FINALIZER) ? true : undefined), 'the broker-account finalizer on the probe Device', 60_000);
  await custom.deleteNamespacedCustomObject(probe);
  await eventually(async () => {
    try {
      await custom.getNamespacedCustomObject(probe);
      return undefined;
    } catch {
      return true;
    }
  }, 'the probe Device gone with its account', 60_000);

  // A config change rewrites a config Secret.
  const before = (await readSecret(admin, fleetNs, 'garage-temp-1-config'))?.metadata?.resourceVersion;
  await cluster.kubectl(['patch', 'device', 'garage-temp-1', '-n', fleetNs, '--type=merge', '-p', '{"spec":{"config":{"values":{"sample_period":"45"}}}}']);
  await eventually(async () => ((await readSecret(admin, fleetNs, 'garage-temp-1-config'))?.metadata?.resourceVersion !== before ? true : undefined), 'the config Secret rewritten');

  // One more device: its config Secret joins the Role; one more device manager: the binding is rewritten.
  const configRole = async () => (await rbac.readNamespacedRole({ namespace: fleetNs, name: DEVICE_CONFIG_ACCESS_NAME }).catch(() => undefined))?.rules?.[0]?.resourceNames ?? [];
  await eventually(async () => ((await configRole()).length === EXAMPLE_DEVICES.length ? true : undefined), 'the config Secrets of the fleet in the Role');
  const template = (await custom.getNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: fleetNs, plural: 'devices', name: 'garage-temp-2' })) as { metadata: { labels: object }; spec: object };
  await create('devices', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Device', metadata: { name: 'garage-temp-3', labels: template.metadata.labels }, spec: template.spec });
  await eventually(async () => ((await configRole()).includes('garage-temp-3-config') ? true : undefined), 'the new config Secret in the Role');
  await bindDeviceManager('night-shift', 'bob');
  await eventually(
    async () => ((await rbac.readNamespacedRoleBinding({ namespace: fleetNs, name: DEVICE_CONFIG_ACCESS_NAME })).subjects?.length === 2 ? true : undefined),
    'both device managers bound',
  );

  // A serving certificate about to expire is renewed (the Secret is updated, caBundle kept).
  const names = [`${OPERATOR_NAME}.${opNs}.svc`, `${OPERATOR_NAME}.${opNs}.svc.cluster.local`];
  const old = await renewMaterial(undefined, 'create', names, new Date(Date.now() - SERVING_LIFETIME_MS + SERVING_RENEW_BEFORE_MS / 2));
  const core = admin.makeApiClient(CoreV1Api);
  const stored = await core.readNamespacedSecret({ name: WEBHOOK_CERT_SECRET_NAME, namespace: opNs });
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  await core.replaceNamespacedSecret({ name: WEBHOOK_CERT_SECRET_NAME, namespace: opNs, body: { ...stored, data: { 'tls.crt': b64(old.certPem), 'tls.key': b64(old.keyPem), 'ca.crt': b64(old.caBundlePem), 'ca.key': b64(old.caKeyPem) } } });
  await eventually(async () => ((await core.readNamespacedSecret({ name: WEBHOOK_CERT_SECRET_NAME, namespace: opNs })).data?.['tls.crt'] !== b64(old.certPem) ? true : undefined), 'the certificate renewed');

  // Failover: the standby takes the Lease and reconciles.
  await first.stop();
  webhookPort = second.webhookPort() ?? 0;
  await second.whenControllersRunning();
  await second.controllers()?.whenIdle();
  await second.stop();
  audit = auth.audit.list({ user: `system:serviceaccount:${opNs}:${OPERATOR_NAME}` });
});

afterAll(async () => {
  for (const op of replicas) await op.stop();
  await broker?.stop();
  if (brokerDir) rmSync(brokerDir, { recursive: true, force: true });
  await cluster?.cleanup();
});

describe('the operator as the chart\'s ServiceAccount', () => {
  it('is never refused (no 403 in the audit of its requests)', () => {
    if (!auth) {
      console.warn(`SKIPPED: ${REAL_CLUSTER_KUBECONFIG ? 'KUBEFLASH_TEST_KUBECONFIG is set (a real cluster has no audit this suite can read)' : 'this devcluster has no per-user credentials or audit'}: the operator RBAC proof did not run`);
      return;
    }
    expect(audit.length).toBeGreaterThan(100);
    expect(audit.filter((e) => e.code === 403).map((e) => `${e.verb} ${e.apiGroup}/${e.resource}${e.subresource ? `/${e.subresource}` : ''} ${e.namespace}/${e.name}`)).toEqual([]);
  });

  it('uses every (verb, resource, namespace, name) its Roles grant, at least once', () => {
    if (!auth) return;
    const grants = grantsOf(install, { namespace: opNs, name: OPERATOR_NAME });
    expect(grants.length).toBeGreaterThan(10);
    // With a list of watched namespaces nothing cluster-wide is granted except the webhook configurations, by name.
    expect(grants.filter((g) => g.namespace === '').every((g) => g.resource.endsWith('webhookconfigurations') && g.name === WEBHOOK_CONFIGURATION_NAME)).toBe(true);
    const covers = COMPONENTS.flatMap((c) => c.operatorGrants ?? []).filter((g) => g.escalationCover);
    const isCover = (g: (typeof grants)[number]) => covers.some((c) => c.rule.apiGroups.includes(g.apiGroup) && c.rule.resources.includes(g.resource) && c.rule.verbs.includes(g.verb));
    const roleWritten = (namespace: string) =>
      audit.some((e) => e.code < 400 && ['create', 'update'].includes(e.verb) && e.resource === 'roles' && (namespace === '' || e.namespace === namespace));
    const unused = grants.filter((g) => !audit.some((e) => uses(e, g)) && !(isCover(g) && roleWritten(g.namespace)));
    expect(unused.map((g) => `${g.role}: ${g.verb} ${g.apiGroup}/${g.resource} in "${g.namespace}" named "${g.name}"`)).toEqual([]);
  });
});
