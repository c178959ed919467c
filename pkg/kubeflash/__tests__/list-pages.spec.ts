import { mount } from '@vue/test-utils';
import { h } from 'vue';
import DeviceList from '../list/kubeflash.dev.device.js';
import FirmwareList from '../list/kubeflash.dev.firmware.js';
import ResourceListPage from '../components/ResourceListPage.vue';
import { DEVICE_HEADERS, FIRMWARE_HEADERS, HEADERS_BY_TYPE } from '../config/table-headers';
import { KUBEFLASH } from '../types/kubeflash';
import { fixture, runFetch } from './helpers';

const TableStub = {
  name:  'ResourceTable',
  props: ['schema', 'rows', 'headers', 'loading'],
  setup(_props: unknown, { slots }: any) {
    return () => h('div', { class: 'stub-table' }, slots['cell:online']?.({ row: { metadata: { name: 'x' } } }));
  },
};

/** Mounts a list page the way the shell does: resource and schema as props, plus its own (empty) rows attribute. */
function mountList(component: any, resource: string, rows: unknown[], options: { props?: Record<string, unknown>; slots?: Record<string, any> } = {}) {
  const dispatch = jest.fn(() => Promise.resolve(rows));
  const wrapper = mount(component, {
    props: {
      resource, schema: { id: resource }, ...options.props
    },
    attrs:  { rows: [] },
    slots:  options.slots,
    global: {
      mocks: { $store: { getters: { 'cluster/all': (type: string) => (type === resource ? rows : []), 'i18n/t': (k: string) => k }, dispatch } },
      stubs: { ResourceTable: TableStub },
    },
  });

  return { wrapper, dispatch };
}

describe('list pages', () => {
  it('are one shared component, with every kind\'s columns', () => {
    expect(DeviceList).toBe(ResourceListPage);
    expect(FirmwareList).toBe(ResourceListPage);
    expect(Object.keys(HEADERS_BY_TYPE).sort()).toStrictEqual(Object.values(KUBEFLASH).sort());
  });

  it('show devices from the cluster store with the device columns, ignoring the rows attribute the shell passes', async() => {
    const f = fixture();
    const { wrapper, dispatch } = mountList(DeviceList, KUBEFLASH.DEVICE, f.devices);

    await runFetch(wrapper.vm);
    expect(dispatch).toHaveBeenCalledWith('cluster/findAll', { type: KUBEFLASH.DEVICE });
    const table = wrapper.findComponent({ name: 'ResourceTable' });

    expect(table.props('rows')).toHaveLength(3);
    expect(table.props('headers')).toStrictEqual(DEVICE_HEADERS);
    expect(table.attributes('data-testid')).toBe('kubeflash-list-kubeflash.dev.device');
  });

  it('show firmware builds with the phase column', () => {
    const f = fixture();
    const { wrapper } = mountList(FirmwareList, KUBEFLASH.FIRMWARE, f.firmwares);
    const table = wrapper.findComponent({ name: 'ResourceTable' });

    expect(table.props('headers')).toStrictEqual(FIRMWARE_HEADERS);
    expect(table.props('rows').map((r: any) => r.status.phase)).toStrictEqual(['Succeeded', 'Building']);
  });

  it('extend: other columns, related types loaded first, a row filter, content above the table and cell slots passed to the table', async() => {
    const f = fixture();
    const headers = [DEVICE_HEADERS[1]];
    const { wrapper, dispatch } = mountList(ResourceListPage, KUBEFLASH.DEVICE, f.devices, {
      props: {
        headers, alsoLoad: [KUBEFLASH.DEVICE_CLASS], rowFilter: (d: any) => d.metadata.labels?.room === 'attic'
      },
      slots: { 'before-table': '<p data-testid="above">summary</p>', 'cell:online': '<b data-testid="cell">online cell</b>' },
    });

    await runFetch(wrapper.vm);
    expect(dispatch.mock.calls.map((c: any[]) => c[1].type)).toStrictEqual([KUBEFLASH.DEVICE, KUBEFLASH.DEVICE_CLASS]);
    const table = wrapper.findComponent({ name: 'ResourceTable' });

    expect(table.props('headers')).toStrictEqual(headers);
    expect(table.props('rows').map((d: any) => d.metadata.name)).toStrictEqual(['sensor-attic']);
    expect(wrapper.find('[data-testid="above"]').text()).toBe('summary');
    expect(wrapper.find('.stub-table [data-testid="cell"]').text()).toBe('online cell');
  });
});
