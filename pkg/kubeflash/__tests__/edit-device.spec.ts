import { mount, flushPromises } from '@vue/test-utils';
import { h, reactive } from 'vue';
import EditDevice from '../edit/kubeflash.dev.device.vue';
import Device from '../models/kubeflash.dev.device.js';
import { fixture, makeModel, runFetch } from './helpers';

const slotStub = (name: string) => ({
  name,
  render(this: any) {
    return h('div', { class: `stub-${ name }` }, this.$slots.default?.());
  }
});

/** Mounts the edit page with the store answering findAll from the fixture (plus a wifi Secret). */
async function mountEdit(data: any, mode = 'create') {
  const f = fixture();
  const all: Record<string, unknown[]> = {
    'kubeflash.dev.deviceclass':    f.deviceClasses,
    'kubeflash.dev.devicescluster': [...f.devicesClusters, { metadata: { name: 'bare', namespace: 'garage' }, spec: { mqtt: { brokerUri: 'mqtt://x' } } }],
    'kubeflash.dev.devicegroup':    f.deviceGroups,
    secret:                         [{ metadata: { name: 'wifi-home', namespace: 'garage' }, data: { wifi_ssid: 'eA==', wifi_pass: 'eQ==' } }, { metadata: { name: 'elsewhere', namespace: 'other' }, data: {} }],
  };
  const { model: raw } = makeModel(Device, data);
  const model = reactive(raw) as typeof raw;
  const dispatch = jest.fn(async(action: string, payload: any) => (action === 'cluster/findAll' ? all[payload.type] : undefined));

  model.save = jest.fn(async() => model);
  const wrapper = mount(EditDevice, {
    props:  { value: model, mode },
    global: {
      mocks: {
        $store: {
          getters: {
            'i18n/t': (k: string) => `%${ k }%`, 'type-map/isSpoofed': () => false, 'prefs/get': () => undefined, currentStore: () => 'cluster', 'cluster/schemaFor': () => ({ linkFor: () => '/v1/kubeflash.dev.devices' }),
          },
          dispatch,
          commit: jest.fn()
        }
      },
      stubs: {
        CruResource: slotStub('CruResource'), NameNsDescription: true, Tabbed: slotStub('Tabbed'), Tab: slotStub('Tab'), Labels: true,
      },
    },
  });

  await runFetch(wrapper.vm);

  return {
    wrapper, model, dispatch, vm: wrapper.vm as any
  };
}

describe('Device edit page', () => {
  it('starts a new device from the defaults and is invalid until class and cluster are chosen', async() => {
    const { vm, model } = await mountEdit({ type: 'kubeflash.dev.device', metadata: { name: 'sensor-cellar', namespace: 'garage' } });

    expect(model.spec).toMatchObject({ deviceClassRef: { name: '' }, devicesClusterRef: { name: '' } });
    expect(vm.fvFormIsValid).toBe(false);
    const [classPicker, clusterPicker] = vm.fields[0];

    expect(classPicker.options).toStrictEqual([{ label: 'sensor-s3', value: 'sensor-s3' }]);
    expect(clusterPicker.options.map((o: any) => o.value)).toStrictEqual(['bare', 'home']);
    expect(vm.secrets).toStrictEqual([{ name: 'wifi-home', keys: ['wifi_ssid', 'wifi_pass'] }]);
  });

  it('renders one typed input per schema key, with required markers, defaults and a Secret picker for secret keys', async() => {
    const { wrapper, model } = await mountEdit({ type: 'kubeflash.dev.device', metadata: { name: 'd', namespace: 'garage' } });

    model.spec.deviceClassRef.name = 'sensor-s3';
    await flushPromises();

    for (const key of ['wifi_ssid', 'wifi_pass', 'sample_period', 'site', 'led', 'calib']) {
      expect(wrapper.find(`[data-testid="kubeflash-config-key-${ key }"]`).exists()).toBe(true);
    }
    expect(wrapper.find('[data-testid="kubeflash-config-secret-wifi_pass"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="kubeflash-config-input-wifi_pass"]').exists()).toBe(false);
    const period = wrapper.find('[data-testid="kubeflash-config-key-sample_period"] input');

    expect(period.attributes('type')).toBe('number');
    expect(period.attributes('placeholder')).toBe('%kubeflash.device.defaultHint%');
    expect(wrapper.find('[data-testid="kubeflash-config-key-wifi_ssid"] .required').exists()).toBe(true);
  });

  it('validates config with the shared rules: required keys come from the cluster layer, ranges are checked', async() => {
    const { wrapper, vm, model } = await mountEdit({ type: 'kubeflash.dev.device', metadata: { name: 'd', namespace: 'garage' } });

    model.spec.deviceClassRef.name = 'sensor-s3';
    model.spec.devicesClusterRef.name = 'bare';
    await flushPromises();
    expect(vm.preview.blocking.map((p: any) => `${ p.code }:${ p.key }`)).toStrictEqual(['MissingRequired:wifi_ssid', 'MissingRequired:wifi_pass']);
    expect(vm.fvFormIsValid).toBe(false);

    model.spec.devicesClusterRef.name = 'home';
    await flushPromises();
    expect(vm.preview.blocking).toStrictEqual([]);
    expect(vm.fvFormIsValid).toBe(true);

    await wrapper.find('[data-testid="kubeflash-config-key-sample_period"] input').setValue('2');
    expect(model.spec.config.values.sample_period).toBe('2');
    expect(vm.fvFormIsValid).toBe(false);
    expect(wrapper.find('[data-testid="kubeflash-config-error-sample_period"]').text()).toBe('%kubeflash.validation.OutOfRange%');
  });

  it('takes a secret key from the chosen Secret and saves a compact object', async() => {
    const { wrapper, vm, model } = await mountEdit({ type: 'kubeflash.dev.device', metadata: { name: 'd', namespace: 'garage' } });

    model.spec.deviceClassRef.name = 'sensor-s3';
    model.spec.devicesClusterRef.name = 'bare';
    await flushPromises();
    wrapper.findComponent({ name: 'ConfigEditor' }).vm.$emit('update:value', { values: { wifi_ssid: 'cellar', site: '' }, secretRefs: [] });
    await flushPromises();
    // The Secret select of wifi_pass emits the Secret name; the editor turns it into a secretRefs entry.
    wrapper.findComponent({ name: 'ConfigEditor' }).vm.set({
      name: 'wifi_pass', type: 'string', secret: true
    }, 'wifi-home');
    await flushPromises();
    expect(vm.fvValidationErrors).toStrictEqual([]);

    await vm.finish(jest.fn());

    expect(model.save).toHaveBeenCalled();
    expect(model.spec).toStrictEqual({
      deviceClassRef:    { name: 'sensor-s3' },
      devicesClusterRef: { name: 'bare' },
      config:            { values: { wifi_ssid: 'cellar' }, secretRefs: [{ name: 'wifi-home', keys: ['wifi_pass'] }] },
    });
  });

  it('previews the config the operator would render from the unsaved edits, key by key, without values', async() => {
    const { wrapper, model } = await mountEdit({
      type:     'kubeflash.dev.device',
      metadata: {
        name: 'sensor-attic', namespace: 'garage', labels: { room: 'attic' }
      }
    });

    model.spec.deviceClassRef.name = 'sensor-s3';
    model.spec.devicesClusterRef.name = 'home';
    await flushPromises();
    const layer = (key: string) => wrapper.findAll(`[data-testid="kubeflash-config-preview"] [data-testid="kubeflash-key-${ key }"] td`).map((td) => td.text());

    expect(layer('sample_period').slice(2)).toStrictEqual(['%kubeflash.layer.group%', 'attic %kubeflash.device.rendered.priority%', '']);
    await wrapper.find('[data-testid="kubeflash-config-key-sample_period"] input').setValue('900');
    expect(layer('sample_period').slice(2, 4)).toStrictEqual(['%kubeflash.layer.device%', 'sensor-attic']);
    expect(layer('device_id').slice(2, 4)).toStrictEqual(['%kubeflash.layer.generated%', 'operator']);
    expect(wrapper.find('[data-testid="kubeflash-config-preview-problems"]').exists()).toBe(false);
    // The Secret's values (base64 "x", "y") never reach the page.
    expect(wrapper.find('[data-testid="kubeflash-config-preview"]').html()).not.toMatch(/eA==|eQ==/);
  });
});
