import Rollout from '../models/kubeflash.dev.rollout.js';
import DeviceGroup from '../models/kubeflash.dev.devicegroup.js';
import DeviceClass from '../models/kubeflash.dev.deviceclass.js';
import { actionsByName, fixture, makeModel, patchRecorder } from './helpers';

describe('Rollout model', () => {
  const withStatus = (f: any, spec: Record<string, unknown>, status: Record<string, unknown> = {}) => ({
    ...f.rollouts[0], spec: { ...f.rollouts[0].spec, ...spec }, status: { ...f.rollouts[0].status, ...status }
  });
  const enabled = (data: any) => {
    const a = actionsByName(makeModel(Rollout, data).model);

    return Object.fromEntries(['start', 'pause', 'resume', 'approve', 'abort', 'makeClassVersion'].map((n) => [n, a[n].enabled]));
  };

  it('offers each control only when the operator would act on it', () => {
    const f = fixture();

    expect(enabled(f.rollouts[0])).toStrictEqual({
      start: false, pause: true, resume: false, approve: false, abort: true, makeClassVersion: false
    });
    expect(enabled(withStatus(f, { dryRun: true }, { phase: 'Planned' }))).toMatchObject({
      start: true, pause: false, abort: true
    });
    expect(enabled(withStatus(f, { paused: true }, { phase: 'Paused' }))).toMatchObject({ pause: false, resume: true });
    expect(enabled(withStatus(f, {}, { phase: 'WaveApproval' }))).toMatchObject({ approve: true });
    expect(enabled(withStatus(f, {}, { phase: 'Succeeded' }))).toStrictEqual({
      start: false, pause: false, resume: false, approve: false, abort: false, makeClassVersion: true
    });
    expect(enabled(withStatus(f, { abort: true }, { phase: 'Progressing' }))).toMatchObject({ pause: false, abort: false });
  });

  it('sets the spec fields the operator reads: dryRun, paused, approvedWave (the waiting wave), abort after asking', async() => {
    const f = fixture();
    const waves = f.rollouts[0].status.waves.map((w: any) => (w.wave === 3 ? w : { ...w, state: 'Completed' }));
    const recorder = patchRecorder();
    const { model, dispatch } = makeModel(Rollout, withStatus(f, { dryRun: true }, {
      phase: 'WaveApproval', currentWave: 2, waves
    }), { request: recorder.request });

    await model.start();
    await model.pause();
    await model.resume();
    await model.approve();
    model.abort();
    expect(recorder.patches).toHaveLength(4);
    await dispatch.mock.calls.find(([a]) => a === 'promptModal')[1].componentProps.applyAction(jest.fn());

    // Only the changed field, as a JSON Patch (no resourceVersion: the operator's status writes cannot conflict).
    expect(recorder.patches).toStrictEqual([['replace', 'dryRun', false], ['replace', 'paused', true], ['replace', 'paused', false], ['replace', 'approvedWave', 3], ['add', 'abort', true]].map(([op, field, value]) => [{
      op, path: `/spec/${ field }`, value
    }]).map((data) => ({
      method: 'patch', url: '/k8s/clusters/c-m-abc123/apis/kubeflash.dev/v1alpha1/namespaces/garage/rollouts/sensors-1.5.0', contentType: 'application/json-patch+json', data
    })));
    expect([model.spec.dryRun, model.spec.paused, model.spec.approvedWave, model.spec.abort]).toStrictEqual([false, false, 3, true]);
    expect(model.metadata.annotations || {}).toStrictEqual({});
  });

  it('makes the rolled-out version the class version, keeping the class firmware source', async() => {
    const f = fixture();
    const recorder = patchRecorder();
    const { model: deviceClass } = makeModel(DeviceClass, { ...f.deviceClasses[0], spec: { ...f.deviceClasses[0].spec, firmware: { ...f.deviceClasses[0].spec.firmware, version: '1.4.2' } } }, { request: recorder.request });
    const { model, dispatch } = makeModel(Rollout, withStatus(f, {}, { phase: 'Succeeded', targetVersion: '1.5.0' }), { byId: { 'kubeflash.dev.firmware:garage/sensor-s3-1.5.0': f.firmwares[0], 'kubeflash.dev.deviceclass:garage/sensor-s3': deviceClass } });

    model.makeClassVersion();
    expect(recorder.patches).toStrictEqual([]);
    await dispatch.mock.calls.find(([a]) => a === 'promptModal')[1].componentProps.applyAction(jest.fn());

    expect(recorder.patches.map((x) => x.data)).toStrictEqual([[{
      op: 'replace', path: '/spec/firmware/version', value: '1.5.0'
    }]]);
    expect(deviceClass.spec.firmware).toStrictEqual({ ...f.deviceClasses[0].spec.firmware, version: '1.5.0' });
  });

  it('refuses to set a class version when the Firmware is gone, saying which rollout', async() => {
    const f = fixture();
    const { model } = makeModel(Rollout, withStatus(f, {}, { phase: 'Succeeded', targetVersion: undefined }));

    await expect(model.setClassVersion()).rejects.toThrow('%kubeflash.errors.noRolloutClass% {"name":"sensors-1.5.0"}');
  });
});

describe('DeviceGroup and DeviceClass models', () => {
  it('lists the devices of its namespace that the selector matches', async() => {
    const f = fixture();
    const other = { ...f.devices[0], metadata: { ...f.devices[0].metadata, namespace: 'elsewhere' } };
    const { model } = makeModel(DeviceGroup, f.deviceGroups[0], { all: { 'kubeflash.dev.device': [...f.devices, other] } });

    expect((await model.matchingDevices()).map((d: any) => d.metadata.name)).toStrictEqual(['sensor-attic']);
  });

  it('lists the firmware builds of the class, newest first', async() => {
    const f = fixture();
    const foreign = { ...f.firmwares[0], spec: { ...f.firmwares[0].spec, deviceClassRef: { name: 'other' } } };

    f.firmwares[1].metadata.creationTimestamp = '2026-11-22T07:58:00Z';
    const { model } = makeModel(DeviceClass, f.deviceClasses[0], { all: { 'kubeflash.dev.firmware': [f.firmwares[0], foreign, f.firmwares[1]] } });

    expect((await model.firmwareBuilds()).map((b: any) => b.metadata.name)).toStrictEqual(['sensor-s3-1.6.0-rc1', 'sensor-s3-1.5.0']);
  });
});
