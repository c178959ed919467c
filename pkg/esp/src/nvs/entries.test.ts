import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { espVectorsDir } from '../test-vectors';
import { buildNvsImage } from './entries';
import { NvsInputError, NvsSizeError } from './errors';
import { buildNvsImageFromCsv } from './from-csv';
import { parseNvsImage } from './reader';
import type { NvsEntry } from './types';

const vectorsDir = espVectorsDir();

const sample: NvsEntry[] = [
  { namespace: 'wifi', key: 'ssid', type: 'string', value: 'Grüße 🙂' },
  { namespace: 'wifi', key: 'empty', type: 'string', value: '' },
  { namespace: 'wifi', key: 'u8', type: 'u8', value: 255 },
  { namespace: 'wifi', key: 'i8', type: 'i8', value: -128 },
  { namespace: 'wifi', key: 'u16', type: 'u16', value: 65535 },
  { namespace: 'wifi', key: 'i16', type: 'i16', value: -32768 },
  { namespace: 'wifi', key: 'u32', type: 'u32', value: 4294967295 },
  { namespace: 'wifi', key: 'i32', type: 'i32', value: -2147483648 },
  { namespace: 'wifi', key: 'u64', type: 'u64', value: 18446744073709551615n },
  { namespace: 'wifi', key: 'i64', type: 'i64', value: -9223372036854775808n },
  { namespace: 'mqtt', key: 'ca', type: 'blob', value: Uint8Array.from({ length: 9000 }, (_, i) => (i * 31) & 0xff) },
  { namespace: 'mqtt', key: 'none', type: 'blob', value: new Uint8Array(0) },
  { namespace: 'wifi', key: 'late', type: 'u8', value: 9 },
];

/** What the reader gives back for an entry: 64-bit values as bigint, the rest as number. */
const normalised = (e: NvsEntry): NvsEntry =>
  e.type === 'u64' || e.type === 'i64' ? { ...e, value: BigInt(e.value) } : e.type === 'blob' || e.type === 'string' ? e : { ...e, value: Number(e.value) };

describe('buildNvsImage (typed entries)', () => {
  it.each([1, 2] as const)('round-trips every type through the reader (version %s)', (version) => {
    const entries = version === 1 ? sample.filter((e) => e.key !== 'ca') : sample;
    const parsed = parseNvsImage(buildNvsImage(entries, { size: 0x6000, version }));
    expect(parsed.issues).toEqual([]);
    const byKey = (list: NvsEntry[]): NvsEntry[] => [...list].sort((a, b) => `${a.namespace}/${a.key}`.localeCompare(`${b.namespace}/${b.key}`));
    expect(byKey(parsed.values)).toEqual(byKey(entries.map(normalised)));
    expect(parsed.pages[0].version).toBe(version);
  });

  it('writes an integer given as a number exactly like the same integer given as a bigint', () => {
    const values: Array<[NvsEntry['type'], number]> = [
      ['u8', 0], ['u8', 255], ['i8', -128], ['i8', -1], ['u16', 65535], ['i16', -32768], ['u32', 4294967295], ['i32', -2147483648],
      ['u64', 0], ['u64', Number.MAX_SAFE_INTEGER], ['i64', -1], ['i64', Number.MIN_SAFE_INTEGER], ['i64', -4294967296], ['i64', 4294967296],
    ];
    const asNumbers = values.map(([type, value], i) => ({ namespace: 'n', key: `k${i}`, type, value }) as NvsEntry);
    const asBigints = values.map(([type, value], i) => ({ namespace: 'n', key: `k${i}`, type, value: BigInt(value) }) as NvsEntry);
    const image = buildNvsImage(asNumbers, { size: 0x3000 });
    expect(Buffer.from(image).equals(Buffer.from(buildNvsImage(asBigints, { size: 0x3000 })))).toBe(true);
    expect(parseNvsImage(image).values.map((v) => String(v.value))).toEqual(values.map(([, value]) => String(value)));
  });

  it('gives a namespace that reappears its own index (unlike the CSV generator)', () => {
    const parsed = parseNvsImage(buildNvsImage(sample, { size: 0x6000 }));
    expect(parsed.values.find((v) => v.key === 'late')?.namespace).toBe('wifi');
    expect([...parsed.namespaces.values()]).toEqual(['wifi', 'mqtt']);
  });

  it('matches the CSV generator byte for byte for a list in CSV order (01a_config)', () => {
    const csv = readFileSync(resolve(vectorsDir, 'nvs/01a_config/input.csv'), 'utf8');
    const entries: NvsEntry[] = [
      ['wifi_ssid', 'MyHomeNetwork'],
      ['wifi_pass', 'correct horse battery staple'],
      ['mqtt_uri', 'mqtts://broker.example.com:8883'],
      ['mqtt_user', 'device-0001'],
      ['mqtt_pass', 's3cr3t-P@ss'],
      ['device_id', 'esp32-aabbccddeeff'],
    ].map(([key, value]): NvsEntry => ({ namespace: 'config', key, type: 'string', value }));
    entries.push(
      { namespace: 'config', key: 'log_level', type: 'u8', value: 3 },
      { namespace: 'config', key: 'mqtt_port', type: 'u16', value: 8883 },
      { namespace: 'config', key: 'report_ms', type: 'u32', value: 60000 },
      { namespace: 'config', key: 'tz_offset', type: 'i32', value: -18000 },
    );
    const fromEntries = buildNvsImage(entries, { size: 0x6000 });
    expect(Buffer.from(fromEntries).equals(Buffer.from(buildNvsImageFromCsv(csv, { size: 0x6000 })))).toBe(true);
    expect(Buffer.from(fromEntries).equals(readFileSync(resolve(vectorsDir, 'nvs/01a_config/output.bin')))).toBe(true);
  });

  const one = (entry: Partial<NvsEntry>): NvsEntry[] => [{ namespace: 'ns', key: 'k', type: 'u8', value: 1, ...entry } as NvsEntry];

  it.each<[string, NvsEntry[], string]>([
    ['a 16-character key', one({ key: 'abcdefghijklmnop' }), 'key "abcdefghijklmnop" is 16 characters; NVS keys are at most 15'],
    ['a key of 16 UTF-8 bytes', one({ key: 'ééééééééé' }), 'is 18 bytes in UTF-8; NVS keys are at most 15'],
    ['an empty key', one({ key: '' }), 'empty key'],
    ['a 16-character namespace', one({ namespace: 'namespace_sixteen' }), 'key "namespace_sixteen" is 17 characters'],
    ['u8 out of range', one({ type: 'u8', value: 256 }), 'value 256 for key "k" (u8) is out of range 0..255'],
    ['i8 out of range', one({ type: 'i8', value: -129 }), 'value -129 for key "k" (i8) is out of range -128..127'],
    ['u64 out of range', one({ type: 'u64', value: -1n }), 'out of range 0..18446744073709551615'],
    ['an unsafe number', one({ type: 'u64', value: 2 ** 60 }), 'is not a safe integer; use a bigint'],
    ['a string over the generator limit', one({ type: 'string', value: 'x'.repeat(3968) }), 'is 3969 bytes with its NUL; this generator places at most 3968'],
    ['a v1-sized blob in version 1', one({ type: 'blob', value: new Uint8Array(1985) }), 'version 1 images allow at most 1984'],
  ])('rejects %s with a clear error', (_name, entries, message) => {
    const build = (): Uint8Array => buildNvsImage(entries, { size: 0x6000, version: entries[0].type === 'blob' ? 1 : 2 });
    expect(build).toThrow(NvsInputError);
    expect(build).toThrow(message);
  });

  it('says how many pages are needed when the partition is too small', () => {
    const big: NvsEntry[] = [{ namespace: 'ns', key: 'blob', type: 'blob', value: new Uint8Array(20000) }];
    let error: unknown;
    try {
      buildNvsImage(big, { size: 0x4000 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(NvsSizeError);
    const e = error as NvsSizeError;
    expect(e.message).toContain('partition size 0x4000 is too small: key "blob" does not fit. The data needs 6 page(s) plus 1 spare page');
    expect(e.neededBytes).toBe(0x7000);
    expect(e.availableBytes).toBe(0x4000);
    expect(buildNvsImage(big, { size: e.neededBytes }).length).toBe(0x7000);
  });

  it.each([0, 100, 0x1001, -4096, 1.5])('rejects partition size %s', (size) => {
    expect(() => buildNvsImage(one({}), { size })).toThrow('is not a positive multiple of 4096');
  });
});
