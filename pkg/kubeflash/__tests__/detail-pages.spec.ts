import { mount, flushPromises } from '@vue/test-utils';
import { reactive } from 'vue';
import DeviceDetail from '../detail/kubeflash.dev.device.vue';
import FirmwareDetail from '../detail/kubeflash.dev.firmware.vue';
import RolloutDetail from '../detail/kubeflash.dev.rollout.vue';
import ClassDetail from '../detail/kubeflash.dev.deviceclass.vue';
import GroupDetail from '../detail/kubeflash.dev.devicegroup.vue';
import ClusterDetail from '../detail/kubeflash.dev.devicescluster.vue';
import Device from '../models/kubeflash.dev.device.js';
import Firmware from '../models/kubeflash.dev.firmware.js';
import Rollout from '../models/kubeflash.dev.rollout.js';
import DeviceClass from '../models/kubeflash.dev.deviceclass.js';
import DeviceGroup from '../models/kubeflash.dev.devicegroup.js';
import DevicesCluster from '../models/kubeflash.dev.devicescluster.js';
import {
  fixture, makeModel, runFetch, slotStub, type StoreFake, patchRecorder
} from './helpers';

jest.mock('@shell/utils/download', () => ({ downloadFile: jest.fn(() => Promise.resolve()) }));

/** Mounts a detail page with the shell's tab frame stubbed; the page's store answers find/findAll from `fake`. */
async function mountDetail(page: any, ModelClass: any, data: any, fake: StoreFake = {}) {
  const { model: raw, dispatch: modelDispatch } = makeModel(ModelClass, data, fake);
  const model = reactive(raw) as any;
  const dispatch = jest.fn(async(action: string, payload: any) => {
    if (action === 'cluster/find') {
      return (fake.byId || {})[`${ payload.type }:${ payload.id }`];
    }

    return action === 'cluster/findAll' ? (fake.all || {})[payload.type] || [] : undefined;
  });
  const wrapper = mount(page, {
    props:  { value: model, mode: 'view' },
    global: {
      mocks: {
        $store: {
          getters: {
            'i18n/t': (k: string) => `%${ k }%`, currentStore: () => 'cluster', 'cluster/schemaFor': () => undefined
          },
          dispatch,
          commit: jest.fn()
        }
      },
      stubs: {
        ResourceTabs: slotStub('ResourceTabs'), Tab: slotStub('Tab'), 'router-link': true
      },
    },
  });

  await runFetch(wrapper.vm);

  return {
    wrapper, model, dispatch, modelDispatch,
  };
}

describe('Device detail page', () => {
  const cells = (wrapper: any, key: string) => wrapper.findAll(`[data-testid="kubeflash-key-${ key }"] td`).map((td: any) => td.text());

  it('shows badges, reported state and the effective config exactly as the operator recorded it', async() => {
    const f = fixture();
    const { wrapper, dispatch } = await mountDetail(DeviceDetail, Device, f.devices[0]);

    expect(wrapper.find('[data-testid="kubeflash-device-online"]').text()).toBe('%kubeflash.state.online%');
    expect(wrapper.find('[data-testid="kubeflash-reported-firmware"]').text()).toContain('1.5.0');
    // Nothing is looked up or recomputed: the tab shows status.config.keys.
    expect(dispatch).not.toHaveBeenCalled();
    expect(wrapper.findAll('[data-testid="kubeflash-effective-config"] tbody tr').map((tr) => tr.attributes('data-testid'))).toStrictEqual(
      f.devices[0].status.config.keys.map((k: any) => `kubeflash-key-${ k.key }`),
    );
    expect(cells(wrapper, 'device_id')).toStrictEqual(['device_id', 'string', '%kubeflash.layer.generated%', 'operator', '']);
    expect(cells(wrapper, 'sample_period')).toStrictEqual(['sample_period', 'u16', '%kubeflash.layer.group%', 'attic %kubeflash.device.rendered.priority%', '']);
    expect(cells(wrapper, 'wifi_pass')).toStrictEqual(['wifi_pass', 'string', '%kubeflash.layer.secretRef%', 'wifi-home %kubeflash.device.rendered.referencedBy%', '%kubeflash.device.rendered.secret%']);
    expect(cells(wrapper, 'led')).toStrictEqual(['led', 'u8', '%kubeflash.layer.device%', 'sensor-attic', '']);
    expect(wrapper.find('[data-testid="kubeflash-effective-pending"]').exists()).toBe(false);
  });

  it('marks every key pending while the record is older than the spec', async() => {
    const f = fixture();
    const { wrapper } = await mountDetail(DeviceDetail, Device, f.devices[1]);

    expect(wrapper.find('[data-testid="kubeflash-effective-pending"]').exists()).toBe(true);
    expect(wrapper.findAll('[data-testid="kubeflash-key-pending"]')).toHaveLength(f.devices[1].status.config.keys.length);
    expect(cells(wrapper, 'led')).toStrictEqual(['led', 'u8', '%kubeflash.layer.default%', 'sensor-s3', '%kubeflash.state.pending%']);
  });

  it('shows the Online, IdentityMatches, FirmwareCurrent and ConfigReady conditions, reported identity and the last requests', async() => {
    const f = fixture();
    const { wrapper } = await mountDetail(DeviceDetail, Device, f.devices[0]);
    const conditionCells = (type: string) => wrapper.findAll(`[data-testid="kubeflash-condition-${ type }"] td`).map((td) => td.text());

    expect(wrapper.findAll('[data-testid="kubeflash-conditions"] tbody tr').map((tr) => tr.attributes('data-testid'))).toStrictEqual([
      'kubeflash-condition-Online', 'kubeflash-condition-IdentityMatches', 'kubeflash-condition-FirmwareCurrent', 'kubeflash-condition-ConfigReady',
    ]);
    expect(conditionCells('IdentityMatches')).toStrictEqual(['%kubeflash.condition.IdentityMatches%', '%kubeflash.conditionStatus.True%', 'IdentityVerified', 'reported chip esp32s3 and MAC 24:6f:28:aa:bb:01 match']);
    expect(wrapper.find('[data-testid="kubeflash-device-identity-warning"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="kubeflash-reported-chip"]').text()).toContain('esp32s3');
    expect(wrapper.find('[data-testid="kubeflash-reported-mac"]').text()).toContain('24:6f:28:aa:bb:01');
    expect(wrapper.find('[data-testid="kubeflash-reported-last-seen"]').text()).toContain('2026-11-22T08:00:00Z');
    expect(wrapper.find('[data-testid="kubeflash-credentials-generated"]').text()).toContain('2026-11-01T10:00:05Z');
    expect(wrapper.find('[data-testid="kubeflash-last-reboot"]').text()).toContain('Sent · 2026-11-21T09:00:01Z · r-7f3a');
  });

  it('warns with both MACs when the registration check failed, and reboots only online devices', async() => {
    const f = fixture();
    const offline = await mountDetail(DeviceDetail, Device, f.devices[1]);

    expect(offline.wrapper.find('[data-testid="kubeflash-device-identity-warning"]').text()).toContain('reported MAC 24:6f:28:aa:bb:99 differs from spec.macAddress 24:6f:28:aa:bb:02');
    expect(offline.wrapper.find('[data-testid="kubeflash-condition-IdentityMatches"]').text()).toContain('MacMismatch');
    expect(offline.wrapper.find('[data-testid="kubeflash-condition-FirmwareCurrent"] .bg-warning').exists()).toBe(true);
    expect(offline.wrapper.find('[data-testid="kubeflash-device-reboot"]').attributes('disabled')).toBeDefined();

    const recorder = patchRecorder();
    const online = await mountDetail(DeviceDetail, Device, f.devices[0], { request: recorder.request });

    await online.wrapper.find('[data-testid="kubeflash-device-reboot"]').trigger('click');
    await flushPromises();
    expect(recorder.patches.map((x) => x.data)).toStrictEqual([[{
      op: 'add', path: '/spec/rebootRequest', value: expect.any(String)
    }]]);
    expect(online.model.spec.rebootRequest).toEqual(expect.any(String));
    await online.wrapper.find('[data-testid="kubeflash-device-rotate"]').trigger('click');
    expect(online.modelDispatch).toHaveBeenCalledWith('promptModal', expect.objectContaining({ component: 'GenericPrompt' }));
  });

  it('shows the current OTA attempt and the history of results, newest first', async() => {
    const f = fixture();
    const porch = await mountDetail(DeviceDetail, Device, f.devices[1]);

    expect(porch.wrapper.find('[data-testid="kubeflash-ota-state"]').text()).toContain('Downloading');
    expect(porch.wrapper.find('[data-testid="kubeflash-ota-rollout"]').text()).toContain('sensors-1.5.0 · #2');
    expect(porch.wrapper.find('[data-testid="kubeflash-ota-error"]').text()).toContain('download-failed · connection reset at byte 393216');
    const attic = await mountDetail(DeviceDetail, Device, f.devices[0]);

    expect(attic.wrapper.findAll('[data-testid="kubeflash-ota-history"] tbody tr').map((tr) => tr.findAll('td').map((td) => td.text()).slice(1, 4))).toStrictEqual([
      ['1.5.0', 'Succeeded', ''], ['1.5.0', 'RolledBack', 'rollback'], ['1.4.2', 'Succeeded', ''],
    ]);
  });

  it('says so when the operator has not recorded a config yet', async() => {
    const { wrapper } = await mountDetail(DeviceDetail, Device, fixture().devices[2]);

    expect(wrapper.find('[data-testid="kubeflash-effective-none"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="kubeflash-effective-config"]').exists()).toBe(false);
  });
});

describe('Firmware detail page', () => {
  it('shows the phase, timings, message and an artifact table whose buttons download through the proxy', async() => {
    const f = fixture();
    const request = jest.fn(() => ({ data: new Uint8Array([1]).buffer }));
    const { wrapper } = await mountDetail(FirmwareDetail, Firmware, f.firmwares[0], { request });

    expect(wrapper.find('[data-testid="kubeflash-firmware-phase"]').text()).toBe('%kubeflash.phase.Succeeded%');
    expect(wrapper.find('[data-testid="kubeflash-firmware-duration"]').text()).toContain('7m 30s');
    expect(wrapper.find('[data-testid="kubeflash-firmware-message"]').text()).toContain('Build succeeded');
    expect(wrapper.findAll('[data-testid="kubeflash-firmware-artifacts"] tbody tr').map((tr) => tr.findAll('td').slice(0, 3).map((td) => td.text()))).toStrictEqual([
      ['bootloader', '0x0', '20.5 KiB'], ['partition-table', '0x8000', '3.0 KiB'], ['ota-data-initial', '0xe000', '8.0 KiB'], ['app', '0x10000', '891.0 KiB'],
    ]);
    await wrapper.find('[data-testid="kubeflash-artifact-download-bootloader"]').trigger('click');
    await flushPromises();
    expect(request).toHaveBeenCalledWith(expect.objectContaining({ url: expect.stringContaining('/proxy/firmware/garage/sensor-s3-1.5.0/bootloader.bin') }));
    expect(wrapper.find('[data-testid="kubeflash-firmware-logs"]').exists()).toBe(true);
  });

  it('shows the signature, the Built and ArtifactsReady conditions, the log tail, and offers Rebuild and the zip', async() => {
    const f = fixture();
    const request = jest.fn(() => ({ data: new Uint8Array([0x50, 0x4b]).buffer }));
    const { wrapper, modelDispatch } = await mountDetail(FirmwareDetail, Firmware, f.firmwares[0], { request });

    expect(wrapper.find('[data-testid="kubeflash-firmware-signature"]').text()).toContain('ECDSA-P256-SHA256 · e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(wrapper.findAll('[data-testid="kubeflash-conditions"] tbody tr').map((tr) => tr.findAll('td').map((td) => td.text()).slice(1, 3))).toStrictEqual([
      ['%kubeflash.conditionStatus.True%', 'BuildSucceeded'], ['%kubeflash.conditionStatus.True%', 'Signed'],
    ]);
    expect(wrapper.find('pre[data-testid="kubeflash-firmware-message"]').text()).toBe(f.firmwares[0].status.message);
    await wrapper.find('[data-testid="kubeflash-firmware-zip"]').trigger('click');
    await flushPromises();
    expect(request).toHaveBeenCalledWith(expect.objectContaining({ url: expect.stringMatching(/\/proxy\/firmware\/garage\/sensor-s3-1\.5\.0\/sensor-s3-1\.5\.0\.zip$/) }));
    await wrapper.find('[data-testid="kubeflash-firmware-rebuild"]').trigger('click');
    expect(modelDispatch).toHaveBeenCalledWith('promptModal', expect.objectContaining({ component: 'GenericPrompt' }));
  });

  it('offers no downloads while building', async() => {
    const f = fixture();
    const { wrapper } = await mountDetail(FirmwareDetail, Firmware, f.firmwares[1]);

    expect(wrapper.find('[data-testid="kubeflash-firmware-phase"]').text()).toBe('%kubeflash.phase.Building%');
    expect(wrapper.find('[data-testid="kubeflash-firmware-manifest"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="kubeflash-firmware-zip"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="kubeflash-condition-Built"]').text()).toContain('Building');
  });
});

describe('Rollout detail page', () => {
  it('shows the waves as bars and a table, one row per device with its progress and error, and controls as spec fields', async() => {
    const f = fixture();
    const recorder = patchRecorder();
    const { wrapper, model } = await mountDetail(RolloutDetail, Rollout, f.rollouts[0], { all: { 'kubeflash.dev.device': f.devices }, request: recorder.request });

    expect(wrapper.findAll('[data-testid="kubeflash-rollout-waves"] tbody tr').map((tr) => tr.findAll('td').map((td) => td.text()))).toStrictEqual([
      ['1', '34%', '1', '1/1', '%kubeflash.waveState.Completed%'],
      ['2', '67%', '1', '0/1', '%kubeflash.waveState.Running%'],
      ['3', '100%', '1', '0/1', '%kubeflash.waveState.Pending%'],
    ]);
    expect(wrapper.findAll('[data-testid="kubeflash-rollout-wave-bars"] .kubeflash-bar-row')).toHaveLength(3);
    expect(wrapper.find('[data-testid="kubeflash-rollout-device-sensor-porch"]').text()).toContain('download-failed: connection reset at byte 393216');
    expect(wrapper.find('[data-testid="kubeflash-rollout-progress-sensor-porch"]').text()).toContain('42%');
    expect(wrapper.find('[data-testid="kubeflash-rollout-progress-sensor-new"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="kubeflash-rollout-device-sensor-new"]').text()).toContain('Pending');
    expect(wrapper.find('[data-testid="kubeflash-condition-Progressing"]').text()).toContain('WaveInProgress');
    expect(wrapper.find('[data-testid="kubeflash-rollout-resume"]').isVisible()).toBe(false);
    expect(wrapper.find('[data-testid="kubeflash-rollout-makeClassVersion"]').isVisible()).toBe(false);
    await wrapper.find('[data-testid="kubeflash-rollout-pause"]').trigger('click');
    await flushPromises();
    expect(recorder.patches).toStrictEqual([{
      method:      'patch',
      url:         expect.stringMatching(/^\/k8s\/clusters\/[^/]+\/apis\/kubeflash\.dev\/v1alpha1\/namespaces\/garage\/rollouts\/[^/]+$/),
      contentType: 'application/json-patch+json',
      data:        [{
        op: 'replace', path: '/spec/paused', value: true
      }]
    }]);
    expect(model.spec.paused).toBe(true);
  });

  it('shows the abort reason and the failed devices, and offers "make this the class version" after success', async() => {
    const f = fixture();

    f.rollouts[0].status = {
      ...f.rollouts[0].status,
      phase:         'Succeeded',
      failedDevices: [{
        name: 'sensor-porch', reason: 'rollback', attempts: 1
      }]
    } as any;
    const done = await mountDetail(RolloutDetail, Rollout, f.rollouts[0]);

    expect(done.wrapper.find('[data-testid="kubeflash-rollout-makeClassVersion"]').isVisible()).toBe(true);
    expect(done.wrapper.find('[data-testid="kubeflash-rollout-pause"]').isVisible()).toBe(false);
    expect(done.wrapper.findAll('[data-testid="kubeflash-rollout-failed"] tbody tr').map((tr) => tr.findAll('td').map((td) => td.text()).slice(0, 2))).toStrictEqual([['sensor-porch', 'rollback']]);
    await done.wrapper.find('[data-testid="kubeflash-rollout-makeClassVersion"]').trigger('click');
    expect(done.modelDispatch).toHaveBeenCalledWith('promptModal', expect.objectContaining({ component: 'GenericPrompt' }));

    f.rollouts[0].status = {
      ...f.rollouts[0].status, phase: 'Aborted', abortReason: '2 of 5 finished devices failed (40% > 10%)'
    } as any;
    const aborted = await mountDetail(RolloutDetail, Rollout, f.rollouts[0]);

    expect(aborted.wrapper.find('[data-testid="kubeflash-rollout-abort-reason"]').text()).toContain('2 of 5 finished devices failed');
  });
});

describe('DeviceClass, DeviceGroup and DevicesCluster detail pages', () => {
  it('list the class builds with phase badges and the schema keys', async() => {
    const f = fixture();
    const { wrapper } = await mountDetail(ClassDetail, DeviceClass, f.deviceClasses[0], { all: { 'kubeflash.dev.firmware': f.firmwares } });

    expect(wrapper.find('[data-testid="kubeflash-class-chip"]').text()).toContain('esp32s3');
    expect(wrapper.findAll('[data-testid="kubeflash-class-builds"] tbody tr')).toHaveLength(2);
    expect(wrapper.find('[data-testid="kubeflash-class-builds"]').text()).toContain('%kubeflash.phase.Building%');
    expect(wrapper.findAll('[data-testid="kubeflash-class-schema"] tbody tr')).toHaveLength(6);
    expect(wrapper.find('[data-testid="kubeflash-class-current-firmware"]').text()).toContain('sensor-s3-1.5.0');
    expect(wrapper.find('[data-testid="kubeflash-class-current-sensor-s3-1.5.0"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="kubeflash-class-current-sensor-s3-1.6.0-rc1"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="kubeflash-condition-FirmwareReady"]').text()).toContain('FirmwareSucceeded');
  });

  it('list the devices a group matches', async() => {
    const f = fixture();
    const { wrapper } = await mountDetail(GroupDetail, DeviceGroup, f.deviceGroups[0], { all: { 'kubeflash.dev.device': f.devices } });

    expect(wrapper.findAll('[data-testid="kubeflash-group-devices"] li').map((li) => li.text())).toStrictEqual(['sensor-attic']);
  });

  it('show the cluster MQTT settings, Ready with its reason, the broker link and the fleet summary', async() => {
    const f = fixture();
    const { wrapper } = await mountDetail(ClusterDetail, DevicesCluster, f.devicesClusters[0]);

    expect(wrapper.find('[data-testid="kubeflash-cluster-broker"]').text()).toContain('mqtts://mqtt.home.example:8883');
    expect(wrapper.findAll('[data-testid="kubeflash-condition-Ready"] td').map((td) => td.text()).slice(1)).toStrictEqual([
      '%kubeflash.conditionStatus.True%', 'Reconciled', 'connected to mqtts://mqtt.home.example:8883; 4 managed accounts',
    ]);
    expect(wrapper.find('[data-testid="kubeflash-broker-connected"]').text()).toContain('%kubeflash.yes%');
    expect(wrapper.find('[data-testid="kubeflash-broker-accounts"]').text()).toContain('4');
    const bars = (testid: string) => wrapper.findAll(`[data-testid="${ testid }"] .kubeflash-bar-row`).map((row) => [row.find('.kubeflash-bar-label').text(), row.find('.kubeflash-bar-value').text(), row.find('.kubeflash-bar-segment').attributes('style')]);

    expect(bars('kubeflash-fleet-states')).toStrictEqual([
      ['%kubeflash.state.online%', '1 (33%)', 'width: 33.3%;'], ['%kubeflash.state.offline%', '1 (33%)', 'width: 33.3%;'], ['%kubeflash.state.neverSeen%', '1 (33%)', 'width: 33.3%;'],
    ]);
    expect(bars('kubeflash-fleet-versions')).toStrictEqual([['1.5.0', '1 (50%)', 'width: 50%;'], ['1.4.2', '1 (50%)', 'width: 50%;']]);
  });

  it('show a broker outage and a fleet the operator has not counted yet', async() => {
    const f = fixture();

    f.devicesClusters[0].status = {
      devices:    3,
      conditions: [{
        type: 'Ready', status: 'False', reason: 'BrokerUnreachable', message: 'connect ECONNREFUSED 10.0.0.5:8883', lastTransitionTime: '2026-11-20T10:00:00Z'
      }],
      broker: { connected: false, since: '2026-11-20T10:00:00Z' },
    } as any;
    const { wrapper } = await mountDetail(ClusterDetail, DevicesCluster, f.devicesClusters[0]);

    expect(wrapper.find('[data-testid="kubeflash-condition-Ready"] .bg-error').exists()).toBe(true);
    expect(wrapper.find('[data-testid="kubeflash-condition-Ready"]').text()).toContain('BrokerUnreachable');
    expect(wrapper.find('[data-testid="kubeflash-broker-connected"]').text()).toContain('%kubeflash.no%');
    expect(wrapper.find('[data-testid="kubeflash-fleet-none"]').exists()).toBe(true);
  });
});
