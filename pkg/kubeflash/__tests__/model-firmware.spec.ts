import Firmware, { PART_ACTIONS } from '../models/kubeflash.dev.firmware.js';
import { downloadFile } from '@shell/utils/download';
import { actionsByName, fixture, makeModel } from './helpers';

jest.mock('@shell/utils/download', () => ({ downloadFile: jest.fn(() => Promise.resolve()) }));

describe('Firmware model', () => {
  it('offers one download per built part, the manifest, flasher_args.json and the build logs', () => {
    const f = fixture();
    const built = actionsByName(makeModel(Firmware, f.firmwares[0]).model);
    const building = actionsByName(makeModel(Firmware, f.firmwares[1]).model);

    for (const method of Object.values(PART_ACTIONS)) {
      expect(built[method].enabled).toBe(true);
      expect(building[method]).toBeUndefined();
    }
    expect(built.downloadPartitionTable.label).toBe('%kubeflash.actions.downloadPart% {"name":"partition-table"}');
    expect(built.downloadManifest.enabled).toBe(true);
    expect(building.downloadManifest.enabled).toBe(false);
    expect(building.viewBuildLogs.enabled).toBe(true);
  });

  it('downloads a part through the Rancher service proxy to the artifact server', async() => {
    const f = fixture();
    const bytes = new Uint8Array([0xe9, 3, 2, 0x20]);
    const request = jest.fn(() => ({ data: bytes.buffer }));
    const { model } = makeModel(Firmware, f.firmwares[0], { request });

    await model.downloadApp();

    expect(request).toHaveBeenCalledWith(expect.objectContaining({
      url:    '/k8s/clusters/c-m-abc123/api/v1/namespaces/kubeflash-system/services/http:kubeflash-artifacts:8080/proxy/firmware/garage/sensor-s3-1.5.0/app.bin',
      method: 'GET',
    }));
    const [name, content] = (downloadFile as jest.Mock).mock.calls[0];

    expect(name).toBe('sensor-s3-1.5.0-app.bin');
    expect(Array.from(content)).toStrictEqual([0xe9, 3, 2, 0x20]);
  });

  it('writes manifest.json and flasher_args.json for the class chip', async() => {
    const f = fixture();
    const { model } = makeModel(Firmware, f.firmwares[0], { byId: { 'kubeflash.dev.deviceclass:garage/sensor-s3': f.deviceClasses[0] } });

    await model.downloadManifest();
    await model.downloadFlasherArgs();
    const manifest = JSON.parse((downloadFile as jest.Mock).mock.calls[0][1]);
    const args = JSON.parse((downloadFile as jest.Mock).mock.calls[1][1]);

    expect(manifest.builds[0].chipFamily).toBe('ESP32-S3');
    expect(manifest.builds[0].parts.map((p: any) => p.offset)).toStrictEqual([0, 0x8000, 0xe000, 0x10000]);
    expect(args.flash_files).toStrictEqual({
      '0x0': 'bootloader.bin', '0x8000': 'partition-table.bin', '0xe000': 'ota-data-initial.bin', '0x10000': 'app.bin',
    });
    expect(args.extra_esptool_args.chip).toBe('esp32s3');
  });

  it('rolls a successful build out through the Rollout create page', () => {
    const f = fixture();
    const push = jest.fn();
    const { model } = makeModel(Firmware, f.firmwares[0]);

    (window as any).$globalApp.$router.push = push;
    expect(actionsByName(model).createRollout.enabled).toBe(true);
    expect(actionsByName(makeModel(Firmware, f.firmwares[1]).model).createRollout.enabled).toBe(false);
    model.createRollout();
    expect(push).toHaveBeenCalledWith({
      name: 'c-cluster-product-resource-create', params: expect.objectContaining({ resource: 'kubeflash.dev.rollout', cluster: 'c-m-abc123' }), query: { firmware: 'sensor-s3-1.5.0' },
    });
  });

  it('opens the logs of the newest pod of the build job', async() => {
    const f = fixture();
    const older = { metadata: { creationTimestamp: '2026-11-21T10:00:00Z' }, openLogs: jest.fn() };
    const newer = { metadata: { creationTimestamp: '2026-11-21T10:05:00Z' }, openLogs: jest.fn() };
    const { model, dispatch } = makeModel(Firmware, f.firmwares[0], { all: { pod: [older, newer] } });

    await model.viewBuildLogs();

    expect(dispatch).toHaveBeenCalledWith('findMatching', {
      type: 'pod', selector: 'job-name=sensor-s3-1.5.0-build', namespace: 'garage'
    });
    expect(newer.openLogs).toHaveBeenCalled();
    expect(older.openLogs).not.toHaveBeenCalled();
  });
});
