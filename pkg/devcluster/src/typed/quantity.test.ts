import { canonicalQuantity, QUANTITY_FORMAT_ERROR, QUANTITY_SUFFIX_ERROR, roundUpToMilli } from './quantity';

describe('resource.Quantity canonical form', () => {
  it.each([
    ['0', '0'],
    ['0Mi', '0'],
    ['1000m', '1'],
    ['1500m', '1500m'],
    ['0.5', '500m'],
    ['1.5', '1500m'],
    ['1000', '1k'],
    ['1024', '1024'],
    ['100Mi', '100Mi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['2048Mi', '2Gi'],
    ['1023Ki', '1023Ki'],
    ['0.5Ki', '512'],
    ['1e3', '1e3'],
    ['1E3', '1e3'],
    ['1.5e3', '1500'],
    ['12e-3', '12e-3'],
    ['1k', '1k'],
    ['-250m', '-250m'],
    ['+1', '1'],
    ['.5', '500m'],
    ['007', '7'],
    ['0.0000000001', '1n'],
    ['1G', '1G'],
  ])('%s -> %s', (input, canonical) => {
    expect(canonicalQuantity(input)).toBe(canonical);
  });

  it('rejects malformed quantities with the messages of ParseQuantity', () => {
    expect(() => canonicalQuantity('abc')).toThrow(QUANTITY_FORMAT_ERROR);
    expect(() => canonicalQuantity('')).toThrow(QUANTITY_FORMAT_ERROR);
    expect(() => canonicalQuantity('1Qi')).toThrow(QUANTITY_FORMAT_ERROR);
    expect(() => canonicalQuantity('1kk')).toThrow(QUANTITY_SUFFIX_ERROR);
  });

  it('ResourceList defaulting rounds up to milli precision', () => {
    expect(roundUpToMilli('1n')).toBe('1m');
    expect(roundUpToMilli('1.0001')).toBe('1001m');
    expect(roundUpToMilli('64Mi')).toBe('64Mi');
  });
});
