import { flushPromises } from '@vue/test-utils';
import EditClass from '../edit/kubeflash.dev.deviceclass.vue';
import EditGroup from '../edit/kubeflash.dev.devicegroup.vue';
import EditCluster from '../edit/kubeflash.dev.devicescluster.vue';
import EditFirmware from '../edit/kubeflash.dev.firmware.vue';
import EditRollout from '../edit/kubeflash.dev.rollout.vue';
import DeviceClass from '../models/kubeflash.dev.deviceclass.js';
import DeviceGroup from '../models/kubeflash.dev.devicegroup.js';
import DevicesCluster from '../models/kubeflash.dev.devicescluster.js';
import Firmware from '../models/kubeflash.dev.firmware.js';
import Rollout from '../models/kubeflash.dev.rollout.js';
import { fixture, mountEditPage } from './helpers';

const fresh = (type: string, name = 'x') => ({ type, metadata: { name, namespace: 'garage' } });

function storeData() {
  const f = fixture();

  return {
    f,
    all: {
      'kubeflash.dev.deviceclass': f.deviceClasses,
      'kubeflash.dev.device':      f.devices,
      'kubeflash.dev.firmware':    f.firmwares,
      'kubeflash.dev.devicegroup': f.deviceGroups,
      secret:                      [{ metadata: { name: 'wifi-home', namespace: 'garage' }, data: { wifi_ssid: 'eA==' } }],
    } as Record<string, unknown[]>,
  };
}

describe('DeviceClass edit page', () => {
  it('adds and removes typed schema keys and validates them', async() => {
    const { all } = storeData();
    const { wrapper, vm, model } = await mountEditPage(EditClass, DeviceClass, fresh('kubeflash.dev.deviceclass'), all);

    expect(model.spec.chip).toBe('esp32');
    expect(vm.fvFormIsValid).toBe(false); // git URL missing
    model.spec.firmware.source.git.url = 'https://git.example/fw.git';
    await flushPromises();
    expect(vm.fvFormIsValid).toBe(true);

    await wrapper.find('[data-testid="kubeflash-schema-add"]').trigger('click');
    await wrapper.find('[data-testid="kubeflash-schema-add"]').trigger('click');
    expect(model.spec.configSchema.keys).toStrictEqual([{ name: '', type: 'string' }, { name: '', type: 'string' }]);
    expect(vm.fvFormIsValid).toBe(false); // empty names

    const first = wrapper.findAll('[data-testid="kubeflash-schema-key-0"] input')[0];

    await first.setValue('sample_period');
    await wrapper.find('[data-testid="kubeflash-schema-remove-1"]').trigger('click');
    expect(model.spec.configSchema.keys).toStrictEqual([{ name: 'sample_period', type: 'string' }]);
    expect(vm.fvFormIsValid).toBe(true);

    model.spec.configSchema.keys = [{
      name: 'sample_period', type: 'u8', default: '999'
    }];
    await flushPromises();
    expect(vm.schemaErrors.sample_period).toBe('%kubeflash.validation.SchemaInvalid%');
    expect(vm.fvFormIsValid).toBe(false);
  });

  it('switches the firmware source between git and upload and saves a compact spec', async() => {
    const { all } = storeData();
    const { vm, model, saved } = await mountEditPage(EditClass, DeviceClass, fresh('kubeflash.dev.deviceclass'), all);

    vm.setSourceKind('upload');
    model.spec.chip = 'esp32c3';
    await flushPromises();
    expect(vm.fvFormIsValid).toBe(true);
    await vm.finish(jest.fn());

    expect(saved[0].spec).toStrictEqual({
      chip:         'esp32c3',
      firmware:     { source: { upload: {} } },
      configSchema: {
        namespace: 'config', keys: [], unknownKeys: 'Reject'
      },
      partitions: { config: { label: 'config', size: 0x6000 } },
    });
  });
});

describe('DeviceGroup edit page', () => {
  it('lists the devices its selector matches, live', async() => {
    const { all } = storeData();
    const { wrapper, model } = await mountEditPage(EditGroup, DeviceGroup, fresh('kubeflash.dev.devicegroup'), all);

    expect(wrapper.findAll('[data-testid="kubeflash-group-matching"] li')).toHaveLength(3);
    model.spec.selector = { matchLabels: { room: 'attic' } };
    await flushPromises();
    expect(wrapper.findAll('[data-testid="kubeflash-group-matching"] li').map((li) => li.text())).toStrictEqual(['sensor-attic']);
  });

  it('saves priority, selector and config; rejects bad key names', async() => {
    const { all } = storeData();
    const { vm, model, saved } = await mountEditPage(EditGroup, DeviceGroup, fresh('kubeflash.dev.devicegroup', 'attic'), all);

    model.spec.priority = 10;
    model.spec.selector = { matchLabels: { room: 'attic' } };
    model.spec.config = { values: { 'bad key': '1' } };
    await flushPromises();
    expect(vm.fvFormIsValid).toBe(false);
    model.spec.config = { values: { sample_period: '300' }, secretRefs: [] };
    await flushPromises();
    expect(vm.fvFormIsValid).toBe(true);
    await vm.finish(jest.fn());
    expect(saved[0].spec).toStrictEqual({
      selector: { matchLabels: { room: 'attic' } }, priority: 10, config: { values: { sample_period: '300' } }
    });
  });
});

describe('DevicesCluster edit page', () => {
  it('requires an MQTT broker URI and a valid artifacts URL, drops empty secret refs', async() => {
    const { all } = storeData();
    const { vm, model, saved } = await mountEditPage(EditCluster, DevicesCluster, fresh('kubeflash.dev.devicescluster', 'home'), all);

    expect(vm.fvFormIsValid).toBe(false);
    model.spec.mqtt.brokerUri = 'not a uri';
    await flushPromises();
    expect(vm.fvFormIsValid).toBe(false);
    model.spec.mqtt.brokerUri = 'mqtts://mqtt.home.example:8883';
    model.spec.artifacts.publicBaseUrl = 'ftp://x';
    await flushPromises();
    expect(vm.fvFormIsValid).toBe(false);
    model.spec.artifacts.publicBaseUrl = 'https://artifacts.home.example';
    model.spec.config = { values: { site: 'home' }, secretRefs: [{ name: 'wifi-home', keys: ['wifi_ssid'] }] };
    await flushPromises();
    expect(vm.fvFormIsValid).toBe(true);
    await vm.finish(jest.fn());
    expect(saved[0].spec).toStrictEqual({
      mqtt: {
        brokerUri: 'mqtts://mqtt.home.example:8883', topicPrefix: 'kubeflash', accountManagement: 'none'
      },
      artifacts: { publicBaseUrl: 'https://artifacts.home.example' },
      config:    { values: { site: 'home' }, secretRefs: [{ name: 'wifi-home', keys: ['wifi_ssid'] }] },
    });
  });
});

describe('Firmware edit page', () => {
  it('copies source and builder from the picked class and validates the version', async() => {
    const { all } = storeData();
    const { vm, model } = await mountEditPage(EditFirmware, Firmware, fresh('kubeflash.dev.firmware', 'sensor-s3-1.6.0'), all);

    vm.pickClass('sensor-s3');
    model.spec.version = '1.6.0 beta';
    await flushPromises();
    expect(vm.fvFormIsValid).toBe(false);
    model.spec.version = '1.6.0';
    await flushPromises();
    expect(vm.fvFormIsValid).toBe(true);
    expect(model.spec).toStrictEqual({
      deviceClassRef: { name: 'sensor-s3' },
      version:        '1.6.0',
      source:         {
        git: {
          url: 'https://git.example/sensor.git', ref: 'v1.5.0', path: 'firmware'
        }
      },
      builder: { image: 'espressif/idf:v5.3.1' },
    });
  });
});

describe('Rollout edit page', () => {
  it('preselects the Firmware given by "Roll out"', async() => {
    const { all } = storeData();
    const { model } = await mountEditPage(EditRollout, Rollout, fresh('kubeflash.dev.rollout', 'r'), all, 'create', { firmware: 'sensor-s3-1.5.0' });

    expect(model.spec.firmwareRef.name).toBe('sensor-s3-1.5.0');
  });

  it('offers only successful builds, previews the devices per wave with the API\'s rules, and checks waves with its validator', async() => {
    const { all } = storeData();
    const { wrapper, vm, model } = await mountEditPage(EditRollout, Rollout, fresh('kubeflash.dev.rollout', 'r'), all);
    const previewRows = () => wrapper.findAll('[data-testid="kubeflash-rollout-preview"] tbody tr').map((tr) => tr.findAll('td').map((td) => td.text()));

    expect(vm.firmwareOptions).toStrictEqual([{ label: 'sensor-s3-1.5.0', value: 'sensor-s3-1.5.0' }]);
    expect(vm.fvFormIsValid).toBe(false);
    expect(model.spec.dryRun).toBe(true);
    model.spec.firmwareRef.name = 'sensor-s3-1.5.0';
    await flushPromises();
    // No target: every device of the class; sensor-attic runs 1.5.0 already and is skipped.
    expect(vm.preview.skipped).toStrictEqual(['sensor-attic']);
    expect(previewRows()).toStrictEqual([['1', '10%', '1', 'sensor-new'], ['2', '50%', '0', ''], ['3', '100%', '1', 'sensor-porch']]);
    expect(vm.fvFormIsValid).toBe(true);

    model.spec.devices = ['sensor-porch'];
    await flushPromises();
    expect(previewRows().map((r) => r[2])).toStrictEqual(['1', '0', '0']);
    expect(vm.classDevices.map((d: any) => d.metadata.name)).toStrictEqual(['sensor-attic', 'sensor-porch', 'sensor-new']);

    await wrapper.find('input[data-testid="kubeflash-rollout-waves"]').setValue('10, 5');
    expect(vm.fvFormIsValid).toBe(false);
    expect(vm.fvGetAndReportPathRules('spec.strategy.waves')[0]()).toBe('%kubeflash.validation.rollout.WavesInvalid%');
    await wrapper.find('input[data-testid="kubeflash-rollout-waves"]').setValue('5, 50, 100');
    expect(vm.fvFormIsValid).toBe(true);
    expect(model.spec.strategy.waves).toStrictEqual([5, 50, 100]);

    await wrapper.find('input[data-testid="kubeflash-rollout-max-concurrent"]').setValue('25');
    expect(model.spec.strategy.maxConcurrent).toBe(25);
    await wrapper.find('input[data-testid="kubeflash-rollout-max-concurrent"]').setValue('5%');
    expect(model.spec.strategy.maxConcurrent).toBe('5%');
    await wrapper.find('input[data-testid="kubeflash-rollout-max-concurrent"]').setValue('0%');
    expect(vm.fvFormIsValid).toBe(false);
    await wrapper.find('input[data-testid="kubeflash-rollout-max-concurrent"]').setValue('');
    expect(model.spec.strategy.maxConcurrent).toBeUndefined();
  });

  it('saves only the targets that are set (an untouched selector would target every device)', async() => {
    const { all } = storeData();
    const { vm, model, saved } = await mountEditPage(EditRollout, Rollout, fresh('kubeflash.dev.rollout', 'r'), all);

    model.spec.firmwareRef.name = 'sensor-s3-1.5.0';
    model.spec.macAddresses = ['24:6f:28:aa:bb:99'];
    await vm.finish(jest.fn());

    expect(saved[0].spec).toMatchObject({ macAddresses: ['24:6f:28:aa:bb:99'], dryRun: true });
    expect(Object.keys(saved[0].spec)).not.toEqual(expect.arrayContaining(['selector', 'devices', 'deviceGroups']));
  });
});
