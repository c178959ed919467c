import type { Device, DeviceGroup } from '../v1alpha1';
import { previewRollout, runsVersion } from './skip';

const device = (name: string, cls: string, reported?: { firmwareVersion?: string; imageState?: string }, labels: Record<string, string> = {}): Device => ({
  apiVersion: 'kubeflash.dev/v1alpha1',
  kind: 'Device',
  metadata: { name, namespace: 'ns', labels },
  spec: { deviceClassRef: { name: cls }, devicesClusterRef: { name: 'home' } },
  ...(reported ? { status: { reported } } : {}),
});
const groups: DeviceGroup[] = [];

describe('runsVersion', () => {
  it.each([
    ['the version, image valid', { firmwareVersion: '1.6.0', imageState: 'valid' }, true],
    ['the version, no image state reported', { firmwareVersion: '1.6.0' }, true],
    ['the version, still pending verification', { firmwareVersion: '1.6.0', imageState: 'pending-verify' }, false],
    ['another version', { firmwareVersion: '1.5.0', imageState: 'valid' }, false],
    ['nothing reported', undefined, false],
  ])('%s', (_t, reported, expected) => {
    expect(runsVersion(reported, '1.6.0')).toBe(expected);
  });
});

describe('previewRollout', () => {
  it('splits the targets that do not run the version yet into waves and lists the rest as skipped', () => {
    const fleet = [
      device('a', 'c3', { firmwareVersion: '1.5.0' }, { room: 'attic' }),
      device('b', 'c3', { firmwareVersion: '1.6.0', imageState: 'valid' }, { room: 'attic' }),
      device('c', 'c3', { firmwareVersion: '1.6.0', imageState: 'pending-verify' }),
      device('d', 'c3'),
      device('e', 's3', { firmwareVersion: '1.5.0' }, { room: 'attic' }),
    ];
    const preview = previewRollout({}, { deviceClass: 'c3', version: '1.6.0', waves: [34, 100] }, fleet, groups);

    expect(preview.names).toEqual(['a', 'c', 'd']);
    expect(preview.skipped).toEqual(['b']);
    expect(preview.waves).toEqual([{ wave: 1, percent: 34, devices: 2, firstDevices: ['a', 'c'] }, { wave: 2, percent: 100, devices: 1, firstDevices: ['d'] }]);
    expect(previewRollout({ selector: { matchLabels: { room: 'attic' } } }, { deviceClass: 'c3', version: '1.6.0', waves: [100] }, fleet, groups).names).toEqual(['a']);
  });
});
