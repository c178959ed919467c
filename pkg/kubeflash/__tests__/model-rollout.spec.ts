import Rollout, { ABORT_ANNOTATION } from '../models/kubeflash.dev.rollout.js';
import DeviceGroup from '../models/kubeflash.dev.devicegroup.js';
import DeviceClass from '../models/kubeflash.dev.deviceclass.js';
import { actionsByName, fixture, makeModel } from './helpers';

describe('Rollout model', () => {
  it('offers pause while running, resume while paused, nothing once finished', () => {
    const f = fixture();
    const running = actionsByName(makeModel(Rollout, f.rollouts[0]).model);
    const pausedData = { ...f.rollouts[0], spec: { ...f.rollouts[0].spec, paused: true } };
    const paused = actionsByName(makeModel(Rollout, pausedData).model);
    const done = actionsByName(makeModel(Rollout, { ...f.rollouts[0], status: { phase: 'Succeeded' } }).model);

    expect([running.pause.enabled, running.resume.enabled, running.abort.enabled]).toStrictEqual([true, false, true]);
    expect([paused.pause.enabled, paused.resume.enabled]).toStrictEqual([false, true]);
    expect([done.pause.enabled, done.resume.enabled, done.abort.enabled]).toStrictEqual([false, false, false]);
  });

  it('pauses, resumes and aborts by saving the object', async() => {
    const f = fixture();
    const { model } = makeModel(Rollout, f.rollouts[0]);
    const saved: any[] = [];

    model.save = jest.fn(async() => {
      saved.push({ paused: model.spec.paused, annotations: { ...(model.metadata.annotations || {}) } });
    });

    await model.pause();
    await model.resume();
    await model.abort();

    expect(saved).toStrictEqual([
      { paused: true, annotations: {} },
      { paused: false, annotations: {} },
      { paused: true, annotations: { [ABORT_ANNOTATION]: 'true' } },
    ]);
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
