/**
 * The config controllers against a cluster (devcluster, or KUBEFLASH_TEST_KUBECONFIG) through the real client:
 * the example fleet's config Secrets, layering, exact requeueing, idempotency, invalid inputs, restarts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { CoreV1Api, CustomObjectsApi, type KubernetesObject, type V1Secret } from '@kubernetes/client-node';
import { BAD_INPUT_CASES } from '../../operator/src/config/bad-inputs.fixture';
import { ensureObjects } from '@kubeflash/operator/kube';
import { startOperator, type RunningOperator } from '@kubeflash/operator';
import { repoRoot } from '@kubeflash/operator/paths';
import { eventually, useTestCluster, type TestCluster } from '@kubeflash/devcluster/testing';
import {
  EXAMPLE_DEVICES,
  configValues,
  exampleFleet,
  inDependencyOrder,
  installCrds,
  readDevice,
  readSecret,
  resourceVersions,
  writesOf,
} from './support';

jest.setTimeout(120_000);

let cluster: TestCluster;
let ns: string;
let operator: RunningOperator;
let baseline: KubernetesObject[];

async function start(): Promise<RunningOperator> {
  const op = await startOperator({
    kubeConfig: cluster.kubeConfig,
    healthPort: 0,
    resyncPeriodMs: 0,
    // Suites may share one real cluster (KUBEFLASH_TEST_KUBECONFIG): each operator watches only its namespace.
    namespace: ns,
    leaderElection: { namespace: ns, leaseName: 'kubeflash-operator-test', retryPeriodMs: 500 },
    brokers: false,
  });
  await op.whenControllersRunning();
  return op;
}

/** Waits for the controllers to finish what they are doing (watch events included). */
async function settle(): Promise<void> {
  const controllers = operator.controllers();
  if (!controllers) throw new Error('controllers are not running');
  await new Promise((r) => setTimeout(r, 400));
  await controllers.whenIdle();
}

async function readyOf(name: string): Promise<{ status: string; reason: string; message: string } | undefined> {
  const device = await readDevice(cluster.kubeConfig, ns, name);
  return device.status?.conditions?.find((c) => c.type === 'ConfigReady');
}

async function allReady(names = EXAMPLE_DEVICES): Promise<void> {
  await eventually(async () => {
    for (const n of names) if ((await readyOf(n))?.status !== 'True') return undefined;
    return true;
  }, `ConfigReady=True on ${names.join(', ')}`, 30_000);
}

const secretOf = async (device: string): Promise<V1Secret> => {
  const s = await readSecret(cluster.kubeConfig, ns, `${device}-config`);
  if (!s) throw new Error(`no Secret ${device}-config`);
  return s;
};

beforeAll(async () => {
  cluster = await useTestCluster({ namespacePrefix: 'kf-config' });
  ns = cluster.namespace;
  await installCrds(cluster.kubeConfig);
  baseline = inDependencyOrder(await exampleFleet(ns));
  await ensureObjects(cluster.kubeConfig, baseline, 'create-or-replace');
  operator = await start();
  await allReady();
});

afterAll(async () => {
  await operator?.stop();
  await cluster?.cleanup();
});

describe('the operator on the example fleet', () => {
  it('compiles every example device into <device>-config with the values the layering rules give', async () => {
    const expectations: Record<string, Record<string, string | bigint>> = {
      'garage-temp-1': { sample_period: 30n, ntp_server: '192.168.40.1', tz: 'CET-1CEST,M3.5.0,M10.5.0/3', wifi_ssid: 'garage-iot-example', led_enabled: 1n },
      'garage-freezer': { sample_period: 300n, temp_offset: -5n, led_enabled: 0n, sensor_addr: 68n },
      'garage-door-panel': { brightness: 60n, rotation: 90n, dashboard_url: 'https://dash.home.example.net/garage', wifi_pass: 'example-only-not-a-real-passphrase' },
      'garage-hall-display': { brightness: 80n, rotation: 0n },
      'garage-temp-2': { sample_period: 60n, temp_offset: 0n },
    };
    for (const name of EXAMPLE_DEVICES) {
      const secret = await secretOf(name);
      const values = configValues(secret);
      expect(values).toMatchObject(expectations[name]);
      expect(values).toMatchObject({
        device_id: `${ns}.${name}`,
        mqtt_user: `${ns}.${name}`,
        mqtt_uri: 'mqtts://mqtt.home.example.net:8883',
        mqtt_prefix: `home/devices/${ns}.${name}`,
        mqtt_pass: Buffer.from((await readSecret(cluster.kubeConfig, ns, `${name}-credentials`))?.data?.mqtt_password ?? '', 'base64').toString(),
        web_user: 'admin',
      });
      expect(secret.data?.mqtt_password).toBeUndefined();
      expect(secret.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'Device', name, controller: true, blockOwnerDeletion: true })]);
      expect(Boolean(secret.data?.['nvs_keys.bin'])).toBe(name.includes('display') || name.includes('panel'));
    }
  });

  it("creates the namespace's firmware signing key once and gives every device its public key as ota_pubkey", async () => {
    const signingKey = await eventually(() => readSecret(cluster.kubeConfig, ns, 'kubeflash-firmware-signing-key'), 'the signing key Secret');
    const publicKey = Buffer.from(signingKey.data?.['ota_pubkey.der'] ?? '', 'base64');
    expect(publicKey).toHaveLength(91);
    await eventually(async () => {
      for (const name of EXAMPLE_DEVICES) {
        const pub = configValues(await secretOf(name)).ota_pubkey;
        if (pub !== publicKey.toString('base64')) return undefined;
      }
      return true;
    }, 'ota_pubkey in every device config');
  });

  it('reports ConfigReady, status.config and status.mqtt, and counts devices on groups, classes and clusters', async () => {
    const device = await readDevice(cluster.kubeConfig, ns, 'garage-temp-1');
    const secret = await secretOf('garage-temp-1');
    expect(device.status?.observedGeneration).toBe(device.metadata.generation);
    expect(device.status?.config).toEqual({
      secretName: 'garage-temp-1-config',
      hash: secret.metadata?.annotations?.['kubeflash.dev/config-hash'],
      bytesUsed: expect.any(Number),
      partitionSize: 0x6000,
      observedGeneration: device.metadata.generation,
      keys: expect.arrayContaining([
        { key: 'device_id', type: 'string', layer: 'generated', source: 'operator' },
        { key: 'ntp_server', type: 'string', layer: 'group', source: 'site-garage', priority: 10 },
        { key: 'wifi_ssid', type: 'string', layer: 'secretRef', source: 'site-garage-wifi', referencedBy: 'DeviceGroup/site-garage', priority: 10, secret: true },
      ]),
    });
    expect(device.status?.mqtt).toEqual({
      username: `${ns}.garage-temp-1`,
      topics: {
        root: `home/devices/${ns}.garage-temp-1/`,
        status: `home/devices/${ns}.garage-temp-1/status`,
        telemetry: `home/devices/${ns}.garage-temp-1/telemetry`,
        commands: `home/devices/${ns}.garage-temp-1/cmd/#`,
      },
    });
    const custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    const get = (plural: string, name: string) => custom.getNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: ns, plural, name }) as Promise<{ status?: Record<string, unknown> }>;
    await eventually(async () => ((await get('devicegroups', 'site-garage')).status?.matchedDevices === 5 ? true : undefined), 'group count');
    expect((await get('deviceclasses', 'c3-sensor')).status?.devices).toBe(3);
    expect((await get('deviceclasses', 's3-display')).status?.devices).toBe(2);
    expect((await get('devicesclusters', 'home')).status?.devices).toBe(5);
    const events = (await cluster.kubeConfig.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: ns })).items;
    expect(events.filter((e) => e.reason === 'ConfigRendered' && e.involvedObject.kind === 'Device').map((e) => e.involvedObject.name).sort()).toEqual(EXAMPLE_DEVICES);
  });

  it('`kubeflash render` writes byte-identical files when given the operator\'s credential Secrets', async () => {
    const work = mkdtempSync(join(tmpdir(), 'kubeflash-render-'));
    try {
      mkdirSync(join(work, 'in'));
      const secrets = await Promise.all(EXAMPLE_DEVICES.map(secretOf));
      const signingKey = await readSecret(cluster.kubeConfig, ns, 'kubeflash-firmware-signing-key');
      const credentials = await Promise.all(EXAMPLE_DEVICES.map((d) => readSecret(cluster.kubeConfig, ns, `${d}-credentials`)));
      const exported = [...secrets, ...credentials, ...(signingKey ? [signingKey] : [])].map((s) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: s?.metadata?.name, namespace: ns }, data: s?.data }));
      writeFileSync(join(work, 'in', 'fleet.yaml'), [...baseline, ...exported].map((o) => JSON.stringify(o)).join('\n---\n'));
      const run = spawnSync(process.execPath, [join(repoRoot, 'pkg/cli/bin/kubeflash.js'), 'render', join(work, 'in'), '--out', join(work, 'out')], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).not.toContain('new credentials generated');
      for (const s of secrets) {
        const dir = join(work, 'out', ns, (s.metadata?.name ?? '').replace(/-config$/, ''));
        expect(readFileSync(join(dir, 'config.bin')).equals(Buffer.from(s.data?.['config.bin'] ?? '', 'base64'))).toBe(true);
        expect(readFileSync(join(dir, 'config.csv'), 'utf8')).toBe(Buffer.from(s.data?.['config.csv'] ?? '', 'base64').toString());
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('sends zero write requests on a full resync of a converged fleet', async () => {
    await settle();
    const before = await writesOf(operator.metrics);
    const versions = await resourceVersions(cluster.kubeConfig, ns);
    operator.controllers()?.resync();
    await settle();
    expect(await writesOf(operator.metrics)).toBe(before);
    expect(await resourceVersions(cluster.kubeConfig, ns)).toEqual(versions);
  });
});

describe('invalid configurations', () => {
  const changed = (mutated: KubernetesObject[]) => {
    const original = new Map(baseline.map((o) => [`${o.kind}/${o.metadata?.name}`, JSON.stringify(o)]));
    return mutated.filter((o) => original.get(`${o.kind}/${o.metadata?.name}`) !== JSON.stringify(o));
  };

  it.each(BAD_INPUT_CASES.map((c) => [c.sentence, c] as const))('%s', async (_s, c) => {
    const mutated = JSON.parse(JSON.stringify(baseline)) as Parameters<typeof c.mutate>[0];
    c.mutate(mutated);
    const edits = changed(mutated);
    const message = c.message.replaceAll('kubeflash-demo', ns);
    const secretBefore = (await secretOf(c.device)).metadata?.resourceVersion;
    const originals = new Set(edits.map((o) => `${o.kind}/${o.metadata?.name}`));
    // Devices first and Secrets last (reverse dependency order), so no valid intermediate state is rendered.
    await ensureObjects(cluster.kubeConfig, [...edits].reverse(), 'create-or-replace');
    try {
      const ready = await eventually(async () => {
        const r = await readyOf(c.device);
        return r?.status === 'False' && r.message === message ? r : undefined;
      }, `ConfigReady=False "${message}"`, 15_000);
      expect(ready.reason).toBe(c.reason);
      await settle();
      expect((await secretOf(c.device)).metadata?.resourceVersion).toBe(secretBefore);
      const events = (await cluster.kubeConfig.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: ns })).items;
      expect(events.some((e) => e.involvedObject.name === c.device && e.type === 'Warning' && e.reason === c.reason && e.message === message)).toBe(true);
    } finally {
      await ensureObjects(cluster.kubeConfig, baseline.filter((o) => originals.has(`${o.kind}/${o.metadata?.name}`)), 'create-or-replace');
      await allReady([c.device]);
    }
    await settle();
    expect((await secretOf(c.device)).metadata?.resourceVersion).toBe(secretBefore);
  });
});

describe('changes reach exactly the devices they affect', () => {
  const sensors = ['garage-freezer', 'garage-temp-1', 'garage-temp-2'];
  const ntpSecret = (server: string): KubernetesObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sensor-ntp', namespace: ns }, stringData: { ntp_server: server } } as KubernetesObject);
  const sensorGroup = {
    apiVersion: 'kubeflash.dev/v1alpha1',
    kind: 'DeviceGroup',
    metadata: { name: 'sensors', namespace: '' },
    spec: { selector: { matchLabels: { 'kubeflash.dev/role': 'sensor' } }, priority: 20, config: { secretRefs: [{ name: 'sensor-ntp', keys: ['ntp_server'] }] } },
  };

  it('a changed group Secret rewrites the config of the group\'s devices only', async () => {
    await ensureObjects(cluster.kubeConfig, [ntpSecret('10.0.0.1'), { ...sensorGroup, metadata: { name: 'sensors', namespace: ns } }], 'create-or-replace');
    await eventually(async () => {
      for (const d of sensors) if (configValues(await secretOf(d)).ntp_server !== '10.0.0.1') return undefined;
      return true;
    }, 'sensors with ntp_server 10.0.0.1');
    await settle();
    const before = await resourceVersions(cluster.kubeConfig, ns);
    await ensureObjects(cluster.kubeConfig, [ntpSecret('10.0.0.2')], 'create-or-replace');
    await eventually(async () => {
      for (const d of sensors) if (configValues(await secretOf(d)).ntp_server !== '10.0.0.2') return undefined;
      return true;
    }, 'sensors with ntp_server 10.0.0.2');
    await settle();
    const after = await resourceVersions(cluster.kubeConfig, ns);
    const changedSecrets = Object.keys(after).filter((k) => k.startsWith('Secret/') && after[k] !== before[k]).sort();
    expect(changedSecrets).toEqual([...sensors.map((d) => `Secret/${d}-config`), 'Secret/sensor-ntp']);
    expect(configValues(await secretOf('garage-door-panel')).ntp_server).toBe('192.168.40.1');
  });

  it('a relabelled device moves into the other group and gets its config', async () => {
    const panel = baseline.find((o) => o.kind === 'Device' && o.metadata?.name === 'garage-door-panel') as KubernetesObject;
    const relabelled = { ...panel, metadata: { ...panel.metadata, labels: { ...panel.metadata?.labels, 'kubeflash.dev/role': 'sensor' } } };
    await ensureObjects(cluster.kubeConfig, [relabelled], 'create-or-replace');
    await eventually(async () => (configValues(await secretOf('garage-door-panel')).ntp_server === '10.0.0.2' ? true : undefined), 'the panel in the sensors group');
    await eventually(async () => {
      const g = (await cluster.kubeConfig.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: ns, plural: 'devicegroups', name: 'sensors' })) as { status?: { matchedDevices?: number } };
      return g.status?.matchedDevices === 4 ? true : undefined;
    }, 'sensors matching 4 devices');
  });

  it('a deleted DeviceClass is reported by its devices, whose Secrets stay as they were', async () => {
    const before = await resourceVersions(cluster.kubeConfig, ns);
    await cluster.kubeConfig.makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: ns, plural: 'deviceclasses', name: 's3-display' });
    for (const d of ['garage-door-panel', 'garage-hall-display']) {
      await eventually(async () => ((await readyOf(d))?.reason === 'DeviceClassNotFound' ? true : undefined), `${d} DeviceClassNotFound`);
      expect((await readyOf(d))?.message).toBe(`DeviceClass s3-display does not exist in namespace ${ns}`);
    }
    await settle();
    const after = await resourceVersions(cluster.kubeConfig, ns);
    expect(after['Secret/garage-door-panel-config']).toBe(before['Secret/garage-door-panel-config']);
    expect(after['Secret/garage-hall-display-config']).toBe(before['Secret/garage-hall-display-config']);
  });

  it('a restarted operator converges without writing anything', async () => {
    await settle();
    const versions = await resourceVersions(cluster.kubeConfig, ns);
    await operator.stop();
    operator = await start();
    await settle();
    expect(await writesOf(operator.metrics)).toBe(0);
    expect(await resourceVersions(cluster.kubeConfig, ns)).toEqual(versions);
  });
});
