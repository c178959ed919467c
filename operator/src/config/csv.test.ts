import { buildNvsImage, buildNvsImageFromCsv, parseNvsCsv, type NvsEntry } from '@kubeflash/esp';
import { toNvsCsv } from './csv';

const ns = 'config';
const cases: [string, NvsEntry[]][] = [
  ['strings with commas, quotes, spaces, newlines, unicode and nothing at all', [
    { namespace: ns, key: 'comma', type: 'string', value: 'a,b' },
    { namespace: ns, key: 'quote', type: 'string', value: '"quoted" text' },
    { namespace: ns, key: 'spaces', type: 'string', value: '  padded  ' },
    { namespace: ns, key: 'lines', type: 'string', value: 'line 1\nline 2' },
    { namespace: ns, key: 'unicode', type: 'string', value: 'Grüße, 温度' },
    { namespace: ns, key: 'empty', type: 'string', value: '' },
  ]],
  ['every integer type at its extremes', [
    { namespace: ns, key: 'u8', type: 'u8', value: 255n },
    { namespace: ns, key: 'i8', type: 'i8', value: -128n },
    { namespace: ns, key: 'u16', type: 'u16', value: 65535n },
    { namespace: ns, key: 'i16', type: 'i16', value: -32768n },
    { namespace: ns, key: 'u32', type: 'u32', value: 4294967295n },
    { namespace: ns, key: 'i32', type: 'i32', value: -2147483648n },
    { namespace: ns, key: 'u64', type: 'u64', value: 18446744073709551615n },
    { namespace: ns, key: 'i64', type: 'i64', value: -9223372036854775808n },
  ]],
  ['blobs, a long string and a second namespace', [
    { namespace: ns, key: 'blob', type: 'blob', value: Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff) },
    { namespace: ns, key: 'long', type: 'string', value: 'x'.repeat(3967) },
    { namespace: 'other', key: 'k', type: 'u8', value: 1n },
  ]],
];

describe('toNvsCsv', () => {
  it.each(cases)('round-trips %s through the nvs_partition_gen CSV reader to the same image', (_s, entries) => {
    const csv = toNvsCsv(entries);
    expect(parseNvsCsv(csv).filter((r) => r.type === 'data').map((r) => r.key)).toEqual(entries.map((e) => e.key));
    const fromCsv = buildNvsImageFromCsv(csv, { size: 0x6000 });
    expect(Buffer.from(fromCsv).equals(Buffer.from(buildNvsImage(entries, { size: 0x6000 })))).toBe(true);
  });
});

it('refuses entries whose namespace comes back later (the CSV form would put them in another namespace)', () => {
  expect(() => toNvsCsv([
    { namespace: 'a', key: 'x', type: 'u8', value: 1n },
    { namespace: 'b', key: 'y', type: 'u8', value: 1n },
    { namespace: 'a', key: 'z', type: 'u8', value: 1n },
  ])).toThrow('toNvsCsv: namespace a appears twice; keep each namespace\'s entries together');
});
