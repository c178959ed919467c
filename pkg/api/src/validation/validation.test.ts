import type { ConfigKey } from '../v1alpha1/deviceclass';
import {
  ConfigProblemCode,
  checkConfigFits,
  checkEffectiveConfig,
  parseConfigValue,
  validateConfigLayer,
  validateConfigSchema,
  type ConfigProblemCode as Code,
  type TypedValue,
} from './index';

const key = (k: Partial<ConfigKey> & Pick<ConfigKey, 'type'>): ConfigKey => ({ name: 'k', ...k });
const bytes = (...b: number[]) => new Uint8Array(b);

describe('parseConfigValue', () => {
  const ok: [string, ConfigKey, string | Uint8Array, TypedValue][] = [
    ['a u8 at its maximum', key({ type: 'u8' }), '255', { type: 'u8', value: 255n }],
    ['an i8 at its minimum', key({ type: 'i8' }), '-128', { type: 'i8', value: -128n }],
    ['a u64 beyond 2^53 keeps every digit', key({ type: 'u64' }), '18446744073709551615', { type: 'u64', value: 18446744073709551615n }],
    ['a bool true is a u8 of 1', key({ type: 'bool' }), 'true', { type: 'u8', value: 1n }],
    ['a bool false is a u8 of 0', key({ type: 'bool' }), 'false', { type: 'u8', value: 0n }],
    ['a string is kept as text', key({ type: 'string' }), 'héllo, "world"', { type: 'string', value: 'héllo, "world"' }],
    ['a string from Secret bytes is decoded as UTF-8', key({ type: 'string' }), bytes(0x68, 0x69), { type: 'string', value: 'hi' }],
    ['a blob given as text is base64', key({ type: 'blob' }), 'AAEC', { type: 'blob', value: bytes(0, 1, 2) }],
    ['a blob from Secret bytes is taken as it is', key({ type: 'blob' }), bytes(9, 8), { type: 'blob', value: bytes(9, 8) }],
  ];
  it.each(ok)('reads %s', (_s, k, raw, expected) => {
    expect(parseConfigValue(k, raw)).toEqual({ ok: true, value: expected });
  });

  const bad: [string, ConfigKey, string | Uint8Array, Code, string][] = [
    ['a u8 above 255', key({ type: 'u8' }), '256', ConfigProblemCode.OutOfRange, 'key k is 256, outside 0..255'],
    ['a value below the key min', key({ type: 'i32', min: -5 }), '-6', ConfigProblemCode.OutOfRange, 'key k is -6, outside -5..2147483647'],
    ['hex for an integer', key({ type: 'u16' }), '0x10', ConfigProblemCode.InvalidValue, 'key k is a u16 and must be a decimal integer'],
    ['an out-of-range Secret value, without repeating it', key({ type: 'u8' }), bytes(0x39, 0x39, 0x39), ConfigProblemCode.OutOfRange, 'key k is outside 0..255'],
    ['a bool spelled 1', key({ type: 'bool' }), '1', ConfigProblemCode.InvalidValue, 'key k is a bool and must be true or false'],
    ['a string over maxLength in UTF-8 bytes', key({ type: 'string', maxLength: 3 }), 'éé', ConfigProblemCode.TooLong, 'key k is 4 bytes long; at most 3 allowed'],
    ['a string over the NVS limit', key({ type: 'string' }), 'x'.repeat(3968), ConfigProblemCode.TooLong, 'key k is 3968 bytes long; at most 3967 allowed'],
    ['a string with a carriage return', key({ type: 'string' }), 'a\rb', ConfigProblemCode.InvalidValue, 'key k contains a carriage return or a line starting with #, which the NVS CSV form cannot carry'],
    ['broken base64', key({ type: 'blob' }), 'AAE', ConfigProblemCode.InvalidValue, 'key k is a blob and must be base64'],
    ['a blob over maxLength', key({ type: 'blob', maxLength: 2 }), 'AAEC', ConfigProblemCode.TooLong, 'key k is 3 bytes; at most 2 allowed'],
    ['invalid UTF-8 from a Secret', key({ type: 'string' }), bytes(0xc3), ConfigProblemCode.InvalidValue, 'key k is not valid UTF-8 text'],
  ];
  it.each(bad)('rejects %s', (_s, k, raw, code, message) => {
    expect(parseConfigValue(k, raw)).toMatchObject({ ok: false, problem: { code, message, key: 'k' } });
  });
});

describe('validateConfigSchema', () => {
  const cases: [string, ConfigKey[], string[]][] = [
    ['a consistent schema has no problems', [{ name: 'a', type: 'u8', default: '3', min: 1, max: 9 }], []],
    ['a key named like a generated key', [{ name: 'mqtt_uri', type: 'string' }], ['configSchema declares key mqtt_uri, which the operator generates']],
    ['a default outside min..max', [{ name: 'a', type: 'u8', default: '10', max: 9 }], ['configSchema: key a (from its default) is 10, outside 0..9']],
    ['a key declared twice', [{ name: 'a', type: 'u8' }, { name: 'a', type: 'string' }], ['configSchema declares key a twice']],
    ['min above max', [{ name: 'a', type: 'u8', min: 5, max: 4 }], ['configSchema key a: min 5 is above max 4']],
  ];
  it.each(cases)('%s', (_s, keys, messages) => {
    expect(validateConfigSchema({ keys }).map((p) => p.message)).toEqual(messages);
  });
});

describe('validateConfigLayer (what the UI checks per form)', () => {
  const schema = { keys: [{ name: 'pass', type: 'string' as const, secret: true }, { name: 'n', type: 'u8' as const }] };
  const cases: [string, Parameters<typeof validateConfigLayer>[0], Code[]][] = [
    ['plain values of the right type pass', { values: { n: '4', other: 'x' } }, []],
    ['a secret key in plain values', { values: { pass: 'x' } }, [ConfigProblemCode.SecretInPlainValues]],
    ['a generated key in values', { values: { device_id: 'x' } }, [ConfigProblemCode.GeneratedKeyOverride]],
    ['a generated key taken from a Secret', { secretRefs: [{ name: 's', keys: ['mqtt_pass'] }] }, [ConfigProblemCode.GeneratedKeyOverride]],
    ['a key name with a dash', { values: { 'a-b': '1' } }, [ConfigProblemCode.InvalidKeyName]],
    ['a value out of range', { values: { n: '300' } }, [ConfigProblemCode.OutOfRange]],
  ];
  it.each(cases)('%s', (_s, layer, codes) => {
    expect(validateConfigLayer(layer, schema, 'Device d').map((p) => p.code)).toEqual(codes);
  });
});

describe('checkEffectiveConfig and checkConfigFits', () => {
  it('orders generated keys first, then schema order, then undeclared keys by name, with defaults applied', () => {
    const schema = { unknownKeys: 'PassAsString' as const, keys: [{ name: 'b', type: 'u8' as const, default: '1' }, { name: 'a', type: 'string' as const }] };
    const checked = checkEffectiveConfig(schema, [
      { key: 'z', raw: 'zz', source: 'Device d' },
      { key: 'a', raw: 'aa', source: 'Device d' },
      { key: 'y', raw: 'yy', source: 'Device d' },
    ], { device_id: 'ns.d' });
    expect(checked.problems).toEqual([]);
    expect(checked.entries.map((e) => `${e.key}=${String(e.value)}`)).toEqual(['device_id=ns.d', 'b=1', 'a=aa', 'y=yy', 'z=zz']);
  });

  it('reports bytes used, and bytes over when the entries do not fit', () => {
    const entries = [{ namespace: 'config', key: 'a', type: 'u8' as const, value: 1 }];
    const fit = checkConfigFits(entries, 0x3000);
    // One page: namespace entry + u8 entry, plus the 64-byte header and bitmap.
    expect(fit).toMatchObject({ ok: true, bytesUsed: 64 + 2 * 32 });
    const big = Array.from({ length: 3 }, (_, i) => ({ namespace: 'config', key: `s${i}`, type: 'string' as const, value: 'x'.repeat(3000) }));
    expect(checkConfigFits(big, 0x3000)).toMatchObject({ ok: false, problem: { code: ConfigProblemCode.TooLarge, args: { over: 4096 } } });
  });
});

describe('the validation module', () => {
  it('is browser-safe: no node: imports, no Buffer, no API client', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const dir = new URL('.', import.meta.url);
    const sources = (await readdir(dir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThan(2);
    for (const file of sources) {
      const text = await readFile(new URL(file, dir), 'utf8');
      expect([file, /from 'node:|\bBuffer\b|@kubernetes\/client-node|@kubeflash\/esp\/node/.test(text)]).toEqual([file, false]);
    }
  });
});
