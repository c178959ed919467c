import type { Device, DeviceGroup } from '../v1alpha1';
import { concurrencyLimit, planWaves, resolveTargets, rolloutSettings, splitIntoWaves } from './index';
import { RolloutProblemCode, validateRolloutSpec, validateRolloutUpdate } from '../validation/rollout';

const device = (name: string, cls: string, labels: Record<string, string> = {}, mac?: string, reportedMac?: string): Device => ({
  apiVersion: 'kubeflash.dev/v1alpha1',
  kind: 'Device',
  metadata: { name, namespace: 'ns', labels },
  spec: { deviceClassRef: { name: cls }, devicesClusterRef: { name: 'home' }, ...(mac ? { macAddress: mac } : {}) },
  ...(reportedMac ? { status: { reported: { mac: reportedMac } } } : {}),
});
const group = (name: string, matchLabels: Record<string, string>): DeviceGroup => ({
  apiVersion: 'kubeflash.dev/v1alpha1',
  kind: 'DeviceGroup',
  metadata: { name, namespace: 'ns' },
  spec: { selector: { matchLabels } },
});

const fleet = [
  device('d', 'c3', { room: 'attic' }),
  device('a', 'c3', { room: 'garage' }, 'AA:BB:CC:DD:EE:01'),
  device('b', 'c3', {}, undefined, 'aa:bb:cc:dd:ee:02'),
  device('c', 'c3', { floor: '2' }),
  device('e', 's3', { room: 'attic' }),
];
const names = (ds: Device[]) => ds.map((d) => d.metadata.name);

describe('resolveTargets', () => {
  it.each([
    ['no targets: every device of the class, sorted', {}, ['a', 'b', 'c', 'd']],
    ['a selector: only matching devices of the class', { selector: { matchLabels: { room: 'attic' } } }, ['d']],
    ['names', { devices: ['c', 'e', 'zz'] }, ['c']],
    ['MACs from spec or reported, any case', { macAddresses: ['aa:bb:cc:dd:ee:01', 'AA:BB:CC:DD:EE:02'] }, ['a', 'b']],
    ['groups by their selector', { deviceGroups: ['upstairs'] }, ['c']],
    ['the union of all four', { selector: { matchLabels: { room: 'attic' } }, devices: ['a'], macAddresses: ['aa:bb:cc:dd:ee:02'], deviceGroups: ['upstairs'] }, ['a', 'b', 'c', 'd']],
  ])('%s', (_title, spec, expected) => {
    expect(names(resolveTargets(spec, 'c3', fleet, [group('upstairs', { floor: '2' })]))).toEqual(expected);
  });
});

describe('waves', () => {
  it('splits by cumulative percentages, rounding up', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => `d${String(i).padStart(2, '0')}`);
    expect(splitIntoWaves(twenty, [10, 50, 100]).map((w) => w.length)).toEqual([2, 8, 10]);
    expect(splitIntoWaves(twenty.slice(0, 3), [1, 10, 100]).map((w) => w.length)).toEqual([1, 0, 2]);
    expect(splitIntoWaves([], [50, 100])).toEqual([[], []]);
    expect(splitIntoWaves(twenty, [50]).flat()).toHaveLength(10);
  });
  it('previews counts and the first ten names', () => {
    const many = Array.from({ length: 30 }, (_, i) => `d${String(i).padStart(2, '0')}`);
    const plan = planWaves(many, [50, 100]);
    expect(plan.map((w) => [w.wave, w.percent, w.devices])).toEqual([[1, 50, 15], [2, 100, 15]]);
    expect(plan[1].firstDevices).toEqual(many.slice(15, 25));
  });
  it('turns maxConcurrent into a count', () => {
    expect(concurrencyLimit(3, 100)).toBe(3);
    expect(concurrencyLimit('5%', 30)).toBe(2);
    expect(concurrencyLimit('1%', 3)).toBe(1);
  });
  it('fills in defaults', () => {
    expect(rolloutSettings({ firmwareRef: { name: 'x' }, healthCheck: { minOnlineSeconds: 5 } })).toMatchObject({ waves: [10, 50, 100], minOnlineSeconds: 5, maxAttempts: 3 });
  });
});

describe('validateRolloutSpec', () => {
  const base = { firmwareRef: { name: 'fw' } };
  it.each([
    ['descending waves', { strategy: { waves: [50, 10] } }, RolloutProblemCode.WavesInvalid, 'spec.strategy.waves[1]'],
    ['a bad maxConcurrent', { strategy: { maxConcurrent: '0%' } }, RolloutProblemCode.MaxConcurrentInvalid, 'spec.strategy.maxConcurrent'],
    ['approval of a wave that does not exist', { approvedWave: 4, strategy: { waves: [50, 100] } }, RolloutProblemCode.ApprovedWaveInvalid, 'spec.approvedWave'],
    ['a MAC listed twice in two cases', { macAddresses: ['aa:bb:cc:dd:ee:01', 'AA:BB:CC:DD:EE:01'] }, RolloutProblemCode.DuplicateTarget, 'spec.macAddresses'],
  ])('%s', (_t, spec, code, field) => {
    const problems = validateRolloutSpec({ ...base, ...spec });
    expect(problems.map((p) => [p.code, p.field])).toEqual([[code, field]]);
  });
  it('accepts a good spec', () => {
    expect(validateRolloutSpec({ ...base, strategy: { waves: [1, 10, 50, 100], maxConcurrent: '5%' }, approvedWave: 2 })).toEqual([]);
  });
  it('refuses to undo an abort', () => {
    expect(validateRolloutUpdate({ ...base, abort: true }, { ...base, abort: false }).map((p) => p.code)).toEqual([RolloutProblemCode.AbortUndone]);
    expect(validateRolloutUpdate({ ...base }, { ...base, abort: true })).toEqual([]);
  });
});
