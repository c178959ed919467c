import { OtaState, ROLLOUT_DEFAULTS } from '@kubeflash/api';
import { DeviceOutcome, attemptStarted, stepDevice, type DeviceLive, type DeviceOta, type StepContext } from './device-step';

const UID = '0b7c3a52-2c1e-4f7e-9a3d-5a1f0e2b9c11';
const T0 = Date.parse('2026-01-01T00:00:00Z');
const ctx = (seconds: number, over: Partial<StepContext> = {}): StepContext => ({
  uid: UID,
  rolloutName: 'r',
  version: '1.5.0',
  settings: { ...ROLLOUT_DEFAULTS, minOnlineSeconds: 60, progressTimeoutSeconds: 300, deviceTimeoutSeconds: 1800, maxAttempts: 3, retryBackoffSeconds: 30 },
  now: new Date(T0 + seconds * 1000),
  retriesAllowed: true,
  ...over,
});
const sent = (attempt = 1): DeviceOta => attemptStarted(undefined, ctx(0), attempt, 4096);
const id = (attempt = 1) => `${UID}/${attempt}`;
const online: DeviceLive = { online: true, fw: '1.4.0', imageState: 'valid' };

describe('stepDevice', () => {
  it('a device without an attempt of this rollout is pending, due for attempt 1', () => {
    expect(stepDevice(undefined, online, ctx(0))).toEqual({ outcome: DeviceOutcome.Pending, due: 1 });
    const other = { ...sent(), commandId: '11111111-2c1e-4f7e-9a3d-5a1f0e2b9c11/1' };
    expect(stepDevice(other, online, ctx(0)).outcome).toBe(DeviceOutcome.Pending);
  });

  it('folds download progress as progress-only changes (written at most every few seconds)', () => {
    const first = stepDevice(sent(), { ...online, ota: { commandId: id(), progress: { id: id(), state: 'downloading', bytes: 1024, total: 4096 }, progressAt: new Date(T0 + 1000) } }, ctx(1));
    expect(first).toMatchObject({ outcome: DeviceOutcome.InProgress, progressOnly: true, ota: { state: OtaState.Downloading, bytes: 1024, progress: 25 } });
    const later = stepDevice(first.ota, { ...online, ota: { commandId: id(), progress: { id: id(), state: 'downloading', bytes: 3072, total: 4096 }, progressAt: new Date(T0 + 2000) } }, ctx(2));
    expect(later).toMatchObject({ progressOnly: true, ota: { progress: 75 } });
  });

  it('passes the health gate only after minOnlineSeconds online with the new version', () => {
    const live: DeviceLive = { online: true, fw: '1.5.0', imageState: 'valid', ota: { commandId: id(), result: { id: id(), result: 'success', version: '1.5.0' } } };
    const check = stepDevice(sent(), live, ctx(10));
    expect(check).toMatchObject({ outcome: DeviceOutcome.InProgress, ota: { state: OtaState.HealthCheck, healthCheckStartTime: '2026-01-01T00:00:10Z' }, wakeAt: T0 + 70_000 });
    // Offline during the check: the clock restarts when it is back.
    const away = stepDevice(check.ota, { ...live, online: false }, ctx(30));
    expect(away.ota?.healthCheckStartTime).toBeUndefined();
    const back = stepDevice(away.ota, live, ctx(40));
    expect(back.ota?.healthCheckStartTime).toBe('2026-01-01T00:00:40Z');
    expect(stepDevice(back.ota, live, ctx(99)).outcome).toBe(DeviceOutcome.InProgress);
    const done = stepDevice(back.ota, live, ctx(100));
    expect(done).toMatchObject({ outcome: DeviceOutcome.Succeeded, ota: { state: OtaState.Succeeded }, ended: { result: 'Succeeded' } });
    expect(done.ota?.history?.[0]).toMatchObject({ result: 'Succeeded', commandId: id() });
  });

  it.each([
    ['download-failed', 'retries after the backoff', DeviceOutcome.InProgress, OtaState.Failed, true],
    ['busy', 'retries after the backoff', DeviceOutcome.InProgress, OtaState.Failed, true],
    ['signature-invalid', 'is final', DeviceOutcome.Failed, OtaState.Failed, false],
    ['rollback', 'is final as RolledBack', DeviceOutcome.Failed, OtaState.RolledBack, false],
  ] as const)('a %s result %s', (reason, _what, outcome, state, retry) => {
    const step = stepDevice(sent(), { ...online, ota: { commandId: id(), result: { id: id(), result: 'failed', reason, version: '1.4.0' } } }, ctx(5));
    expect(step.outcome).toBe(outcome);
    expect(step.ota).toMatchObject({ state, lastError: { reason } });
    expect(step.ota?.retryAfter !== undefined).toBe(retry);
    if (retry) {
      expect(step.ota?.retryAfter).toBe('2026-01-01T00:00:35Z');
      expect(stepDevice(step.ota, online, ctx(34))).toMatchObject({ outcome: DeviceOutcome.InProgress, wakeAt: T0 + 35_000 });
      expect(stepDevice(step.ota, online, ctx(35))).toMatchObject({ outcome: DeviceOutcome.InProgress, due: 2 });
      // Once the rollout stops (abort), a waiting retry becomes final.
      expect(stepDevice(step.ota, online, ctx(35, { retriesAllowed: false })).outcome).toBe(DeviceOutcome.Failed);
    }
  });

  it('the last attempt of a retryable failure is final', () => {
    const step = stepDevice(sent(3), { ...online, ota: { commandId: id(3), result: { id: id(3), result: 'failed', reason: 'download-failed', version: '1.4.0' } } }, ctx(5));
    expect(step).toMatchObject({ outcome: DeviceOutcome.Failed, ota: { state: OtaState.Failed } });
    expect(step.ota?.retryAfter).toBeUndefined();
  });

  it('times out an attempt without reports (no-progress, retried) and one that never finishes (timeout, final)', () => {
    expect(stepDevice(sent(), online, ctx(299)).outcome).toBe(DeviceOutcome.InProgress);
    expect(stepDevice(sent(), online, ctx(300))).toMatchObject({ outcome: DeviceOutcome.InProgress, ota: { lastError: { reason: 'no-progress' }, retryAfter: expect.any(String) } });
    const checking: DeviceOta = { ...sent(), state: OtaState.HealthCheck, updateTime: '2026-01-01T00:29:00Z' };
    expect(stepDevice(checking, { ...online, online: false }, ctx(1800))).toMatchObject({ outcome: DeviceOutcome.Failed, ota: { lastError: { reason: 'offline' } } });
  });

  it('takes a status with the new version marked valid as installed when the result was lost', () => {
    const rebooting: DeviceOta = { ...sent(), state: OtaState.Rebooting };
    expect(stepDevice(rebooting, { online: true, fw: '1.5.0', imageState: 'valid' }, ctx(20)).ota?.state).toBe(OtaState.HealthCheck);
    // Still pending verification: nothing changes yet.
    const waiting = stepDevice(rebooting, { online: true, fw: '1.5.0', imageState: 'pending-verify' }, ctx(20));
    expect(waiting.outcome).toBe(DeviceOutcome.InProgress);
    expect(waiting.ota).toBeUndefined();
  });

  it('keeps at most 10 results in the history, newest first', () => {
    const history = Array.from({ length: 10 }, (_, i) => ({ version: '1.0.0', result: 'Failed' as const, time: `2025-01-01T00:00:0${i % 10}Z` }));
    const step = stepDevice({ ...sent(), history }, { ...online, ota: { commandId: id(), result: { id: id(), result: 'failed', reason: 'no-space', version: '1.4.0' } } }, ctx(5));
    expect(step.ota?.history).toHaveLength(10);
    expect(step.ota?.history?.[0]).toMatchObject({ reason: 'no-space', version: '1.5.0' });
  });
});
