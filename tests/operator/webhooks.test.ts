/**
 * The admission webhooks end to end: devcluster calls the operator's webhook server over HTTPS through the
 * in-cluster Service reference the install registers (the certificate is checked for
 * kubeflash-operator.<namespace>.svc and against the caBundle the operator published), and kubectl shows
 * every denial with the shared validation message, warnings for references that do not exist yet, the
 * defaults of the mutating webhook, a clear error (and nothing stored) while the operator is down, and a
 * certificate made anew when its Secret is deleted.
 */
import { jest } from '@jest/globals';
import { AdmissionregistrationV1Api, CoreV1Api, CustomObjectsApi, type KubernetesObject } from '@kubernetes/client-node';
import { dump } from 'js-yaml';
import { WEBHOOK_CERT_SECRET_NAME, WEBHOOK_CONFIGURATION_NAME, installObjects } from '@kubeflash/install';
import { SecretCertificates, startOperator, type RunningOperator } from '@kubeflash/operator';
import { ensureObjects } from '@kubeflash/operator/kube';
import { createAdmissionChain } from '@kubeflash/devcluster';
import { REAL_CLUSTER_KUBECONFIG, eventually, useTestCluster, type TestCluster } from '@kubeflash/devcluster/testing';
import { exampleFleet, inDependencyOrder, installCrds } from './support';

jest.setTimeout(120_000);

const describeOnDevcluster = REAL_CLUSTER_KUBECONFIG ? describe.skip : describe;
if (REAL_CLUSTER_KUBECONFIG) console.warn('SKIPPED: the webhook suite needs an API server that can reach this machine (devcluster); KUBEFLASH_TEST_KUBECONFIG is set');

let cluster: TestCluster;
let ns: string;
let operator: RunningOperator | undefined;
let webhookPort = 0;

async function start(): Promise<RunningOperator> {
  const op = await startOperator({
    kubeConfig: cluster.kubeConfig,
    healthPort: 0,
    resyncPeriodMs: 0,
    namespace: [ns],
    leaderElection: false,
    webhooks: {
      host: '127.0.0.1',
      port: 0,
      certificates: new SecretCertificates({
        kubeConfig: cluster.kubeConfig,
        source: 'operator',
        namespace: ns,
        secretName: WEBHOOK_CERT_SECRET_NAME,
        dnsNames: [`kubeflash-operator.${ns}.svc`, `kubeflash-operator.${ns}.svc.cluster.local`],
        configurationName: WEBHOOK_CONFIGURATION_NAME,
        periodMs: 300,
      }),
    },
  });
  webhookPort = op.webhookPort() ?? 0;
  return op;
}

const apply = (objects: object[]) => cluster.kubectl(['apply', '-f', '-'], { input: objects.map((o) => `---\n${dump(o)}`).join('') });
const caBundles = async (): Promise<string[]> => {
  const api = cluster.kubeConfig.makeApiClient(AdmissionregistrationV1Api);
  const [v, m] = await Promise.all([api.readValidatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME }), api.readMutatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME })]);
  return [...(v.webhooks ?? []), ...(m.webhooks ?? [])].map((w) => w.clientConfig.caBundle ?? '');
};
const obj = (kind: string, name: string, spec: object) => ({ apiVersion: 'kubeflash.dev/v1alpha1', kind, metadata: { name, namespace: ns }, spec });
const device = (name: string, spec: object = {}) => obj('Device', name, { deviceClassRef: { name: 'c3-sensor' }, devicesClusterRef: { name: 'home' }, ...spec });

beforeAll(async () => {
  if (REAL_CLUSTER_KUBECONFIG) return;
  cluster = await useTestCluster({
    namespacePrefix: 'kf-webhooks',
    devcluster: {
      // The Service of the install resolves to the operator's webhook server on loopback.
      admission: (source) =>
        createAdmissionChain(source, {
          resolveService: (namespace, name, port) => {
            if (namespace !== ns || name !== 'kubeflash-operator' || port !== 443) throw new Error(`service "${name}" not found`);
            return `https://127.0.0.1:${webhookPort}`;
          },
        }),
    },
  });
  ns = cluster.namespace;
  await installCrds(cluster.kubeConfig);
  const webhookConfigurations = installObjects({ namespace: ns, values: { operator: { watchNamespaces: [ns] } }, namespaceObject: false })
    .filter((o) => String(o.kind).endsWith('WebhookConfiguration')) as unknown as KubernetesObject[];
  expect(webhookConfigurations).toHaveLength(2);
  await ensureObjects(cluster.kubeConfig, webhookConfigurations, 'create-or-replace');
  operator = await start();
  await eventually(async () => ((await caBundles()).every((b) => b !== '') ? true : undefined), 'the operator to publish caBundle');
});

afterAll(async () => {
  await operator?.stop();
  await cluster?.cleanup();
});

describeOnDevcluster('admission webhooks through devcluster', () => {
  it('take the example fleet in any order: references that do not exist yet are warnings, and devices get their labels', async () => {
    const fleet = inDependencyOrder(await exampleFleet(ns)).reverse();
    const result = await apply(fleet);
    expect(result.stderr).toContain('Warning: DeviceClass c3-sensor does not exist (yet)');
    expect(result.code).toBe(0);
    const created = (await cluster.kubeConfig.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: ns, plural: 'devices', name: 'garage-temp-1' })) as KubernetesObject;
    expect(created.metadata?.labels).toMatchObject({ 'kubeflash.dev/device-class': 'c3-sensor', 'kubeflash.dev/devices-cluster': 'home' });
  });

  it('lower-case a MAC address', async () => {
    expect((await apply([device('mac-upper', { macAddress: 'AA:BB:CC:00:11:2F' })])).code).toBe(0);
    const got = await cluster.kubectl(['get', 'device', 'mac-upper', '-n', ns, '-o', 'jsonpath={.spec.macAddress}']);
    expect(got.stdout).toBe('aa:bb:cc:00:11:2f');
  });

  const DENIALS: [string, () => object[], string][] = [
    ['a device value outside its key\'s range', () => [device('bad-range', { config: { values: { sample_period: '70000' } } })], 'key sample_period (from Device bad-range) is 70000'],
    ['a device key the class does not declare', () => [device('bad-key', { config: { values: { colour: 'red' } } })], 'key colour (from Device bad-key) is not declared in the class\'s configSchema, which rejects unknown keys'],
    ['a secret key in plain values', () => [device('bad-secret', { config: { values: { wifi_pass: 'x' } } })], 'Device bad-secret sets secret key wifi_pass in plain values; take it from a Secret with secretRefs'],
    ['a generated key in a DeviceGroup', () => [obj('DeviceGroup', 'bad-group', { selector: { matchLabels: { site: 'garage' } }, config: { values: { device_id: 'x' } } })], 'DeviceGroup bad-group sets device_id, which the operator generates; remove it'],
    ['a key that is not an NVS key in a DevicesCluster', () => [obj('DevicesCluster', 'bad-cluster', { mqtt: { brokerUri: 'mqtts://mqtt.example.net:8883' }, config: { values: { 'much-too-long-name': '1' } } })], 'DevicesCluster bad-cluster sets "much-too-long-name", which is not an NVS key name'],
    ['a class schema that declares a generated key', () => [obj('DeviceClass', 'bad-class', { chip: 'esp32', configSchema: { keys: [{ name: 'mqtt_uri', type: 'string' }] } })], 'configSchema declares key mqtt_uri, which the operator generates'],
    ['a changed chip', () => [obj('DeviceClass', 'c3-sensor', { chip: 'esp32s3' })], 'spec.chip is immutable'],
  ];

  it.each(DENIALS)('deny %s with the shared validation message, and store nothing', async (_name, objects, message) => {
    const result = await apply(objects());
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`admission webhook "validate.kubeflash.dev" denied the request: ${message}`);
  });

  it('deny changing a Firmware\'s version and a Rollout\'s Firmware, and rolling out a failed build', async () => {
    const firmware = (name: string, version: string) => obj('Firmware', name, { deviceClassRef: { name: 'c3-sensor' }, version, source: { upload: {} } });
    expect((await apply([firmware('fw-a', '1.5.0'), firmware('fw-b', '1.6.0'), obj('Rollout', 'ro', { firmwareRef: { name: 'fw-b' } })])).code).toBe(0);
    let result = await apply([firmware('fw-a', '1.5.1')]);
    expect(result.stderr).toContain('admission webhook "validate.kubeflash.dev" denied the request: spec.version is immutable: a Firmware is one build of one version');
    result = await apply([obj('Rollout', 'ro', { firmwareRef: { name: 'fw-a' } })]);
    expect(result.stderr).toContain('spec.firmwareRef is immutable: a Rollout installs one Firmware; create another Rollout');
    const patched = await cluster.kubectl(['patch', 'firmware', 'fw-a', '-n', ns, '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Failed","message":"wrong chip"}}']);
    expect(patched.stderr).toBe('');
    result = await apply([obj('Rollout', 'ro-failed', { firmwareRef: { name: 'fw-a' } })]);
    expect(result.stderr).toContain('denied the request: Firmware fw-a failed to build (wrong chip); a Rollout cannot install it');
  });

  it('refuse writes with a clear error while the operator is down, and store nothing (failurePolicy Fail)', async () => {
    await operator?.stop();
    operator = undefined;
    const result = await apply([device('while-down')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/failed calling webhook "(default|validate)\.kubeflash\.dev": failed to call webhook: Post "https:\/\/kubeflash-operator\..*\.svc:443\/(mutate|validate)\?timeout=10s": dial tcp .*connect: connection refused/);
    const got = await cluster.kubectl(['get', 'device', 'while-down', '-n', ns]);
    expect(got.stderr).toContain('NotFound');
    operator = await start();
    await eventually(async () => ((await apply([device('after-restart')])).code === 0 ? true : undefined), 'writes to be admitted again');
  });

  it('make a new CA and certificate when the Secret is deleted, publish the new caBundle, and keep admitting', async () => {
    const before = await caBundles();
    await cluster.kubeConfig.makeApiClient(CoreV1Api).deleteNamespacedSecret({ name: WEBHOOK_CERT_SECRET_NAME, namespace: ns });
    const after = await eventually(async () => {
      const now = await caBundles();
      return now.every((b) => b !== '' && !before.includes(b)) ? now : undefined;
    }, 'a new caBundle');
    expect(new Set(after).size).toBe(1);
    await eventually(async () => ((await apply([device('after-renewal')])).code === 0 ? true : undefined), 'writes admitted with the new certificate');
  });
});
