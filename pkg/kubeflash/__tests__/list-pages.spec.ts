import { mount } from '@vue/test-utils';
import DeviceList from '../list/kubeflash.dev.device.vue';
import FirmwareList from '../list/kubeflash.dev.firmware.vue';
import KubeflashResourceList from '../components/KubeflashResourceList.vue';
import { DEVICE_HEADERS, FIRMWARE_HEADERS } from '../config/table-headers';
import { fixture } from './helpers';

function mountList(component: any, resource: string, rows: unknown[]) {
  const dispatch = jest.fn(() => Promise.resolve(rows));
  const wrapper = mount(component, {
    // The shell passes an empty `rows` attribute to custom list pages; it must not reach the table.
    props:  { resource, schema: { id: resource } },
    attrs:  { rows: [] },
    global: {
      mocks: { $store: { getters: { 'cluster/all': (type: string) => (type === resource ? rows : []), 'i18n/t': (k: string) => k }, dispatch } },
      stubs: { ResourceTable: { name: 'ResourceTable', props: ['schema', 'rows', 'headers', 'loading'], template: '<div />' } },
    },
  });

  return { wrapper, dispatch };
}

describe('list pages', () => {
  it('show devices from the cluster store with the device columns, ignoring the rows attribute the shell passes', async() => {
    const f = fixture();
    const { wrapper, dispatch } = mountList(DeviceList, 'kubeflash.dev.device', f.devices);
    const inner = wrapper.findComponent(KubeflashResourceList);

    await (KubeflashResourceList as any).fetch.call(inner.vm);
    expect(dispatch).toHaveBeenCalledWith('cluster/findAll', { type: 'kubeflash.dev.device' });
    const table = wrapper.findComponent({ name: 'ResourceTable' });

    expect(table.props('rows')).toHaveLength(3);
    expect(table.props('headers')).toStrictEqual(DEVICE_HEADERS);
    expect(table.attributes('data-testid')).toBe('kubeflash-list-kubeflash.dev.device');
  });

  it('show firmware builds with the phase column', () => {
    const f = fixture();
    const { wrapper } = mountList(FirmwareList, 'kubeflash.dev.firmware', f.firmwares);
    const table = wrapper.findComponent({ name: 'ResourceTable' });

    expect(table.props('headers')).toStrictEqual(FIRMWARE_HEADERS);
    expect(table.props('rows').map((r: any) => r.status.phase)).toStrictEqual(['Succeeded', 'Building']);
  });
});
