import type { V1Job } from '@kubernetes/client-node';
import type { DeviceClass, Firmware } from '@kubeflash/api';
import { desiredFirmware, type FirmwareInputs } from './desired';
import { DEFAULT_BUILDER_SETTINGS } from './job';
import { MAX_MESSAGE } from './status';

const NOW = new Date('2026-03-01T10:00:00Z');
const cls: DeviceClass = { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DeviceClass', metadata: { name: 'c3', namespace: 'ns' }, spec: { chip: 'esp32c3' } };
const fw = (over: Partial<Firmware['spec']> = {}, status?: Firmware['status']): Firmware => ({
  apiVersion: 'kubeflash.dev/v1alpha1',
  kind: 'Firmware',
  metadata: { name: 'c3-1', namespace: 'ns', uid: 'u1', generation: 1, finalizers: ['kubeflash.dev/firmware-artifacts'] },
  spec: { deviceClassRef: { name: 'c3' }, version: '1.0.0', source: { git: { url: 'https://g.example/r.git' } }, ...over },
  ...(status ? { status } : {}),
});
const job = (status: V1Job['status']): V1Job => ({ metadata: { name: 'c3-1-build-1', labels: { 'kubeflash.dev/firmware-generation': '1' }, creationTimestamp: new Date('2026-03-01T09:59:00Z') }, status });
const building = { observedGeneration: 1, phase: 'Building' as const, jobName: 'c3-1-build-1' };
const inputs = (firmware: Firmware, extra: Partial<FirmwareInputs> = {}): FirmwareInputs => ({ firmware, deviceClass: cls, jobs: [], settings: DEFAULT_BUILDER_SETTINGS, startTimeoutMs: 600_000, ...extra });

describe('desiredFirmware', () => {
  it.each<[string, FirmwareInputs, string, string, string | RegExp]>([
    ['an upload source waits for an upload', inputs(fw({ source: { upload: {} } })), 'Pending', 'AwaitingUpload', 'waiting for an upload of version 1.0.0: kubeflash firmware upload c3-1 -n ns --build-dir <ESP-IDF build folder>'],
    ['a missing class fails the Firmware', inputs(fw(), { deviceClass: undefined }), 'Failed', 'InvalidSpec', 'DeviceClass c3 does not exist in namespace ns'],
    [
      'a failed Job reports its reason and the end of the log',
      inputs(fw({}, building), { jobs: [job({ conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] })], logTail: '[build, exit code 2]\nerror: region `iram0_0_seg` overflowed' }),
      'Failed',
      'BuildFailed',
      'build Job c3-1-build-1 failed: BackoffLimitExceeded: Job has reached the specified backoff limit\n--- end of the build log ---\n[build, exit code 2]\nerror: region `iram0_0_seg` overflowed',
    ],
    ['a completed Job without an upload', inputs(fw({}, building), { jobs: [job({ conditions: [{ type: 'Complete', status: 'True' }] })] }), 'Failed', 'NothingUploaded', 'build Job c3-1-build-1 completed, but no build was uploaded for generation 1'],
  ])('%s', (_sentence, given, phase, reason, message) => {
    const decision = desiredFirmware(given, NOW);
    expect(decision.status?.phase).toBe(phase);
    expect(decision.status?.conditions?.find((c) => c.type === 'Built')?.reason).toBe(reason);
    expect(decision.status?.message).toEqual(message);
    expect(decision.events).toEqual([{ type: phase === 'Failed' ? 'Warning' : 'Normal', reason, message: expect.any(String) }]);
  });

  it('bounds a long log tail, keeping its end', () => {
    const log = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n');
    const decision = desiredFirmware(inputs(fw({}, building), { jobs: [job({ conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] })], logTail: log }), NOW);
    expect(decision.status?.message?.length).toBeLessThanOrEqual(MAX_MESSAGE);
    expect(decision.status?.message).toMatch(/line 1999$/);
    expect(decision.status?.message).toContain('characters cut');
  });

  it('requeues a Job that has not started until the start timeout, then fails and deletes it', () => {
    const waiting = desiredFirmware(inputs(fw({}, { observedGeneration: 1, phase: 'Pending', jobName: 'c3-1-build-1' }), { jobs: [job({})] }), NOW);
    expect(waiting).toEqual({ deleteJobs: [], events: [], requeueAfterMs: 540_000 });
    const late = desiredFirmware(inputs(fw({}, { observedGeneration: 1, phase: 'Pending' }), { jobs: [job({})] }), new Date('2026-03-01T10:10:00Z'));
    expect(late.deleteJobs).toEqual(['c3-1-build-1']);
    expect(late.status?.conditions?.find((c) => c.type === 'Built')?.reason).toBe('BuildTimedOut');
  });

  it('does not count a Job whose pod is only pending as started (the Job controller sets startTime and active at once)', () => {
    const pending = job({ startTime: new Date('2026-03-01T10:00:01Z'), active: 1, ready: 0 });
    const late = desiredFirmware(inputs(fw({}, { observedGeneration: 1, phase: 'Pending' }), { jobs: [pending] }), new Date('2026-03-01T10:10:00Z'));
    expect(late.deleteJobs).toEqual(['c3-1-build-1']);
    const running = desiredFirmware(inputs(fw({}, { observedGeneration: 1, phase: 'Pending' }), { jobs: [job({ startTime: new Date('2026-03-01T10:00:01Z'), active: 1, ready: 1 })] }), new Date('2026-03-01T10:10:00Z'));
    expect(running.deleteJobs).toEqual([]);
    expect(running.status?.phase).toBe('Building');
  });

  it('adds its finalizer first, and leaves a terminal phase of the current generation alone', () => {
    const fresh = fw();
    fresh.metadata.finalizers = [];
    expect(desiredFirmware(inputs(fresh), NOW).addFinalizer).toBe(true);
    expect(desiredFirmware(inputs(fw({}, { observedGeneration: 1, phase: 'Succeeded' })), NOW)).toEqual({ deleteJobs: [], events: [] });
  });
});
