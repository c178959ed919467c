import type { KubernetesObject } from '@kubernetes/client-node';
import { buildNvsImageFromCsv, parseNvsImage, type NvsEntry } from '@kubeflash/esp';
import { decryptNvsImage } from '@kubeflash/esp/node';
import { readManifestDir } from '../kube/manifests';
import { examplesDir } from '../paths';
import type { Device, DeviceClass, DeviceGroup, DevicesCluster } from '@kubeflash/api';
import { renderFleet, type FleetDeviceResult } from './fleet';
import { renderDeviceConfig, type DeviceConfigInputs, type RenderedConfig } from './render';

let fleet: KubernetesObject[];
beforeAll(async () => {
  fleet = JSON.parse(JSON.stringify((await readManifestDir(examplesDir)).map((m) => m.object))) as KubernetesObject[];
});

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const find = <T>(kind: string, name: string): T => clone(fleet.find((o) => o.kind === kind && o.metadata?.name === name)) as T;

function valuesOf(result: FleetDeviceResult): Record<string, string | bigint> {
  const outcome = result.outcome as RenderedConfig;
  expect(outcome.ok).toBe(true);
  const plain = result.credentials.nvsKeys ? decryptNvsImage(outcome.files.configBin, result.credentials.nvsKeys) : outcome.files.configBin;
  const parsed = parseNvsImage(plain);
  expect(parsed.issues.filter((i) => i.severity === 'error')).toEqual([]);
  const out: Record<string, string | bigint> = {};
  for (const e of parsed.values) {
    expect(e.namespace).toBe('config');
    out[e.key] = e.type === 'string' ? e.value : e.type === 'blob' ? Buffer.from(e.value).toString('base64') : BigInt(e.value);
  }
  return out;
}

describe('the example fleet', () => {
  const generated = (name: string, credentials: { mqttPassword: string; webPassword: string }) => ({
    device_id: `kubeflash-demo.${name}`,
    mqtt_uri: 'mqtts://mqtt.home.example.net:8883',
    mqtt_user: `kubeflash-demo.${name}`,
    mqtt_pass: credentials.mqttPassword,
    mqtt_prefix: `home/devices/kubeflash-demo.${name}`,
    web_user: 'admin',
    web_pass: credentials.webPassword,
  });
  const sensor = {
    wifi_ssid: 'garage-iot-example',
    wifi_pass: 'example-only-not-a-real-passphrase',
    tz: 'CET-1CEST,M3.5.0,M10.5.0/3',
    ntp_server: '192.168.40.1',
    sample_period: 60n,
    temp_offset: 0n,
    sensor_addr: 68n,
    led_enabled: 1n,
  };
  const display = {
    wifi_ssid: 'garage-iot-example',
    wifi_pass: 'example-only-not-a-real-passphrase',
    tz: 'CET-1CEST,M3.5.0,M10.5.0/3',
    ntp_server: '192.168.40.1',
    brightness: 80n,
    rotation: 0n,
    dashboard_url: 'https://dash.home.example.net/garage',
  };
  const cases: [string, string, Record<string, string | bigint>][] = [
    ['a sensor takes wifi from the group Secret, tz from the cluster, ntp_server from the group and sample_period from itself', 'garage-temp-1', { ...sensor, sample_period: 30n }],
    ['a sensor without its own values gets the class defaults where no layer sets a key', 'garage-temp-2', sensor],
    ['device values override defaults for every type (u16, i16 negative, bool false)', 'garage-freezer', { ...sensor, sample_period: 300n, temp_offset: -5n, led_enabled: 0n }],
    ['an encrypted display decrypts with its keys; its device values beat the class value layer', 'garage-door-panel', { ...display, brightness: 60n, rotation: 90n }],
    ['a display with no values of its own has the class config layer and defaults', 'garage-hall-display', display],
  ];
  it.each(cases)('%s (%s)', (_sentence, name, expected) => {
    const result = renderFleet(fleet).find((r) => r.name === name) as FleetDeviceResult;
    expect(valuesOf(result)).toEqual({ ...expected, ...generated(name, result.credentials) });
  });

  it('writes config.csv that the nvs_partition_gen CSV reader turns into the same image', () => {
    for (const result of renderFleet(fleet)) {
      const outcome = result.outcome as RenderedConfig;
      const plain = result.credentials.nvsKeys ? decryptNvsImage(outcome.files.configBin, result.credentials.nvsKeys) : outcome.files.configBin;
      expect(Buffer.from(buildNvsImageFromCsv(outcome.files.configCsv, { size: outcome.partitionSize })).equals(Buffer.from(plain))).toBe(true);
    }
  });

  it('gives the same bytes and hash for the same inputs and credentials, and a new hash when a group Secret changes', () => {
    const first = renderFleet(fleet);
    const inputs = first.map((r) => r.credentials);
    const withCredentials = (objects: KubernetesObject[]) =>
      renderFleet([
        ...objects,
        ...first.map((r, i) => ({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: `${r.name}-credentials`, namespace: r.namespace },
          stringData: { mqtt_password: inputs[i].mqttPassword, web_password: inputs[i].webPassword },
          ...(inputs[i].nvsKeys ? { data: { 'nvs_keys.bin': Buffer.concat([inputs[i].nvsKeys.eky, inputs[i].nvsKeys.tky]).toString('base64') } } : {}),
        })),
      ]);
    const again = withCredentials(fleet);
    again.forEach((r, i) => {
      expect(r.generatedCredentials).toBe(false);
      expect((r.outcome as RenderedConfig).hash).toBe((first[i].outcome as RenderedConfig).hash);
      expect(Buffer.from((r.outcome as RenderedConfig).files.configBin).equals(Buffer.from((first[i].outcome as RenderedConfig).files.configBin))).toBe(true);
    });
    const changed = clone(fleet).map((o) => (o.metadata?.name === 'site-garage-wifi' ? { ...o, stringData: { wifi_ssid: 'other', wifi_pass: 'other-pass-123' } } : o));
    withCredentials(changed).forEach((r, i) => expect((r.outcome as RenderedConfig).hash).not.toBe((first[i].outcome as RenderedConfig).hash));
  });

  it('generates a different random MQTT password per device', () => {
    const passwords = renderFleet(fleet).map((r) => r.credentials.mqttPassword);
    expect(new Set(passwords).size).toBe(passwords.length);
    for (const p of passwords) expect(p).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});

describe('layering order', () => {
  function inputsWithGroups(groups: DeviceGroup[]): DeviceConfigInputs {
    const deviceClass = find<DeviceClass>('DeviceClass', 'c3-sensor');
    deviceClass.spec.configSchema = { ...deviceClass.spec.configSchema, unknownKeys: 'PassAsString' };
    return {
      device: find<Device>('Device', 'garage-temp-2'),
      deviceClass,
      cluster: find<DevicesCluster>('DevicesCluster', 'home'),
      groups,
      secrets: () => ({ wifi_ssid: new TextEncoder().encode('s'), wifi_pass: new TextEncoder().encode('p') }),
      credentials: { mqttPassword: 'pw', webPassword: 'web-password' },
    };
  }
  const group = (name: string, priority: number, site: string, labels: Record<string, string> = { 'kubeflash.dev/site': 'garage' }): DeviceGroup => ({
    apiVersion: 'kubeflash.dev/v1alpha1',
    kind: 'DeviceGroup',
    metadata: { name, namespace: 'kubeflash-demo' },
    spec: { selector: { matchLabels: labels }, priority, config: { values: { site }, secretRefs: [{ name: 'wifi' }] } },
  });
  const cases: [string, DeviceGroup[], string, string[]][] = [
    ['the higher priority wins', [group('b', 20, 'high'), group('a', 10, 'low')], 'high', ['a', 'b']],
    ['equal priorities are ordered by name, so the later name wins', [group('zeta', 5, 'z'), group('alpha', 5, 'a')], 'z', ['alpha', 'zeta']],
    ['a group whose selector does not match is ignored', [group('a', 1, 'mine'), group('b', 99, 'other', { 'kubeflash.dev/site': 'attic' })], 'mine', ['a']],
  ];
  it.each(cases)('%s', (_sentence, groups, site, order) => {
    const outcome = renderDeviceConfig(inputsWithGroups(groups)) as RenderedConfig;
    expect(outcome.groups).toEqual(order);
    const values = parseNvsImage(outcome.files.configBin).values as NvsEntry[];
    expect(values.find((v) => v.key === 'site')?.value).toBe(site);
  });
});

describe('ota_pubkey', () => {
  const inputs = (otaPublicKey?: Uint8Array): DeviceConfigInputs => ({
    device: find<Device>('Device', 'garage-temp-2'),
    deviceClass: find<DeviceClass>('DeviceClass', 'c3-sensor'),
    cluster: find<DevicesCluster>('DevicesCluster', 'home'),
    groups: [find<DeviceGroup>('DeviceGroup', 'site-garage')],
    secrets: () => ({ wifi_ssid: new TextEncoder().encode('s'), wifi_pass: new TextEncoder().encode('p') }),
    credentials: { mqttPassword: 'pw', webPassword: 'web-pw' },
    ...(otaPublicKey ? { otaPublicKey } : {}),
  });

  it("is the namespace's public signing key as a blob, and a new key changes the hash (rotating the key is a config change)", () => {
    const key = new Uint8Array(91).map((_, i) => (i * 7 + 1) & 0xff);
    const outcome = renderDeviceConfig(inputs(key)) as RenderedConfig;
    expect(outcome.ok).toBe(true);
    const entry = parseNvsImage(outcome.files.configBin).values.find((v) => v.key === 'ota_pubkey');
    expect(entry?.type).toBe('blob');
    expect(Buffer.from(entry?.value as Uint8Array).equals(Buffer.from(key))).toBe(true);
    const other = renderDeviceConfig(inputs(key.map((b) => b ^ 1))) as RenderedConfig;
    expect(other.hash).not.toBe(outcome.hash);
  });

  it('is left out until the namespace has a signing key', () => {
    const outcome = renderDeviceConfig(inputs()) as RenderedConfig;
    expect(parseNvsImage(outcome.files.configBin).values.map((v) => v.key)).not.toContain('ota_pubkey');
  });
});
