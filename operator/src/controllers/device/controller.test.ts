import { ApiException, type KubernetesObject, type V1Secret } from '@kubernetes/client-node';
import { parseNvsImage } from '@kubeflash/esp';
import type { Device, DeviceClass, DeviceGroup, DevicesCluster } from '@kubeflash/api';
import { readManifestDir } from '../../kube/manifests';
import { examplesDir } from '../../paths';
import { buildSigningKeySecret, generateSigningKey } from '../../artifacts/signing';
import { shrinkConfigSecret } from '../caches';
import { fakeBrokers, fakeCaches, recordingWriter, type BrokerCall, type FakeCaches, type RecordedCall } from '../testing';
import { ConfigWriteError, syncDevice } from './sync';

const NS = 'kubeflash-demo';
let fleet: KubernetesObject[];
beforeAll(async () => {
  fleet = JSON.parse(JSON.stringify((await readManifestDir(examplesDir)).map((m) => m.object)));
});

function load(): FakeCaches {
  const caches = fakeCaches();
  let uid = 0;
  for (const o of JSON.parse(JSON.stringify(fleet)) as KubernetesObject[]) {
    o.metadata = { ...o.metadata, uid: `uid-${++uid}`, generation: 1, resourceVersion: '1' };
    if (o.kind === 'Device') caches.devices.set(o as Device);
    if (o.kind === 'DeviceClass') caches.classes.set(o as DeviceClass);
    if (o.kind === 'DevicesCluster') caches.clusters.set(o as DevicesCluster);
    if (o.kind === 'DeviceGroup') caches.groups.set(o as DeviceGroup);
    if (o.kind === 'Secret') caches.secrets.set(o as V1Secret);
  }
  caches.configSecrets.set(shrinkConfigSecret(buildSigningKeySecret(NS, generateSigningKey())));
  return caches;
}

const NOW = new Date('2026-01-02T03:04:05Z');
const summary = (calls: RecordedCall[]): string[] =>
  calls.map((c) => {
    if ('event' in c) return `event ${c.event.type} ${c.event.reason}`;
    if (c.verb === 'apply') {
      const ready = (c.status.conditions as { status: string; reason: string }[])[0];
      return `apply ${c.resource} ${c.name} ConfigReady=${ready.status}/${ready.reason} (${c.fieldManager})`;
    }
    if (c.verb === 'finalizers') return `finalizers ${c.name} [${c.finalizers.join(',')}]`;
    return `${c.verb} secret ${c.name}`;
  });
const brokerSummary = (calls: BrokerCall[]): string[] =>
  calls.map((c) => (c.op === 'publish' ? `publish ${c.topic}${c.payload === '' ? ' (empty)' : ''}${c.retain ? ' retained' : ''}` : `${c.op} ${c.username}`));

const device = (caches: FakeCaches, name = 'garage-temp-1'): Device => caches.devices.get(NS, name) as Device;
const setValues = (caches: FakeCaches, values: Record<string, string>, name = 'garage-temp-1') => {
  const d = device(caches, name);
  caches.devices.set({ ...d, metadata: { ...d.metadata, generation: (d.metadata.generation ?? 1) + 1 }, spec: { ...d.spec, config: { values } } });
};
/** The mqtt_pass inside a config Secret's config.bin (garage-temp-1's class does not encrypt). */
const mqttPassIn = (secret: V1Secret): unknown => parseNvsImage(new Uint8Array(Buffer.from(secret.data?.['config.bin'] ?? '', 'base64'))).values.find((v) => v.key === 'mqtt_pass')?.value;
const passwordOf = (caches: FakeCaches): string => Buffer.from(caches.configSecrets.get(NS, 'garage-temp-1-credentials')?.data?.mqtt_password ?? '', 'base64').toString();

interface Case {
  sentence: string;
  /** Changes made after the device converged once (none: first reconcile of a new device). */
  change?: (caches: FakeCaches, brokers: ReturnType<typeof fakeBrokers>) => void;
  /** The MQTT password changes (config.bin and the broker account follow). */
  newPassword?: boolean;
  expected: string[];
  /** Calls of the broker session in the same reconcile. */
  broker?: string[];
}

const ACCOUNT = 'kubeflash-demo.garage-temp-1';
const cases: Case[] = [
  {
    sentence: 'a Secret named like the config Secret but not written by kubeflash is reported, never overwritten',
    change: (c) => {
      c.configSecrets.delete(NS, 'garage-temp-1-config');
      c.secrets.set({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'garage-temp-1-config', namespace: NS }, data: {} });
    },
    expected: ['apply devices/status garage-temp-1 ConfigReady=False/ConfigInvalid (kubeflash-device)', 'event Warning ConfigInvalid'],
    broker: [`ensure ${ACCOUNT}`],
  },
  {
    sentence: 'a new device gets its credentials Secret, a finalizer, its broker account, its config Secret, its status and one ConfigRendered event',
    expected: [
      'create secret garage-temp-1-credentials',
      'finalizers garage-temp-1 [kubeflash.dev/broker-account]',
      'create secret garage-temp-1-config',
      'apply devices/status garage-temp-1 ConfigReady=True/ConfigRendered (kubeflash-device)',
      'event Normal ConfigRendered',
    ],
    broker: [`ensure ${ACCOUNT}`],
  },
  { sentence: 'a converged device with unchanged inputs causes no API writes at all', change: () => undefined, expected: [], broker: [`ensure ${ACCOUNT}`] },
  {
    sentence: 'a changed group Secret replaces the config Secret and updates the status hash, the password stays',
    change: (c) => c.secrets.set({ ...(c.secrets.get(NS, 'site-garage-wifi') as V1Secret), stringData: { wifi_ssid: 'new-net', wifi_pass: 'new-pass-1234' } }),
    expected: ['replace secret garage-temp-1-config', 'apply devices/status garage-temp-1 ConfigReady=True/ConfigRendered (kubeflash-device)', 'event Normal ConfigRendered'],
  },
  {
    sentence: 'an out-of-range device value writes no Secret, turns ConfigReady False and emits a Warning',
    change: (c) => setValues(c, { sample_period: '1' }),
    expected: ['apply devices/status garage-temp-1 ConfigReady=False/ConfigInvalid (kubeflash-device)', 'event Warning ConfigInvalid'],
  },
  {
    sentence: 'a deleted class is reported as DeviceClassNotFound without touching the Secrets',
    change: (c) => c.classes.delete(NS, 'c3-sensor'),
    expected: ['apply devices/status garage-temp-1 ConfigReady=False/DeviceClassNotFound (kubeflash-device)', 'event Warning DeviceClassNotFound'],
  },
  {
    sentence: 'a config Secret deleted by someone is created again with the same password, which lives in the credentials Secret',
    change: (c) => c.configSecrets.delete(NS, 'garage-temp-1-config'),
    expected: ['create secret garage-temp-1-config', 'event Normal ConfigRendered'],
  },
  {
    sentence: 'a credentials Secret deleted by someone is generated again: new password in the broker account and config.bin',
    change: (c) => c.configSecrets.delete(NS, 'garage-temp-1-credentials'),
    newPassword: true,
    expected: ['create secret garage-temp-1-credentials', 'replace secret garage-temp-1-config', 'apply devices/status garage-temp-1 ConfigReady=True/ConfigRendered (kubeflash-device)', 'event Normal ConfigRendered'],
  },
  {
    sentence: 'spec.credentials.rotate rotates the passwords: credentials Secret, broker account and config.bin change together',
    change: (c) => {
      const d = device(c);
      c.devices.set({ ...d, metadata: { ...d.metadata, generation: 2 }, spec: { ...d.spec, credentials: { rotate: '2026-01-02' } } });
    },
    newPassword: true,
    expected: [
      'replace secret garage-temp-1-credentials',
      'replace secret garage-temp-1-config',
      'apply devices/status garage-temp-1 ConfigReady=True/ConfigRendered (kubeflash-device)',
      'event Normal CredentialsRotated',
      'event Normal ConfigRendered',
    ],
    broker: [`ensure ${ACCOUNT}`],
  },
  {
    sentence: 'without a connection to the broker the config is still written but ConfigReady says the account could not be made',
    change: (_c, b) => {
      b.connected = false;
    },
    expected: ['apply devices/status garage-temp-1 ConfigReady=False/BrokerAccountFailed (kubeflash-device)', 'event Warning BrokerAccountFailed'],
    broker: [],
  },
  {
    sentence: 'an account of the same name that kubeflash did not create is reported, never taken over',
    change: (_c, b) => b.foreign.add(ACCOUNT),
    expected: ['apply devices/status garage-temp-1 ConfigReady=False/BrokerAccountFailed (kubeflash-device)', 'event Warning BrokerAccountFailed'],
    broker: [`ensure ${ACCOUNT}`],
  },
  {
    sentence: 'a deleted device loses its broker account and retained status before its finalizer goes',
    change: (c) => {
      const d = device(c);
      c.devices.set({ ...d, metadata: { ...d.metadata, deletionTimestamp: NOW } });
    },
    expected: ['finalizers garage-temp-1 []'],
    broker: [`remove ${ACCOUNT}`, `publish home/devices/${ACCOUNT}/status (empty) retained`],
  },
  {
    sentence: 'a reboot request for an online device publishes cmd/reboot once and records it',
    change: (c) => {
      const d = device(c);
      const online = { type: 'Online', status: 'True', reason: 'DeviceOnline', message: 'the device reports online', lastTransitionTime: '2026-01-01T00:00:00Z' } as const;
      c.devices.set({ ...d, metadata: { ...d.metadata, generation: 2 }, spec: { ...d.spec, rebootRequest: 'r1' }, status: { ...d.status, conditions: [...(d.status?.conditions ?? []), online] } });
    },
    expected: ['apply devices/status garage-temp-1 ConfigReady=True/ConfigRendered (kubeflash-device)', 'event Normal RebootSent'],
    broker: [`ensure ${ACCOUNT}`, `publish home/devices/${ACCOUNT}/cmd/reboot`],
  },
  {
    sentence: 'a reboot request for a device that is not online is recorded as skipped, nothing is sent',
    change: (c) => {
      const d = device(c);
      c.devices.set({ ...d, metadata: { ...d.metadata, generation: 2 }, spec: { ...d.spec, rebootRequest: 'r1' } });
    },
    expected: ['apply devices/status garage-temp-1 ConfigReady=True/ConfigRendered (kubeflash-device)', 'event Warning RebootSkipped'],
    broker: [`ensure ${ACCOUNT}`],
  },
  {
    sentence: 'a new device generation that gives the same config only updates observedGeneration, without an event',
    change: (c) => setValues(c, { sample_period: '30' }),
    expected: ['apply devices/status garage-temp-1 ConfigReady=True/ConfigRendered (kubeflash-device)'],
  },
];

describe('syncDevice', () => {
  it.each(cases.map((c) => [c.sentence, c] as const))('%s', async (_s, c) => {
    const caches = load();
    const writer = recordingWriter(caches);
    const brokers = fakeBrokers();
    const deps = { caches, writer, brokers, now: () => NOW };
    await syncDevice(deps, `${NS}/garage-temp-1`);
    if (c.change) {
      const password = passwordOf(caches);
      expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
      writer.calls.length = 0;
      brokers.calls.length = 0;
      c.change(caches, brokers);
      await syncDevice(deps, `${NS}/garage-temp-1`);
      if (!device(caches).metadata.deletionTimestamp) {
        expect(passwordOf(caches) !== password).toBe(c.newPassword === true);
        for (const call of writer.calls) {
          if ('object' in call && call.name === 'garage-temp-1-config') expect(mqttPassIn(call.object)).toBe(passwordOf(caches));
        }
        if (brokers.connected && !brokers.foreign.has(ACCOUNT)) expect(brokers.accounts.get(ACCOUNT)?.password).toBe(passwordOf(caches));
      }
    }
    expect(summary(writer.calls)).toEqual(c.expected);
    if (c.broker) expect(brokerSummary(brokers.calls)).toEqual(c.broker);
    if (device(caches).spec.rebootRequest) {
      expect(device(caches).status?.reboot).toMatchObject({ request: 'r1', time: '2026-01-02T03:04:05Z' });
      writer.calls.length = 0;
      brokers.calls.length = 0;
      await syncDevice(deps, `${NS}/garage-temp-1`);
      expect([summary(writer.calls), brokerSummary(brokers.calls)]).toEqual([[], [`ensure ${ACCOUNT}`]]);
    }
  });

  it('keeps lastTransitionTime when ConfigReady stays True, writes the hash annotation and an owner reference', async () => {
    const caches = load();
    const writer = recordingWriter(caches);
    await syncDevice({ caches, writer, now: () => NOW }, `${NS}/garage-temp-1`);
    caches.secrets.set({ ...(caches.secrets.get(NS, 'site-garage-wifi') as V1Secret), stringData: { wifi_ssid: 'n', wifi_pass: 'p' } });
    await syncDevice({ caches, writer, now: () => new Date('2026-02-02T00:00:00Z') }, `${NS}/garage-temp-1`);
    const status = device(caches).status;
    expect(status?.conditions?.[0].lastTransitionTime).toBe('2026-01-02T03:04:05Z');
    const secret = (writer.calls.filter((c) => c.resource === 'secrets').at(-1) as { object: V1Secret }).object;
    expect(secret.metadata?.annotations?.['kubeflash.dev/config-hash']).toBe(status?.config?.hash);
    expect(secret.metadata?.ownerReferences).toEqual([
      { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Device', name: 'garage-temp-1', uid: device(caches).metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    const values = parseNvsImage(new Uint8Array(Buffer.from(secret.data?.['config.bin'] ?? '', 'base64'))).values;
    expect(values.find((v) => v.key === 'wifi_ssid')?.value).toBe('n');
  });

  it('never puts Secret values into status, events or messages', async () => {
    const caches = load();
    const writer = recordingWriter(caches);
    await syncDevice({ caches, writer, now: () => NOW }, `${NS}/garage-temp-1`);
    setValues(caches, { wifi_ssid: 'x'.repeat(40) });
    await syncDevice({ caches, writer, now: () => NOW }, `${NS}/garage-temp-1`);
    const password = passwordOf(caches);
    expect(password.length).toBe(32);
    const visible = JSON.stringify(writer.calls.filter((c) => c.resource !== 'secrets'));
    for (const secret of [password, 'example-only-not-a-real-passphrase', 'garage-iot-example']) expect(visible).not.toContain(secret);
  });

  it("waits for the namespace's signing key (its arrival queues the device) instead of rendering without ota_pubkey", async () => {
    const caches = load();
    caches.configSecrets.delete(NS, 'kubeflash-firmware-signing-key');
    const writer = recordingWriter(caches);
    await syncDevice({ caches, writer, now: () => NOW }, `${NS}/garage-temp-1`);
    expect(writer.calls).toEqual([]);
  });

  it('reports a config Secret the API server refuses in ConfigReady and a Warning Event, then fails for the queue to retry', async () => {
    const caches = load();
    const writer = recordingWriter(caches);
    const refused = new ApiException(403, 'Forbidden', JSON.stringify({ kind: 'Status', message: 'secrets is forbidden: User "system:serviceaccount:kubeflash-system:kubeflash" cannot create resource "secrets"' }), {});
    const create = writer.createSecret.bind(writer);
    writer.createSecret = async (secret) => {
      if (secret.metadata?.name?.endsWith('-config')) throw refused;
      await create(secret);
    };
    const run = syncDevice({ caches, writer, brokers: fakeBrokers(), now: () => NOW }, `${NS}/garage-temp-1`);
    await expect(run).rejects.toBeInstanceOf(ConfigWriteError);
    await expect(run).rejects.toMatchObject({ cause: refused });
    expect(summary(writer.calls)).toEqual([
      'create secret garage-temp-1-credentials',
      'finalizers garage-temp-1 [kubeflash.dev/broker-account]',
      'apply devices/status garage-temp-1 ConfigReady=False/ConfigWriteFailed (kubeflash-device)',
      'event Warning ConfigWriteFailed',
    ]);
    expect(device(caches).status?.conditions?.[0].message).toBe(
      'cannot write Secret garage-temp-1-config: secrets is forbidden: User "system:serviceaccount:kubeflash-system:kubeflash" cannot create resource "secrets" (HTTP 403)',
    );
  });

  it('records every rendered key with its layer and source in status.config.keys, and no value', async () => {
    const caches = load();
    const writer = recordingWriter(caches);
    await syncDevice({ caches, writer, now: () => NOW }, `${NS}/garage-temp-1`);
    const config = device(caches).status?.config;
    expect(config?.observedGeneration).toBe(1);
    const keys = new Map((config?.keys ?? []).map((k) => [k.key, k]));
    expect(keys.get('device_id')).toEqual({ key: 'device_id', type: 'string', layer: 'generated', source: 'operator' });
    expect(keys.get('mqtt_pass')).toEqual({ key: 'mqtt_pass', type: 'string', layer: 'generated', source: 'operator', secret: true });
    expect(keys.get('web_pass')).toEqual({ key: 'web_pass', type: 'string', layer: 'generated', source: 'operator', secret: true });
    expect(keys.get('ntp_server')).toEqual({ key: 'ntp_server', type: 'string', layer: 'group', source: 'site-garage', priority: 10 });
    expect(keys.get('wifi_pass')).toEqual({ key: 'wifi_pass', type: 'string', layer: 'secretRef', source: 'site-garage-wifi', referencedBy: 'DeviceGroup/site-garage', priority: 10, secret: true });
    expect(keys.get('sample_period')).toEqual({ key: 'sample_period', type: 'u16', layer: 'device', source: 'garage-temp-1' });
    expect(keys.get('tz')).toMatchObject({ layer: 'cluster', source: 'home' });
    expect(keys.get('led_enabled')).toEqual({ key: 'led_enabled', type: 'u8', layer: 'default', source: 'c3-sensor' });
    const written = writer.calls.find((c) => c.name === 'garage-temp-1-config' && 'object' in c) as { object: V1Secret };
    const image = parseNvsImage(new Uint8Array(Buffer.from(written.object.data?.['config.bin'] ?? '', 'base64')));
    expect([...keys.keys()]).toEqual(image.values.map((v) => v.key));
    const recorded = JSON.stringify(config?.keys);
    for (const value of image.values) {
      if (typeof value.value === 'string' && value.value.length > 3) expect(recorded).not.toContain(value.value);
    }
  });
});
