import { rewriteOptionalSyntax } from './cel-optional';
import { escapeProperty, parseDuration } from './cel-values';
import { formatBadValue, goNumber } from './field-errors';
import { violatesFormat } from './formats';

describe('rewriteOptionalSyntax', () => {
  test.each([
    ['self.?a', 'self.optSel__("a")'],
    ['self.?a.?b.orValue(1)', 'self.optSel__("a").optSel__("b").orValue(1)'],
    ["self.m[?'k']", "self.m.optIndex__('k')"],
    ["self.m[?self.l[0]]", 'self.m.optIndex__(self.l[0])'],
    ["'.?x' + \".?y\"", "'.?x' + \".?y\""],
    ["r'[?' == '[?'", "r'[?' == '[?'"],
    ['self.a[1] == 2', 'self.a[1] == 2'],
  ])('%s', (input, output) => {
    expect(rewriteOptionalSyntax(input)).toBe(output);
  });
});

describe('parseDuration', () => {
  test.each([
    ['1h30m', 5400000000000n],
    ['500ms', 500000000n],
    ['1.5s', 1500000000n],
    ['2d', 172800000000000n],
    ['-1m', -60000000000n],
    ['0', 0n],
  ])('%s', (text, nanos) => {
    expect(parseDuration(text)).toBe(nanos);
  });

  test.each([['1x'], ['h'], ['']])('%s is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('escapeProperty', () => {
  test.each([
    ['name', 'name'],
    ['x-y', 'x__dash__y'],
    ['a.b', 'a__dot__b'],
    ['a/b', 'a__slash__b'],
    ['a__b', 'a__underscores__b'],
    ['namespace', '__namespace__'],
    ['in', '__in__'],
  ])('%s -> %s', (name, escaped) => {
    expect(escapeProperty(name)).toBe(escaped);
  });

  test('names with other characters are not accessible', () => {
    expect(escapeProperty('a b')).toBeUndefined();
    expect(escapeProperty('1abc')).toBeUndefined();
  });
});

describe('Go formatting of bad values', () => {
  test.each([
    ['a string is quoted', 'x"y', '"x\\"y"'],
    ['an integer is bare', 5, '5'],
    ['a float keeps its fraction', 0.5, '0.5'],
    ['a large float uses an exponent like Go', 1e21, '1e+21'],
    ['null is JSON null', null, 'null'],
    ['a map prints as JSON with sorted keys', { b: 1, a: 'x' }, '{"a":"x","b":1}'],
    ['a list prints as JSON', ['a', 1], '["a",1]'],
  ])('%s', (_sentence, value, text) => {
    expect(formatBadValue(value)).toBe(text);
  });

  test('small exponents get two digits like Go', () => {
    expect(goNumber(1.5e-7)).toBe('1.5e-07');
  });
});

describe('string formats', () => {
  test.each([
    ['date-time', '2024-01-02T03:04:05Z', false],
    ['date-time', '2024-01-02T03:04:05.123+02:00', false],
    ['date-time', '2024-02-30T00:00:00Z', true],
    ['date', '2024-02-29', false],
    ['date', '2023-02-29', true],
    ['uuid', '123e4567-e89b-12d3-a456-426614174000', false],
    ['uuid', 'not-a-uuid', true],
    ['byte', 'aGVsbG8=', false],
    ['byte', 'hello!', true],
    ['ipv4', '10.0.0.1', false],
    ['ipv4', '10.0.0.300', true],
    ['ipv6', '::1', false],
    ['cidr', '10.0.0.0/8', false],
    ['cidr', '10.0.0.0/33', true],
    ['mac', '01:23:45:67:89:ab', false],
    ['hostname', 'esp32.local', false],
    ['hostname', '-bad-', true],
    ['email', 'a@b.c', false],
    ['email', 'nope', true],
    ['duration', '1h', false],
    ['duration', 'soon', true],
    ['wifi-password', 'anything', false],
  ])('%s %s', (format, value, violates) => {
    expect(violatesFormat(format, value)).toBe(violates);
  });
});
