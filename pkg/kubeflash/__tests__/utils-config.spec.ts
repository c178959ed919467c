import { problemL10nKey, validateConfigLayer, validateConfigSchema } from '../utils/config-validation';
import { MASK, orderGroups, resolveEffectiveConfig } from '../utils/effective-config';
import type { ConfigSchema, DeviceGroup } from '../types/resources';
import { fixture } from './helpers';

const schema = fixture().deviceClasses[0].spec.configSchema as ConfigSchema;
const codes = (problems: { code: string; key?: string }[]) => problems.map((p) => `${ p.code }:${ p.key }`);

describe('config validation (shared rules of @kubeflash/api)', () => {
  it.each([
    ['sample_period', '2', 'OutOfRange'],
    ['sample_period', '60', undefined],
    ['sample_period', 'soon', 'InvalidValue'],
    ['led', 'yes', 'InvalidValue'],
    ['led', 'false', undefined],
    ['calib', 'not base64!', 'InvalidValue'],
    ['calib', 'AAECAwQFBgcICQoLDA0ODxAR', 'TooLong'],
    ['site', 'x'.repeat(4000), 'TooLong'],
  ])('%s = %j -> %s', (key, value, code) => {
    expect(validateConfigLayer(schema, { values: { [key]: value } }).map((p) => p.code)[0]).toBe(code);
  });

  it('reports secret keys typed as values, generated keys, bad names and (for devices) undeclared keys', () => {
    const problems = validateConfigLayer(schema, {
      values: {
        wifi_pass: 'hunter2', device_id: 'x', colour: 'red', 'bad-name': 'x', led: 'true',
      },
    }, { requireAll: true, providedElsewhere: ['wifi_ssid'] });

    expect(codes(problems).sort()).toStrictEqual(['GeneratedKeyOverride:device_id', 'InvalidKeyName:bad-name', 'SecretInPlainValues:wifi_pass', 'UnknownKey:colour']);
    expect(JSON.stringify(problems)).not.toContain('hunter2');
  });

  it('accepts undeclared keys when the class passes them as strings', () => {
    expect(validateConfigLayer({ ...schema, unknownKeys: 'PassAsString' }, { values: { colour: 'red' } }, { requireAll: true, providedElsewhere: ['wifi_ssid', 'wifi_pass'] })).toStrictEqual([]);
  });

  it('requires required keys without default unless a Secret or another layer provides them', () => {
    expect(codes(validateConfigLayer(schema, {}, { requireAll: true }))).toStrictEqual(['MissingRequired:wifi_ssid', 'MissingRequired:wifi_pass']);
    expect(validateConfigLayer(schema, { secretRefs: [{ name: 'wifi', keys: ['wifi_pass'] }] }, { requireAll: true, providedElsewhere: ['wifi_ssid'] })).toStrictEqual([]);
  });

  it('checks the class schema itself and maps every problem to an l10n key', () => {
    const problems = validateConfigSchema({
      keys: [
        { name: 'a', type: 'u8', default: '300' },
        { name: 'a', type: 'u8' },
        { name: 'r', type: 'i32', min: 5, max: 1 },
        { name: 'mqtt_uri', type: 'string' },
      ],
    } as ConfigSchema);

    expect(codes(problems)).toStrictEqual(['SchemaInvalid:a', 'SchemaInvalid:a', 'SchemaInvalid:r', 'GeneratedKeyOverride:mqtt_uri']);
    expect(problemL10nKey(problems[0])).toBe('kubeflash.validation.SchemaInvalid');
    expect(validateConfigSchema(schema)).toStrictEqual([]);
  });
});

describe('resolveEffectiveConfig', () => {
  it('layers default < cluster < class < groups < device, masks secrets and names the source', () => {
    const f = fixture();
    const entries = resolveEffectiveConfig(schema, [
      { source: 'cluster', name: 'home', config: f.devicesClusters[0].spec.config },
      { source: 'class', name: 'sensor-s3', config: f.deviceClasses[0].spec.config },
      { source: 'group', name: 'attic', config: f.deviceGroups[0].spec.config },
      { source: 'device', name: 'sensor-attic', config: f.devices[0].spec.config },
    ], {}, 'sensor-attic');
    const by = Object.fromEntries(entries.map((e) => [e.key, e]));

    expect(by.sample_period).toMatchObject({ value: '300', source: 'group', from: 'attic' });
    expect(by.sample_period.overrides.map((o) => o.source)).toStrictEqual(['default', 'cluster', 'class']);
    expect(by.led).toMatchObject({ value: 'false', source: 'device' });
    expect(by.wifi_pass).toMatchObject({ value: MASK, secret: true, source: 'cluster', from: 'wifi-home' });
    expect(by.site).toMatchObject({ value: 'home', source: 'cluster' });
    expect(by.device_id).toMatchObject({ value: 'sensor-attic', source: 'generated' });
    expect(by.mqtt_pass).toMatchObject({ value: MASK, secret: true, source: 'generated' });
  });

  it('takes every key of a Secret referenced without a key list, and lists missing required keys', () => {
    const entries = resolveEffectiveConfig(schema, [{ source: 'device', name: 'd', config: { secretRefs: [{ name: 'wifi' }] } }], { wifi: ['wifi_pass'] });
    const by = Object.fromEntries(entries.map((e) => [e.key, e]));

    expect(by.wifi_pass).toMatchObject({ value: MASK, from: 'wifi' });
    expect(by.wifi_ssid).toMatchObject({ value: undefined, required: true });
  });

  it('orders groups by ascending priority, then name', () => {
    const g = (name: string, priority?: number) => ({ metadata: { name }, spec: { priority } }) as DeviceGroup;

    expect(orderGroups([g('b', 5), g('a', 5), g('z'), g('c', -1)]).map((x) => x.metadata.name)).toStrictEqual(['c', 'z', 'a', 'b']);
  });
});
