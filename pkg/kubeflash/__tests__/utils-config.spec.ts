import { validateConfigLayer, validateConfigSchema, validateConfigValue } from '../utils/config-validation';
import { MASK, orderGroups, resolveEffectiveConfig } from '../utils/effective-config';
import type { ConfigSchema, DeviceGroup } from '../types/resources';
import { fixture } from './helpers';

const schema = fixture().deviceClasses[0].spec.configSchema as ConfigSchema;

describe('validateConfigValue', () => {
  it.each([
    ['u8', '255', undefined],
    ['u8', '256', 'outOfRange'],
    ['i8', '-129', 'outOfRange'],
    ['u64', '18446744073709551615', undefined],
    ['i64', '-9223372036854775809', 'outOfRange'],
    ['u16', '1.5', 'notInteger'],
    ['bool', 'yes', 'notBool'],
    ['bool', 'false', undefined],
    ['blob', 'AAE=', undefined],
    ['blob', 'not base64!', 'notBase64'],
    ['string', 'x'.repeat(3999), undefined],
    ['string', 'x'.repeat(4000), 'tooLong'],
  ])('%s %j -> %s', (type, value, problem) => {
    expect(validateConfigValue({ name: 'k', type: type as any }, value)?.key).toBe(problem);
  });

  it('applies the key min/max inside the type range and names them', () => {
    expect(validateConfigValue({ name: 'sample_period', type: 'u16', min: 5, max: 3600 }, '4')).toStrictEqual({ key: 'outOfRange', args: { name: 'sample_period', min: '5', max: '3600' } });
  });

  it('counts UTF-8 bytes for string limits', () => {
    expect(validateConfigValue({ name: 's', type: 'string', maxLength: 2 }, 'äb')?.key).toBe('tooLong');
  });
});

describe('validateConfigLayer', () => {
  it('reports unknown keys, secret keys typed as values, bad names and bad values', () => {
    const problems = validateConfigLayer(schema, {
      values: {
        wifi_pass: 'hunter2', sample_period: '2', colour: 'red', 'bad-name': 'x', led: 'true',
      },
    });

    expect(problems.map((p) => `${ p.key }:${ p.args.name }`).sort()).toStrictEqual([
      'badKeyName:bad-name', 'outOfRange:sample_period', 'secretAsValue:wifi_pass', 'unknownKey:colour',
    ]);
  });

  it('accepts unknown keys when the class passes them as strings', () => {
    expect(validateConfigLayer({ ...schema, unknownKeys: 'PassAsString' }, { values: { colour: 'red' } })).toStrictEqual([]);
  });

  it('requires required keys without default unless a Secret or another layer provides them', () => {
    expect(validateConfigLayer(schema, {}, { requireAll: true }).map((p) => p.args.name)).toStrictEqual(['wifi_ssid', 'wifi_pass']);
    expect(validateConfigLayer(schema, { secretRefs: [{ name: 'wifi', keys: ['wifi_pass'] }] }, { requireAll: true, providedElsewhere: ['wifi_ssid'] })).toStrictEqual([]);
  });
});

describe('validateConfigSchema', () => {
  it('finds duplicate keys, misplaced limits, secret defaults and defaults of the wrong type', () => {
    const problems = validateConfigSchema({
      keys: [
        { name: 'a', type: 'u8', default: '300' },
        { name: 'a', type: 'u8' },
        { name: 's', type: 'string', min: 1 },
        { name: 'n', type: 'u16', maxLength: 4 },
        { name: 'p', type: 'string', secret: true, default: 'x' },
        { name: 'r', type: 'i32', min: 5, max: 1 },
      ],
    });

    expect(problems.map((p) => `${ p.key }:${ p.args.name }`)).toStrictEqual([
      'outOfRange:a', 'duplicateKey:a', 'minMaxNotInteger:s', 'maxLengthNotString:n', 'secretDefault:p', 'minAboveMax:r',
    ]);
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
    expect(JSON.stringify(entries)).not.toContain('hunter2');
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
