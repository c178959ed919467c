import { mount } from '@vue/test-utils';
import fs from 'fs';
import path from 'path';
import jsyaml from 'js-yaml';
import { init, NAV_ORDER } from '../config/kubeflash';
import { DEVICE_HEADERS, FIRMWARE_HEADERS, ROLLOUT_HEADERS } from '../config/table-headers';
import { KUBEFLASH } from '../types/kubeflash';
import KubeflashOnline from '../formatters/KubeflashOnline.js';
import KubeflashConfigState from '../formatters/KubeflashConfigState.js';
import KubeflashPhase from '../formatters/KubeflashPhase.js';
import { fixture } from './helpers';

const PKG = path.resolve(__dirname, '..');

function fakeDsl() {
  const calls = {
    product: jest.fn(), basicType: jest.fn(), weightType: jest.fn(), configureType: jest.fn(), headers: jest.fn(),
  };
  const plugin: any = { DSL: jest.fn(() => calls) };

  return { plugin, calls };
}

describe('product configuration', () => {
  it('registers the Devices product for the kubeflash.dev group with all six kinds in nav order', () => {
    const { plugin, calls } = fakeDsl();

    init(plugin, {});

    expect(plugin.DSL).toHaveBeenCalledWith({}, 'kubeflash');
    const opts = calls.product.mock.calls[0][0];

    expect(opts).toMatchObject({
      inStore: 'cluster', icon: 'os-management', showNamespaceFilter: true
    });
    expect(opts.ifHaveGroup.test('kubeflash.dev')).toBe(true);
    expect(opts.ifHaveGroup.test('kubeflashXdev')).toBe(false);
    expect(calls.basicType).toHaveBeenCalledWith(NAV_ORDER);
    expect([...NAV_ORDER].sort()).toStrictEqual(Object.values(KUBEFLASH).sort());
    const weights = calls.weightType.mock.calls.map(([type, weight]) => [type, weight]);

    expect(weights[0]).toStrictEqual([KUBEFLASH.DEVICE, 6]);
    expect(weights.map((w) => w[1])).toStrictEqual([6, 5, 4, 3, 2, 1]);
    expect(calls.headers.mock.calls.map((c) => c[0]).sort()).toStrictEqual(Object.values(KUBEFLASH).sort());
  });

  it('computes the device columns from realistic devices', () => {
    const [attic, porch, fresh] = fixture().devices;
    const row = (d: any) => Object.fromEntries(DEVICE_HEADERS.filter((h: any) => h.getValue && !['state', 'name', 'namespace', 'age'].includes(h.name)).map((h: any) => [h.name, h.getValue(d)]));

    expect(DEVICE_HEADERS.map((h: any) => h.name)).toStrictEqual(['state', 'name', 'namespace', 'deviceClass', 'site', 'online', 'firmware', 'lastSeen', 'identity', 'config', 'ota', 'age']);
    expect(row(attic)).toStrictEqual({
      deviceClass: 'sensor-s3', site: 'home', online: '2', firmware: '1.5.0', lastSeen: '2026-11-22T08:00:00Z', identity: 'True', config: 'True', ota: 'Succeeded',
    });
    expect(row(porch)).toMatchObject({
      online: '1', firmware: '1.4.2', identity: 'False', config: 'False', ota: 'Downloading 42%'
    });
    expect(row(fresh)).toMatchObject({
      online: '0', firmware: undefined, lastSeen: undefined, identity: undefined
    });
    expect(DEVICE_HEADERS.find((h: any) => h.name === 'lastSeen')).toMatchObject({ formatter: 'LiveDate' });
  });

  it('computes firmware and rollout columns', () => {
    const f = fixture();
    const get = (headers: any[], name: string, obj: any) => headers.find((h) => h.name === name).getValue(obj);

    expect(get(FIRMWARE_HEADERS, 'duration', f.firmwares[0])).toBe('7m 30s');
    expect(get(FIRMWARE_HEADERS, 'phase', f.firmwares[1])).toBe('Building');
    expect([get(FIRMWARE_HEADERS, 'reason', f.firmwares[0]), get(FIRMWARE_HEADERS, 'reason', f.firmwares[1])]).toStrictEqual(['Signed', 'Building']);
    expect(get(ROLLOUT_HEADERS, 'wave', f.rollouts[0])).toBe('2/3');
    expect(get(ROLLOUT_HEADERS, 'succeeded', f.rollouts[0])).toBe('1/3');
  });

  it('has every l10n key the extension uses, and a type label per kind', () => {
    const l10n = jsyaml.load(fs.readFileSync(path.join(PKG, 'l10n/en-us.yaml'), 'utf8')) as any;
    const lookup = (key: string) => key.split('.').reduce((o: any, k) => (o ? o[k] : undefined), l10n);
    const files: string[] = [];
    const walk = (dir: string) => fs.readdirSync(dir, { withFileTypes: true }).forEach((e) => {
      const p = path.join(dir, e.name);

      if (e.isDirectory() && !['__tests__', 'node_modules', '.shell', 'l10n'].includes(e.name)) {
        walk(p);
      } else if (/\.(ts|js|vue)$/.test(e.name)) {
        files.push(p);
      }
    });

    walk(PKG);
    const used = new Set<string>();

    for (const file of files) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/['"`](kubeflash\.(?:[a-zA-Z]+\.)+[a-zA-Z]+)['"`]/g)) {
        if (!m[1].startsWith('kubeflash.dev')) {
          used.add(m[1]);
        }
      }
    }
    expect(used.size).toBeGreaterThan(40);
    expect([...used].filter((k) => typeof lookup(k) !== 'string')).toStrictEqual([]);
    for (const type of Object.values(KUBEFLASH)) {
      expect(l10n.typeLabel[type]).toMatch(/one \{/);
    }
    expect(l10n.product.kubeflash).toBe('Devices');
  });
});

describe('list formatters', () => {
  it('render online, config and phase badges from the row', () => {
    const f = fixture();
    const online = mount(KubeflashOnline, { props: { row: f.devices[1] } });
    const tooltip = {
      mounted: (el: HTMLElement, binding: { value: string }) => {
        el.dataset.tip = binding.value;
      }
    };
    const config = mount(KubeflashConfigState, { props: { row: f.devices[1] }, global: { directives: { 'clean-tooltip': tooltip } } });
    const phase = mount(KubeflashPhase, { props: { row: f.firmwares[0], value: 'Succeeded' } });

    expect(online.text()).toBe('%kubeflash.state.offline%');
    expect(online.find('.bg-error').exists()).toBe(true);
    expect(config.text()).toBe('%kubeflash.state.error%');
    expect(config.attributes('data-tip')).toBe('wifi_ssid is required');
    expect(phase.text()).toBe('%kubeflash.phase.Succeeded%');
    expect(phase.find('.bg-success').exists()).toBe(true);
  });
});
