import type { LabelSelector } from '../v1alpha1/common';
import { matchesLabelSelector } from './selector';

describe('matchesLabelSelector', () => {
  const labels = { room: 'attic', app: 'sensor' };
  const cases: [string, LabelSelector | undefined, boolean][] = [
    ['an empty selector matches every object', {}, true],
    ['no selector matches every object', undefined, true],
    ['matchLabels with the same value', { matchLabels: { room: 'attic' } }, true],
    ['matchLabels with another value', { matchLabels: { room: 'porch' } }, false],
    ['In with the value among the values', { matchExpressions: [{ key: 'room', operator: 'In', values: ['attic', 'porch'] }] }, true],
    ['In on a missing label', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, false],
    ['NotIn with the value among the values', { matchExpressions: [{ key: 'room', operator: 'NotIn', values: ['attic'] }] }, false],
    ['NotIn on a missing label', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['x'] }] }, true],
    ['Exists on a present label', { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    ['DoesNotExist on a present label', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    ['matchLabels AND expressions, one failing', { matchLabels: { room: 'attic' }, matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
  ];
  it.each(cases)('%s', (_what, selector, expected) => {
    expect(matchesLabelSelector(selector, labels)).toBe(expected);
  });

  it('treats a device without labels as having none', () => {
    expect(matchesLabelSelector({ matchExpressions: [{ key: 'room', operator: 'DoesNotExist' }] }, undefined)).toBe(true);
  });
});
