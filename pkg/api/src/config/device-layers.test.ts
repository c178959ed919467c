import { API_VERSION, type Device, type DeviceClass, type DeviceGroup, type DevicesCluster } from '../v1alpha1/index';
import { deviceConfigLayers, groupsForDevice } from './layers';

const meta = (name: string, labels?: Record<string, string>) => ({ name, namespace: 'garage', ...(labels ? { labels } : {}) });
const device: Device = {
  apiVersion: API_VERSION,
  kind: 'Device',
  metadata: meta('sensor-attic', { room: 'attic' }),
  spec: { deviceClassRef: { name: 'c' }, devicesClusterRef: { name: 'home' }, config: { values: { led: 'true' } } },
};
const cluster: DevicesCluster = {
  apiVersion: API_VERSION,
  kind: 'DevicesCluster',
  metadata: meta('home'),
  spec: { mqtt: { brokerUri: 'mqtt://b' }, config: { values: { site: 'home' } } },
};
const deviceClass: DeviceClass = {
  apiVersion: API_VERSION,
  kind: 'DeviceClass',
  metadata: meta('sensor-s3'),
  spec: { chip: 'esp32s3', config: { values: { sample_period: '60' } } },
};
const group = (name: string, priority: number | undefined, selector: DeviceGroup['spec']['selector']): DeviceGroup => ({
  apiVersion: API_VERSION,
  kind: 'DeviceGroup',
  metadata: meta(name),
  spec: { selector, ...(priority === undefined ? {} : { priority }), config: { values: { g: name } } },
});

describe('deviceConfigLayers', () => {
  it('stacks cluster, class, the matching groups by ascending priority then name, and the device', () => {
    const groups = [
      group('z-late', 5, { matchLabels: { room: 'attic' } }),
      group('a-early', 5, {}),
      group('porch', -10, { matchLabels: { room: 'porch' } }),
      group('low', -1, { matchExpressions: [{ key: 'room', operator: 'Exists' }] }),
    ];
    const layers = deviceConfigLayers({ device, cluster, deviceClass, groups });
    expect(layers.map((l) => `${l.kind} ${l.name}`)).toEqual([
      'DevicesCluster home', 'DeviceClass sensor-s3', 'DeviceGroup low', 'DeviceGroup a-early', 'DeviceGroup z-late', 'Device sensor-attic',
    ]);
    expect(layers[5].config).toBe(device.spec.config);
    expect(layers.map((l) => l.priority)).toEqual([undefined, undefined, -1, 5, 5, undefined]);
  });

  it('records priority 0 for a group that sets none', () => {
    expect(deviceConfigLayers({ device, cluster, deviceClass, groups: [group('any', undefined, {})] })[2]).toMatchObject({ kind: 'DeviceGroup', name: 'any', priority: 0 });
  });

  it('leaves out a cluster or class that does not exist, and groups whose selector does not match', () => {
    const layers = deviceConfigLayers({ device, cluster: undefined, deviceClass: undefined, groups: [group('porch', 0, { matchLabels: { room: 'porch' } })] });
    expect(layers.map((l) => l.kind)).toEqual(['Device']);
    expect(groupsForDevice(device, [group('any', undefined, {})]).map((g) => g.metadata.name)).toEqual(['any']);
  });
});
