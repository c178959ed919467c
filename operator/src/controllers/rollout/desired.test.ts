import { OtaState, type Device, type Firmware, type Rollout, type RolloutSpec } from '@kubeflash/api';
import { decideRollout, type RolloutInputs } from './desired';
import { attemptStarted, type DeviceLive } from './device-step';

const UID = '0b7c3a52-2c1e-4f7e-9a3d-5a1f0e2b9c11';
const NOW = new Date('2026-01-01T00:10:00Z');
const firmware: Firmware = {
  apiVersion: 'kubeflash.dev/v1alpha1',
  kind: 'Firmware',
  metadata: { name: 'fw', namespace: 'ns', generation: 1 },
  spec: { deviceClassRef: { name: 'c3' }, version: '1.5.0', source: { upload: {} } },
  status: { observedGeneration: 1, phase: 'Succeeded', artifacts: [{ name: 'app', offset: 65536, size: 4096, sha256: 'a'.repeat(64) }], signature: { algorithm: 'ECDSA-P256-SHA256', value: 'MEQ=' }, app: { version: '1.5.0' } },
};
const device = (name: string, fw = '1.4.0', ota?: Device['status'] extends infer S ? S extends { ota?: infer O } ? O : never : never): Device => ({
  apiVersion: 'kubeflash.dev/v1alpha1',
  kind: 'Device',
  metadata: { name, namespace: 'ns', labels: { role: 'sensor' } },
  spec: { deviceClassRef: { name: 'c3' }, devicesClusterRef: { name: 'site' } },
  status: { reported: { firmwareVersion: fw, imageState: 'valid' }, ...(ota ? { ota } : {}) },
});
const rollout = (spec: Partial<RolloutSpec> = {}, status?: Rollout['status']): Rollout => ({
  apiVersion: 'kubeflash.dev/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'r', namespace: 'ns', uid: UID, generation: 1 },
  spec: { firmwareRef: { name: 'fw' }, ...spec },
  ...(status ? { status } : {}),
});
const inputs = (r: Rollout, devices: Device[], over: Partial<RolloutInputs> = {}): RolloutInputs => ({
  rollout: r,
  firmware,
  devices,
  groups: [],
  live: (): DeviceLive => ({ online: true }),
  heldBy: () => undefined,
  cannotSend: () => undefined,
  lastWrite: () => undefined,
  now: NOW,
  ...over,
});
const fleet = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((n) => device(n));

describe('decideRollout', () => {
  it('a dry run previews the waves, skips devices on the version and sends nothing', () => {
    const d = decideRollout(inputs(rollout({ dryRun: true, strategy: { waves: [20, 100] } }), [...fleet, device('k', '1.5.0')]));
    expect(d.status).toMatchObject({ phase: 'Planned', plan: { total: 10, skipped: 1, waves: [{ wave: 1, devices: 2, firstDevices: ['a', 'b'] }, { wave: 2, devices: 8 }] } });
    expect(d.sends).toEqual([]);
    expect(d.events.map((e) => e.reason)).toEqual(['DryRun']);
  });

  it('the start fixes the waves first (written before any command)', () => {
    const d = decideRollout(inputs(rollout({ strategy: { waves: [20, 100] } }), fleet));
    expect(d.membershipFirst).toBe(true);
    expect(d.sends).toEqual([]);
    expect(d.status?.waves?.map((w) => w.devices)).toEqual([['a', 'b'], ['c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']]);
  });

  const started = (extra: Partial<RolloutSpec> = {}) => {
    const first = decideRollout(inputs(rollout({ strategy: { waves: [20, 100], maxConcurrent: 1 }, ...extra }), fleet));
    return rollout({ strategy: { waves: [20, 100], maxConcurrent: 1 }, ...extra }, first.status);
  };

  it('sends within maxConcurrent, only to the open wave and only to online devices', () => {
    const d = decideRollout(inputs(started(), fleet, { live: (n) => ({ online: n !== 'a' }) }));
    expect(d.sends.map((s) => [s.name, s.attempt])).toEqual([['b', 1]]);
    expect(d.sends[0].ota).toMatchObject({ state: 'Pending', commandId: `${UID}/1`, attempt: 1 });
    expect(d.status?.waves?.[0].state).toBe('Running');
  });

  it('does not send to a device held by another running Rollout and says so', () => {
    const d = decideRollout(inputs(rollout({ strategy: { waves: [100] } }), fleet, { heldBy: (n) => (n === 'c' ? 'other' : undefined) }));
    expect(d.status?.conditions?.find((c) => c.type === 'TargetConflict')).toMatchObject({ status: 'True', reason: 'DevicesHeldByOtherRollout' });
    expect(d.status?.waves?.flatMap((w) => w.devices)).not.toContain('c');
    expect(d.status?.conflicts).toEqual([{ device: 'c', rollout: 'other' }]);
  });

  it('aborts when more than failurePercent of at least minFinished devices failed, and sends nothing', () => {
    const r = rollout({ strategy: { waves: [100], maxConcurrent: 10, abort: { failurePercent: 20, minFinished: 3, consecutiveFailures: 0 } } }, {
      phase: 'Progressing',
      waves: [{ wave: 1, state: 'Running', devices: fleet.map((d) => d.metadata.name ?? ''), startTime: '2026-01-01T00:00:00Z' }],
    });
    const failed = (n: string) => device(n, '1.4.0', { ...attemptStarted(undefined, { uid: UID, rolloutName: 'r', version: '1.5.0', settings: {} as never, now: NOW, retriesAllowed: true }, 1, 4096), state: OtaState.Failed, lastError: { reason: 'signature-invalid' } });
    const done = (n: string) => device(n, '1.5.0', { ...attemptStarted(undefined, { uid: UID, rolloutName: 'r', version: '1.5.0', settings: {} as never, now: NOW, retriesAllowed: true }, 1, 4096), state: OtaState.Succeeded });
    const devices = [failed('a'), done('b'), done('c'), ...fleet.slice(3)];
    const d = decideRollout(inputs(r, devices));
    expect(d.status).toMatchObject({ phase: 'Aborted', counts: { failed: 1, succeeded: 2 } });
    expect(d.status?.abortReason).toMatch(/1 of 3 finished devices failed, more than 20%/);
    expect(d.sends).toEqual([]);
    expect(d.events.map((e) => e.reason)).toContain('FailureThresholdExceeded');
  });

  it('waits for approval before the next wave, then starts it', () => {
    const r = rollout({ strategy: { waves: [20, 100], pause: { approval: true } } }, {
      phase: 'Progressing',
      waves: [
        { wave: 1, state: 'Completed', devices: ['a'], completionTime: '2026-01-01T00:05:00Z' },
        { wave: 2, state: 'Pending', devices: ['b'] },
      ],
    });
    const ok = (n: string) => device(n, '1.5.0', { ...attemptStarted(undefined, { uid: UID, rolloutName: 'r', version: '1.5.0', settings: {} as never, now: NOW, retriesAllowed: true }, 1, 4096), state: OtaState.Succeeded });
    const waiting = decideRollout(inputs(r, [ok('a'), device('b')]));
    expect(waiting.status).toMatchObject({ phase: 'WaveApproval', currentWave: 2 });
    expect(waiting.sends).toEqual([]);
    const approved = decideRollout(inputs({ ...r, spec: { ...r.spec, approvedWave: 2 } }, [ok('a'), device('b')]));
    expect(approved.status?.phase).toBe('Progressing');
    expect(approved.sends.map((s) => s.name)).toEqual(['b']);
  });

  it('waits for the Firmware to succeed', () => {
    const d = decideRollout(inputs(rollout(), fleet, { firmware: { ...firmware, status: { phase: 'Pending' } } }));
    expect(d.status).toMatchObject({ phase: 'Pending', conditions: [expect.objectContaining({ type: 'Progressing', reason: 'FirmwareNotReady' })] });
  });
});
