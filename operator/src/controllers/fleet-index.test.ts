import type { Device, DeviceGroup } from '@kubeflash/api';
import { setCondition } from './conditions';
import { FleetIndex } from './fleet-index';

const device = (name: string, labels: Record<string, string>, cls = 'c', secrets: string[] = []): Device => ({
  apiVersion: 'kubeflash.dev/v1alpha1',
  kind: 'Device',
  metadata: { name, namespace: 'ns', labels },
  spec: { deviceClassRef: { name: cls }, devicesClusterRef: { name: 'site' }, config: { secretRefs: secrets.map((s) => ({ name: s })) } },
});
const group = (name: string, site: string, secrets: string[] = []): DeviceGroup => ({
  apiVersion: 'kubeflash.dev/v1alpha1',
  kind: 'DeviceGroup',
  metadata: { name, namespace: 'ns' },
  spec: { selector: { matchLabels: { site } }, config: { secretRefs: secrets.map((s) => ({ name: s })) } },
});

function fleet(): { index: FleetIndex; devices: Device[] } {
  const index = new FleetIndex();
  const devices = [device('a', { site: 'x' }), device('b', { site: 'x' }, 'd'), device('c', { site: 'y' }, 'c', ['own'])];
  index.setGroup(group('gx', 'x', ['wifi-x']), []);
  index.setGroup(group('gy', 'y', ['wifi-y']), []);
  for (const d of devices) index.setDevice(d);
  index.setSecretRefs('DeviceClass', 'ns', 'd', ['class-secret']);
  index.setSecretRefs('DevicesCluster', 'ns', 'site', ['site-secret']);
  return { index, devices };
}

describe('FleetIndex', () => {
  const cases: [string, (i: FleetIndex) => Set<string>, string[]][] = [
    ['a group Secret reaches exactly the members of the group', (i) => i.devicesForSecret('ns', 'wifi-x'), ['ns/a', 'ns/b']],
    ['a device Secret reaches only that device', (i) => i.devicesForSecret('ns', 'own'), ['ns/c']],
    ['a class Secret reaches the devices of the class', (i) => i.devicesForSecret('ns', 'class-secret'), ['ns/b']],
    ['a cluster Secret reaches every device of the cluster', (i) => i.devicesForSecret('ns', 'site-secret'), ['ns/a', 'ns/b', 'ns/c']],
    ['an unreferenced Secret reaches nobody', (i) => i.devicesForSecret('ns', 'other'), []],
    ['a Secret of the same name in another namespace reaches nobody', (i) => i.devicesForSecret('other', 'wifi-x'), []],
    ['a class lists its devices', (i) => i.devicesOfClass('ns', 'c'), ['ns/a', 'ns/c']],
  ];
  it.each(cases)('%s', (_s, query, expected) => {
    expect([...query(fleet().index)].sort()).toEqual(expected);
  });

  it('moves a relabelled device from one group to the other', () => {
    const { index } = fleet();
    index.setDevice(device('a', { site: 'y' }));
    expect([...index.devicesOfGroup('ns', 'gx')]).toEqual(['ns/b']);
    expect([...index.devicesOfGroup('ns', 'gy')].sort()).toEqual(['ns/a', 'ns/c']);
    expect([...index.devicesForSecret('ns', 'wifi-x')]).toEqual(['ns/b']);
  });

  it('returns former and current members when a group selector changes, and forgets deleted devices and groups', () => {
    const { index, devices } = fleet();
    expect([...index.setGroup(group('gx', 'y', ['wifi-x']), devices)].sort()).toEqual(['ns/a', 'ns/b', 'ns/c']);
    index.removeDevice('ns', 'c');
    expect([...index.devicesOfGroup('ns', 'gx')]).toEqual([]);
    expect([...index.removeGroup('ns', 'gy')]).toEqual([]);
    expect([...index.devicesForSecret('ns', 'wifi-y')]).toEqual([]);
  });
});

describe('setCondition', () => {
  const t0 = new Date('2026-01-01T00:00:00Z');
  const t1 = new Date('2026-01-01T01:00:00Z');
  const base = setCondition(undefined, { type: 'Ready', status: 'True', reason: 'A', message: 'a' }, t0);
  const cases: [string, Parameters<typeof setCondition>[1], string][] = [
    ['a new reason with the same status keeps lastTransitionTime', { type: 'Ready', status: 'True', reason: 'B', message: 'b' }, '2026-01-01T00:00:00Z'],
    ['a status change moves lastTransitionTime', { type: 'Ready', status: 'False', reason: 'B', message: 'b' }, '2026-01-01T01:00:00Z'],
  ];
  it.each(cases)('%s', (_s, update, time) => {
    const next = setCondition(base, update, t1);
    expect(next).toHaveLength(1);
    expect(next[0]).toMatchObject({ ...update, lastTransitionTime: time });
  });
});
