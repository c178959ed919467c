import {
  ConfigKeyLayer, validateConfigLayer, type ConfigSchema, type Device, type DeviceClass, type DevicesCluster, type DeviceGroup,
} from '@kubeflash/api';
import { problemL10nKey, problemsByKey, problemsText } from '../utils/config-problems';
import { previewDeviceConfig, secretLookup, type DevicePreviewInput } from '../utils/config-preview';
import { keyRows, renderedConfigView } from '../utils/rendered-config';
import { fakeT, fixture } from './helpers';

/** The wifi Secret, data base64 as the store holds it: wifi_ssid "attic-ssid-7", wifi_pass "s3cr3t-pw". */
const WIFI = { metadata: { name: 'wifi-home' }, data: { wifi_ssid: 'YXR0aWMtc3NpZC03', wifi_pass: 'czNjcjN0LXB3' } };

/** The preview input of a fixture device against the fixture's cluster, class, groups and the wifi Secret. */
function previewOf(device: any, overrides: Partial<DevicePreviewInput> = {}): DevicePreviewInput {
  const f = fixture();

  return {
    device,
    deviceClass: f.deviceClasses[0] as DeviceClass,
    cluster:     f.devicesClusters[0] as DevicesCluster,
    groups:      f.deviceGroups as DeviceGroup[],
    secrets:     [WIFI],
    ...overrides,
  };
}

describe('config problems in forms', () => {
  it('groups translated problems by key, one l10n key per problem code', () => {
    const schema = fixture().deviceClasses[0].spec.configSchema as ConfigSchema;
    const problems = validateConfigLayer({
      values: {
        sample_period: '2', led: 'yes', wifi_pass: 'hunter2'
      }
    }, schema, 'Device d');
    const byKey = problemsByKey(problems, fakeT);

    expect(Object.keys(byKey).sort()).toStrictEqual(['led', 'sample_period', 'wifi_pass']);
    expect(byKey.sample_period).toContain('%kubeflash.validation.OutOfRange%');
    expect(problemL10nKey(problems[0])).toMatch(/^kubeflash\.validation\./);
    expect(problemsText(byKey)).toContain('%kubeflash.validation.SecretInPlainValues%');
    expect(problemsText({})).toBeUndefined();
    expect(JSON.stringify(byKey)).not.toContain('hunter2');
  });
});

describe('preview of unsaved device edits (the operator\'s layering from @kubeflash/api)', () => {
  it('records every key like the operator: generated keys, Secret keys with the layer that named them, group keys with their priority', () => {
    const f = fixture();
    const preview = previewDeviceConfig(previewOf(f.devices[0]));
    const by = Object.fromEntries(preview.keys.map((k) => [k.key, k]));

    expect(preview.problems).toStrictEqual([]);
    expect(preview.keys.map((k) => k.key)).toStrictEqual(['device_id', 'mqtt_uri', 'mqtt_user', 'mqtt_pass', 'mqtt_prefix', 'wifi_ssid', 'wifi_pass', 'sample_period', 'site', 'led']);
    expect(by.device_id).toStrictEqual({
      key: 'device_id', type: 'string', layer: ConfigKeyLayer.Generated, source: 'operator'
    });
    expect(by.sample_period).toMatchObject({
      layer: 'group', source: 'attic', priority: 10
    });
    expect(by.wifi_pass).toMatchObject({
      layer: 'secretRef', source: 'wifi-home', referencedBy: 'DevicesCluster/home', secret: true,
    });
    expect(by.led).toMatchObject({ layer: 'device', source: 'sensor-attic' });
    // The fixture's status.config.keys is what the operator recorded from these objects.
    expect(preview.keys).toStrictEqual(f.devices[0].status.config.keys);
    expect(JSON.stringify(preview)).not.toMatch(/attic-ssid-7|s3cr3t-pw|YXR0aWMt|czNjcjN0/);
  });

  it('shows an edit before it is saved: a device value replaces the group\'s', () => {
    const device = fixture().devices[0];

    device.spec.config.values.sample_period = '900';
    expect(previewDeviceConfig(previewOf(device)).keys.find((k) => k.key === 'sample_period')).toMatchObject({ layer: 'device', source: 'sensor-attic' });
  });

  it('blocks the save for the device\'s own problems and required keys, not for other layers\' problems', () => {
    const f = fixture();
    const device = { ...f.devices[0], spec: { ...f.devices[0].spec, config: { values: { sample_period: '2', colour: 'red' } } } };
    const cluster = { ...f.devicesClusters[0], spec: { ...f.devicesClusters[0].spec, config: { values: { site: 'home', led: 'maybe' } } } } as DevicesCluster;
    const preview = previewDeviceConfig(previewOf(device, { cluster }));
    const codes = (list: { code: string; key?: string }[]) => list.map((p) => `${ p.code }:${ p.key }`).sort();

    expect(codes(preview.blocking)).toStrictEqual(['MissingRequired:wifi_pass', 'MissingRequired:wifi_ssid', 'OutOfRange:sample_period', 'UnknownKey:colour']);
    expect(codes(preview.problems)).toContain('InvalidValue:led');
    expect(codes(preview.blocking)).not.toContain('InvalidValue:led');
  });

  it('reports a referenced Secret the browser cannot see, and previews nothing without a class', () => {
    const device = fixture().devices[0];

    expect(previewDeviceConfig(previewOf(device, { secrets: [] })).problems.map((p) => p.code)).toContain('SecretNotFound');
    expect(previewDeviceConfig(previewOf(device, { deviceClass: undefined }))).toStrictEqual({
      keys: [], problems: [], blocking: []
    });
    expect(Array.from(secretLookup([WIFI])('wifi-home')?.wifi_ssid || [])).toStrictEqual(Array.from(Buffer.from('attic-ssid-7')));
    expect(secretLookup([WIFI])('other')).toBeUndefined();
  });
});

describe('the operator\'s record of a device\'s rendered config (status.config.keys)', () => {
  it('is shown as recorded, in its order, with group priority and the layer that named a Secret', () => {
    const view = renderedConfigView(fixture().devices[0] as Device);

    expect(view).toMatchObject({ recorded: true, pending: false });
    expect(view.rows.map((r) => r.key)).toStrictEqual(['device_id', 'mqtt_uri', 'mqtt_user', 'mqtt_pass', 'mqtt_prefix', 'wifi_ssid', 'wifi_pass', 'sample_period', 'site', 'led']);
    expect(view.rows.find((r) => r.key === 'device_id')).toMatchObject({
      layerKey: 'kubeflash.layer.generated', source: 'operator', secret: false
    });
    expect(view.rows.find((r) => r.key === 'sample_period')).toMatchObject({ source: 'attic', detail: { key: 'kubeflash.device.rendered.priority', args: { priority: 10 } } });
    expect(view.rows.find((r) => r.key === 'wifi_pass')).toMatchObject({
      layerKey: 'kubeflash.layer.secretRef', secret: true, detail: { args: { object: 'DevicesCluster/home' } }
    });
  });

  it('marks every key pending while status.config.observedGeneration lags metadata.generation', () => {
    const porch = renderedConfigView(fixture().devices[1] as Device);

    expect(porch).toMatchObject({
      recorded: true, pending: true, generation: 3, observedGeneration: 1,
    });
    expect(porch.rows.every((r) => r.pending)).toBe(true);
    const unknownGeneration = fixture().devices[1] as any;

    delete unknownGeneration.status.config.observedGeneration;
    expect(renderedConfigView(unknownGeneration).pending).toBe(true);
  });

  it('says when nothing was recorded yet, and keeps rows of a record without types', () => {
    expect(renderedConfigView(fixture().devices[2] as Device)).toStrictEqual({
      recorded: false, pending: false, generation: 1, observedGeneration: undefined, rows: [],
    });
    expect(keyRows([{
      key: 'x', layer: 'default', source: 'c'
    }], false)[0]).toStrictEqual({
      key: 'x', type: '', layerKey: 'kubeflash.layer.default', source: 'c', detail: undefined, secret: false, pending: false,
    });
  });
});
