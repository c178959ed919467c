import { mount, flushPromises } from '@vue/test-utils';
import { reactive } from 'vue';
import { createSimulator } from '@kubeflash/flasher/simulator';
import {
  buildNvsImage, buildNvsKeyPartition, generateNvsKeys, nvsToolMinimalRecords, parseNvsImage, parseNvsKeyPartition,
} from '@kubeflash/esp';
import { decryptNvsImage, encryptNvsImage } from '@kubeflash/esp/node';
import FlashDialog from '../dialog/KubeflashFlashDialog.vue';
import Device from '../models/kubeflash.dev.device.js';
import { bytesToBase64 } from '../utils/artifact-server';
import { fixture, makeModel, runFetch } from './helpers';

const CONFIG_OFFSET = 0x3a0000;
const NVS_KEYS_OFFSET = 0x3a6000;

/** Deterministic image bytes of a given size (not 0xFF, so written regions differ from erased flash). */
function image(size: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed) % 251);
}

/** A binary partition table holding a `config` NVS partition at CONFIG_OFFSET (and an nvs_keys partition after it). */
function partitionTable(withKeys = false): Uint8Array {
  const out = new Uint8Array(3072).fill(0xff);
  const view = new DataView(out.buffer);
  const rows: [string, number, number, number][] = [['config', 2, CONFIG_OFFSET, 0x6000], ...(withKeys ? [['nvs_keys', 4, NVS_KEYS_OFFSET, 0x1000] as [string, number, number, number]] : [])];

  rows.forEach(([label, subtype, offset, size], i) => {
    const p = i * 32;

    view.setUint16(p, 0x50aa, true);
    out[p + 2] = 1;
    out[p + 3] = subtype;
    view.setUint32(p + 4, offset, true);
    view.setUint32(p + 8, size, true);
    out.fill(0, p + 12, p + 32);
    out.set(new TextEncoder().encode(label), p + 12);
  });

  return out;
}

/** The fleet fixture with small images, a store serving them and a device that reports online after flashing. */
function setup(mode: 'full' | 'config', chip: string, onlineAfterFlash = true, encrypted = false) {
  const f = fixture();
  const fw = f.firmwares[0];
  const images: Record<string, Uint8Array> = {
    'bootloader.bin':       image(0x3000, 1),
    'partition-table.bin':  partitionTable(encrypted),
    'ota-data-initial.bin': image(0x2000, 2),
    'app.bin':              image(0x8000, 3),
  };

  fw.status.artifacts = fw.status.artifacts.map((a: any) => ({ ...a, size: images[`${ a.name }.bin`].length }));
  const keys = generateNvsKeys();
  const configBin = encrypted ? encryptNvsImage(buildNvsImage([{
    namespace: 'config', key: 'wifi_pass', type: 'string', value: 'hunter2',
  }], { size: 0x6000 }), keys) : image(0x6000, 4);
  const secretData: Record<string, string> = { 'config.bin': bytesToBase64(configBin) };

  if (encrypted) {
    f.deviceClasses[0].spec.encryption = 'nvs';
    secretData['nvs_keys.bin'] = bytesToBase64(buildNvsKeyPartition(keys));
  }
  const requests: string[] = [];
  const { model: raw } = makeModel(Device, f.devices[0], {
    byId: {
      'kubeflash.dev.deviceclass:garage/sensor-s3':    f.deviceClasses[0],
      'kubeflash.dev.devicescluster:garage/home':      f.devicesClusters[0],
      'kubeflash.dev.firmware:garage/sensor-s3-1.5.0': fw,
      'secret:garage/sensor-attic-config':             { data: secretData },
    },
    request: (opt: any) => {
      const file = opt.url.split('/').pop();

      requests.push(file);

      return { data: images[file].slice().buffer };
    },
  });
  const device = reactive(raw) as any;
  const sim = createSimulator({ chip, initialFill: 0x00 });
  const storeDispatch = jest.fn(async(action: string) => {
    if (action !== 'cluster/find') {
      return undefined;
    }
    const fresh = JSON.parse(JSON.stringify(f.devices[0]));

    fresh.status.conditions = fresh.status.conditions.map((c: any) => (c.type === 'Online' ? { ...c, lastTransitionTime: new Date(Date.now() + (onlineAfterFlash ? 1000 : -3600000)).toISOString() } : c));

    return fresh;
  });
  const wrapper = mount(FlashDialog, {
    props: {
      resources: [device], mode, requestPort: async() => sim.port, env: { isSecureContext: true, navigator: { serial: {} } }, onlineTimeoutMs: 50,
    },
    global: {
      mocks: {
        $store: {
          getters: { 'i18n/t': (k: string) => k }, dispatch: storeDispatch, commit: jest.fn()
        }
      }
    },
  });

  return {
    f, wrapper, sim, images, configBin, requests, vm: wrapper.vm as any,
  };
}

async function startAndFinish(vm: any) {
  await (FlashDialog as any).fetch.call(vm);
  await flushPromises();
  const stages: string[] = [];
  const unwatch = vm.$watch('progress', (p: any) => {
    if (stages[stages.length - 1] !== p.stage) {
      stages.push(p.stage);
    }
  });

  await vm.start();
  unwatch();
  await flushPromises();

  return stages;
}

describe('Flash dialog (engine: @kubeflash/flasher against the ROM-loader simulator)', () => {
  it('says why when Web Serial is missing or the page is not secure', () => {
    const f = fixture();
    const { model } = makeModel(Device, f.devices[0]);
    const props = { resources: [model] };

    expect(mount(FlashDialog, { props: { ...props, env: { isSecureContext: true, navigator: {} } } }).find('[data-testid="kubeflash-flash-unsupported"]').text()).toContain('%kubeflash.flash.noSerial%');
    expect(mount(FlashDialog, { props: { ...props, env: { isSecureContext: false, navigator: { serial: {} } } } }).find('[data-testid="kubeflash-flash-unsupported"]').text()).toContain('%kubeflash.flash.insecure%');
  });

  it('shows the plan, flashes firmware and config byte-for-byte, and reports the device online', async() => {
    const {
      wrapper, vm, sim, images, configBin,
    } = setup('full', 'ESP32-S3');

    await runFetch(vm);
    expect(wrapper.find('[data-testid="kubeflash-flash-chip"]').text()).toBe('esp32s3');
    expect(wrapper.findAll('[data-testid="kubeflash-flash-plan"] tbody tr').map((tr) => tr.findAll('td').map((td) => td.text()))).toStrictEqual([
      ['bootloader', '0x0', '12.0 KiB'], ['partition-table', '0x8000', '3.0 KiB'], ['ota-data-initial', '0xe000', '8.0 KiB'], ['app', '0x10000', '32.0 KiB'], ['config', '0x3a0000', '24.0 KiB'],
    ]);

    const stages = await startAndFinish(vm);

    expect(vm.error).toBeNull();
    expect(stages).toStrictEqual(expect.arrayContaining(['connecting', 'writing', 'verifying']));
    expect(Array.from(sim.device.flash.read(0x0, images['bootloader.bin'].length))).toStrictEqual(Array.from(images['bootloader.bin']));
    expect(Array.from(sim.device.flash.read(0x10000, images['app.bin'].length))).toStrictEqual(Array.from(images['app.bin']));
    expect(Array.from(sim.device.flash.read(CONFIG_OFFSET, configBin.length))).toStrictEqual(Array.from(configBin));
    expect(vm.phase).toBe('online');
    expect(wrapper.find('[data-testid="kubeflash-flash-online"]').exists()).toBe(true);
  }, 60000);

  it('re-provisions only the config partition', async() => {
    const {
      wrapper, vm, sim, configBin, requests,
    } = setup('config', 'ESP32-S3');

    await runFetch(vm);
    expect(wrapper.findAll('[data-testid="kubeflash-flash-plan"] tbody tr')).toHaveLength(1);
    await startAndFinish(vm);

    expect(vm.error).toBeNull();
    expect(new Set(requests)).toStrictEqual(new Set(['partition-table.bin'])); // no firmware images downloaded
    expect(Array.from(sim.device.flash.read(CONFIG_OFFSET, configBin.length))).toStrictEqual(Array.from(configBin));
    expect(sim.device.flash.read(0x10000, 16).every((b: number) => b === 0)).toBe(true);
  }, 60000);

  it('shows the engine error with its recovery step when the board is another chip', async() => {
    const { wrapper, vm } = setup('config', 'ESP32-C3');

    await startAndFinish(vm);

    expect(vm.phase).toBe('failed');
    expect(wrapper.find('[data-testid="kubeflash-flash-error"]').text()).toContain('%kubeflash.flash.failed%');
    expect(vm.error.message).toMatch(/ESP32-C3/);
    expect(wrapper.find('[data-testid="kubeflash-flash-recovery"]').text().length).toBeGreaterThan(10);
  }, 60000);

  it('says so when the device does not come online after flashing', async() => {
    const { wrapper, vm } = setup('config', 'ESP32-S3', false);

    await startAndFinish(vm);
    await new Promise((r) => setTimeout(r, 100));
    await flushPromises();

    expect(vm.phase).toBe('notOnline');
    expect(wrapper.find('[data-testid="kubeflash-flash-not-online"]').exists()).toBe(true);
  }, 60000);

  it('writes the NVS keys of an encrypted class to the nvs_keys partition, so the flashed config decrypts', async() => {
    const { vm, sim, configBin } = setup('config', 'ESP32-S3', true, true);

    await startAndFinish(vm);

    expect(vm.error).toBeNull();
    expect(Array.from(sim.device.flash.read(CONFIG_OFFSET, configBin.length))).toStrictEqual(Array.from(configBin));
    const keys = parseNvsKeyPartition(sim.device.flash.read(NVS_KEYS_OFFSET, 0x1000));
    const records = nvsToolMinimalRecords(parseNvsImage(decryptNvsImage(sim.device.flash.read(CONFIG_OFFSET, 0x6000), keys)));

    expect(records.map((r) => [r.key, r.data])).toStrictEqual([['wifi_pass', 'hunter2']]);
  }, 60000);
});
