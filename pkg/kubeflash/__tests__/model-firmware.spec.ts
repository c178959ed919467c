import Firmware, { PART_ACTIONS } from '../models/kubeflash.dev.firmware.js';
import { downloadFile } from '@shell/utils/download';
import { actionsByName, fixture, makeModel, patchRecorder } from './helpers';

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

  it('downloads manifest.json, flasher_args.json and the zip of all parts from the artifact service', async() => {
    const f = fixture();
    const request = jest.fn((opt: any) => ({ data: new TextEncoder().encode(opt.url.split('/').pop()).buffer }));
    const { model } = makeModel(Firmware, f.firmwares[0], { request });

    expect(actionsByName(model).downloadZip.enabled).toBe(true);
    await model.downloadManifest();
    await model.downloadFlasherArgs();
    await model.downloadZip();

    const proxy = '/k8s/clusters/c-m-abc123/api/v1/namespaces/kubeflash-system/services/http:kubeflash-artifacts:8080/proxy/firmware/garage/sensor-s3-1.5.0/';

    expect(request.mock.calls.map(([opt]) => opt.url)).toStrictEqual([`${ proxy }manifest.json`, `${ proxy }flasher_args.json`, `${ proxy }sensor-s3-1.5.0.zip`]);
    expect((downloadFile as jest.Mock).mock.calls.map(([name, content]) => [name, new TextDecoder().decode(content)])).toStrictEqual([
      ['sensor-s3-1.5.0-manifest.json', 'manifest.json'], ['sensor-s3-1.5.0-flasher_args.json', 'flasher_args.json'], ['sensor-s3-1.5.0.zip', 'sensor-s3-1.5.0.zip'],
    ]);
  });

  it('shows a growl naming the failure when the artifact service refuses a download', async() => {
    const f = fixture();
    const { model, dispatch } = makeModel(Firmware, f.firmwares[0], { request: () => Promise.reject(new Error('409 Firmware garage/sensor-s3-1.5.0 has no artifacts yet')) });

    await model.downloadZip();

    expect(downloadFile).not.toHaveBeenCalled();
    expect(dispatch).toHaveBeenCalledWith('growl/error', { title: '%kubeflash.errors.downloadFailed% {"message":"409 Firmware garage/sensor-s3-1.5.0 has no artifacts yet"}', message: '409 Firmware garage/sensor-s3-1.5.0 has no artifacts yet' }, { root: true });
  });

  it('rebuilds a git build after asking, by setting spec.buildRequest; uploaded builds are not rebuilt here', async() => {
    const f = fixture();
    const recorder = patchRecorder();
    const { model, dispatch } = makeModel(Firmware, f.firmwares[0], { request: recorder.request });
    const upload = makeModel(Firmware, { ...f.firmwares[0], spec: { ...f.firmwares[0].spec, source: { upload: {} } } }).model;

    expect(actionsByName(model).rebuild.enabled).toBe(true);
    expect(actionsByName(upload).rebuild.enabled).toBe(false);

    model.rebuild();
    expect(recorder.patches).toStrictEqual([]);
    const [action, prompt] = dispatch.mock.calls.find(([a]) => a === 'promptModal') as any[];

    expect(action).toBe('promptModal');
    expect(prompt).toMatchObject({ component: 'GenericPrompt', componentProps: { title: '%kubeflash.firmware.rebuildTitle% {"name":"sensor-s3-1.5.0"}', applyMode: 'rebuild' } });
    const done = jest.fn();
    const before = Date.now();

    await prompt.componentProps.applyAction(done);

    expect(done).toHaveBeenCalledWith(true);
    expect(recorder.patches).toStrictEqual([{
      method:      'patch',
      url:         '/k8s/clusters/c-m-abc123/apis/kubeflash.dev/v1alpha1/namespaces/garage/firmwares/sensor-s3-1.5.0',
      contentType: 'application/json-patch+json',
      data:        [{
        op: 'add', path: '/spec/buildRequest', value: expect.any(String)
      }]
    }]);
    expect(Date.parse(recorder.patches[0].data[0].value)).toBeGreaterThanOrEqual(before - 1000);
    expect(model.spec).toStrictEqual({ ...f.firmwares[0].spec, buildRequest: recorder.patches[0].data[0].value });
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
