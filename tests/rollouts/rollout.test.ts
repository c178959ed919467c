/**
 * Rollouts end to end: the operator's rollout controller sends cmd/ota through a real broker (mosquitto with
 * dynamic security when installed) to virtual devices, which download the signed image from the artifact service
 * (Range, per-device signed URLs), verify it with their ota_pubkey, reboot into pending-verify and confirm.
 */
import { jest } from '@jest/globals';
import { CoreV1Api } from '@kubernetes/client-node';
import { eventually } from '@kubeflash/devcluster/testing';
import { NEW_VERSION, RolloutWorld } from './support';

jest.setTimeout(240_000);

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`);
const FAST = { progressTimeoutSeconds: 10, deviceTimeoutSeconds: 60, retryBackoffSeconds: 1 };
const world = new RolloutWorld({ namespacePrefix: 'kf-rollout' });

beforeAll(async () => {
  await world.start();
});
afterAll(async () => {
  await world.stop();
});

describe('a rollout to 20 virtual devices in 3 waves', () => {
  const fleet = names('wave', 20);

  it('updates every device wave by wave, each after its health check, with one command per device', async () => {
    await world.addDevices(fleet, { labels: { suite: 'waves' } });
    await world.createRollout('waves', { selector: { matchLabels: { suite: 'waves' } }, strategy: { waves: [10, 50, 100], maxConcurrent: 5, ...FAST }, healthCheck: { minOnlineSeconds: 1 } });
    const done = await world.untilPhase('waves', ['Succeeded', 'Aborted'], 120_000);
    expect(done.status).toMatchObject({ phase: 'Succeeded', targetVersion: NEW_VERSION, counts: { total: 20, succeeded: 20, failed: 0, pending: 0, inProgress: 0 } });
    expect(done.status?.waves?.map((w) => [w.wave, w.state, w.devices.length])).toEqual([[1, 'Completed', 2], [2, 'Completed', 8], [3, 'Completed', 10]]);
    // Waves ran in order: each started after the previous one completed.
    const [w1, w2, w3] = done.status?.waves ?? [];
    expect(Date.parse(w2.startTime ?? '')).toBeGreaterThanOrEqual(Date.parse(w1.completionTime ?? ''));
    expect(Date.parse(w3.startTime ?? '')).toBeGreaterThanOrEqual(Date.parse(w2.completionTime ?? ''));
    for (const name of fleet) expect(world.devices.get(name)?.board).toMatchObject({ firmwareVersion: NEW_VERSION, imageState: 'valid', partition: 'ota_1' });
    const commands = world.commandsTo(fleet);
    expect(commands).toHaveLength(20);
    expect(new Set(commands.map((c) => c.device)).size).toBe(20);
    // Per-device signed URLs of the content address.
    expect(commands[0].url).toMatch(/\/blobs\/sha256\/[0-9a-f]{64}\?device=.+&expires=\d+&sig=[A-Za-z0-9_-]{43}$/);
    const device = await world.readDevice(fleet[0]);
    expect(device.status?.ota).toMatchObject({ state: 'Succeeded', targetVersion: NEW_VERSION, rolloutName: 'waves', attempt: 1, progress: 100 });
    expect(device.status?.ota?.history?.[0]).toMatchObject({ version: NEW_VERSION, result: 'Succeeded', rolloutName: 'waves' });
    expect(device.status?.reported?.firmwareVersion).toBe(NEW_VERSION);
    const events = (await world.kubeConfig.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: world.ns })).items.filter((e) => e.involvedObject.name === 'waves');
    expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(['WaveInProgress', 'WaveCompleted', 'AllWavesCompleted']));
  });
});

describe('abort criteria', () => {
  it('aborts at the failure threshold when 30% of the devices reject the signature, and sends nothing after that', async () => {
    const fleet = names('sig', 20);
    // Sorted by name, the failing devices come first: the threshold is crossed before the good ones are reached.
    const bad = fleet.slice(0, 6);
    await world.addDevices(fleet, { labels: { suite: 'sig' }, faults: Object.fromEntries(bad.map((n) => [n, { otaBadSignature: true }])) });
    await world.createRollout('sig', { selector: { matchLabels: { suite: 'sig' } }, strategy: { waves: [100], maxConcurrent: 2, abort: { failurePercent: 20, minFinished: 5, consecutiveFailures: 0 }, ...FAST }, healthCheck: { minOnlineSeconds: 0 } });
    const aborted = await world.untilPhase('sig', ['Aborted', 'Succeeded'], 90_000);
    expect(aborted.status?.phase).toBe('Aborted');
    expect(aborted.status?.abortReason).toMatch(/finished devices failed, more than 20%/);
    expect(aborted.status?.failedDevices?.map((f) => f.reason)).toEqual(expect.arrayContaining(['signature-invalid']));
    const condition = aborted.status?.conditions?.find((c) => c.type === 'Aborted');
    expect(condition).toMatchObject({ status: 'True', reason: 'FailureThresholdExceeded' });
    const sent = world.commandsTo(fleet).length;
    // maxConcurrent 2: at most the devices judged plus the ones in flight got a command, never the whole fleet.
    expect(sent).toBeLessThanOrEqual(7);
    await new Promise((r) => setTimeout(r, 3000));
    expect(world.commandsTo(fleet)).toHaveLength(sent);
    const failed = await world.readDevice(bad[0]);
    expect(failed.status?.ota).toMatchObject({ state: 'Failed', lastError: { reason: 'signature-invalid' } });
    expect(world.devices.get(bad[0])?.board.firmwareVersion).toBe('1.4.0');
  });

  it('counts a rollback as a failure with reason rollback', async () => {
    const fleet = names('rb', 2);
    await world.addDevices(fleet, { labels: { suite: 'rb' }, faults: { [fleet[0]]: { otaCrashAfterBoot: true } } });
    await world.createRollout('rb', { selector: { matchLabels: { suite: 'rb' } }, strategy: { waves: [100], maxConcurrent: 2, abort: { failurePercent: 100 }, ...FAST }, healthCheck: { minOnlineSeconds: 0 } });
    const done = await world.untilPhase('rb', ['Succeeded', 'Aborted'], 90_000);
    expect(done.status?.counts).toMatchObject({ succeeded: 1, failed: 1 });
    expect(done.status?.failedDevices).toEqual([expect.objectContaining({ name: fleet[0], reason: 'rollback' })]);
    const device = await world.readDevice(fleet[0]);
    expect(device.status?.ota).toMatchObject({ state: 'RolledBack', lastError: { reason: 'rollback' } });
    expect(device.status?.ota?.history?.[0]).toMatchObject({ result: 'RolledBack', reason: 'rollback' });
    expect(world.devices.get(fleet[0])?.board).toMatchObject({ firmwareVersion: '1.4.0', imageState: 'valid' });
    // Rollback is final: no second attempt.
    expect(world.commandsTo([fleet[0]])).toHaveLength(1);
  });
});

describe('the device side', () => {
  it('resumes a download cut mid-way with Range and succeeds', async () => {
    const [name] = names('cut', 1);
    await world.addDevices([name], { labels: { suite: 'cut' }, faults: { [name]: { otaCutAtByte: 20_000 } } });
    await world.createRollout('cut', { devices: [name], strategy: { waves: [100], ...FAST }, healthCheck: { minOnlineSeconds: 0 } });
    const done = await world.untilPhase('cut', ['Succeeded', 'Aborted'], 60_000);
    expect(done.status?.counts).toMatchObject({ succeeded: 1, failed: 0 });
    expect(world.commandsTo([name])).toHaveLength(1);
    expect(world.devices.get(name)?.board.firmwareVersion).toBe(NEW_VERSION);
  });

  it('retries after a power loss during the download (no-progress), with the next attempt number', async () => {
    const [name] = names('power', 1);
    await world.addDevices([name], { labels: { suite: 'power' }, faults: { [name]: { otaPowerLossAt: 'downloading' } } });
    await world.createRollout('power', { devices: [name], strategy: { waves: [100], ...FAST }, healthCheck: { minOnlineSeconds: 0 } });
    const done = await world.untilPhase('power', ['Succeeded', 'Aborted'], 90_000);
    expect(done.status?.counts).toMatchObject({ succeeded: 1 });
    const ids = world.commandsTo([name]).map((c) => c.id.split('/')[1]);
    expect(ids).toEqual(['1', '2']);
    const device = await world.readDevice(name);
    expect(device.status?.ota?.history?.map((h) => [h.result, h.reason])).toEqual([['Succeeded', undefined], ['Failed', 'no-progress']]);
  });
});

describe('operator restarts, pause, dynamic targets', () => {
  it('resumes after the operator is killed mid-wave without sending any attempt twice', async () => {
    const fleet = names('kill', 8);
    await world.addDevices(fleet, { labels: { suite: 'kill' } });
    await world.createRollout('kill', { selector: { matchLabels: { suite: 'kill' } }, strategy: { waves: [50, 100], maxConcurrent: 2, ...FAST }, healthCheck: { minOnlineSeconds: 2 } });
    await eventually(() => (world.commandsTo(fleet).length >= 2 ? true : undefined), 'the first commands');
    await world.operator.stop();
    await new Promise((r) => setTimeout(r, 1500));
    await world.startOperator();
    const done = await world.untilPhase('kill', ['Succeeded', 'Aborted'], 120_000);
    expect(done.status?.counts).toMatchObject({ succeeded: 8, failed: 0 });
    // Command ids are <rollout uid>/<attempt>: no device got the same attempt twice, and every device got one.
    const sent = world.commandsTo(fleet).map((c) => `${c.device} ${c.id}`);
    expect(new Set(sent).size).toBe(sent.length);
    expect(new Set(world.commandsTo(fleet).map((c) => c.device)).size).toBe(8);
  });

  it('pause stops new commands while the ones in flight finish; resume goes on', async () => {
    const fleet = names('pause', 6);
    await world.addDevices(fleet, { labels: { suite: 'pause' } });
    await world.createRollout('pause', { selector: { matchLabels: { suite: 'pause' } }, strategy: { waves: [100], maxConcurrent: 2, ...FAST }, healthCheck: { minOnlineSeconds: 3 } });
    await eventually(() => (world.commandsTo(fleet).length >= 2 ? true : undefined), 'the first two commands');
    await world.patchRollout('pause', { paused: true });
    const paused = await world.untilPhase('pause', ['Paused']);
    expect(paused.status?.conditions?.find((c) => c.type === 'Paused')).toMatchObject({ status: 'True', reason: 'PausedByUser' });
    const sent = world.commandsTo(fleet).length;
    // The two in flight finish (health check of 3 s) while nothing new is sent.
    await eventually(async () => ((await world.readRollout('pause')).status?.counts?.succeeded === sent ? true : undefined), 'the in-flight updates finished', 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(world.commandsTo(fleet)).toHaveLength(sent);
    await world.patchRollout('pause', { paused: false });
    const done = await world.untilPhase('pause', ['Succeeded', 'Aborted'], 90_000);
    expect(done.status?.counts).toMatchObject({ succeeded: 6 });
  });

  it('waits for approval between waves, goes on when approved, and stops for good on abort (JSON Patches, as the extension sends them through Steve)', async () => {
    const fleet = names('gate', 6);
    await world.addDevices(fleet, { labels: { suite: 'gate' } });
    await world.createRollout('gate', { selector: { matchLabels: { suite: 'gate' } }, dryRun: true, strategy: { waves: [34, 67, 100], maxConcurrent: 2, pause: { approval: true }, ...FAST }, healthCheck: { minOnlineSeconds: 1 } });
    await world.untilPhase('gate', ['Planned']);
    await world.controlRollout('gate', 'dryRun', false, 'replace');
    const waiting = await world.untilPhase('gate', ['WaveApproval'], 60_000);
    expect(waiting.status?.message).toMatch(/wave 2 waits for approval \(set spec.approvedWave to 2\)/);
    expect(waiting.status?.waves?.map((w) => w.state)).toEqual(['Completed', 'Pending', 'Pending']);
    const firstWave = waiting.status?.waves?.[0].devices ?? [];
    expect(world.commandsTo(fleet).map((c) => c.device).sort()).toEqual([...firstWave].sort());

    await world.controlRollout('gate', 'approvedWave', 2);
    const secondWave = (await world.readRollout('gate')).status?.waves?.[1].devices ?? [];
    await eventually(async () => ((await world.readRollout('gate')).status?.phase === 'WaveApproval' && (await world.readRollout('gate')).status?.waves?.[1].state === 'Completed' ? true : undefined), 'wave 2 done, wave 3 waiting', 60_000);
    await world.controlRollout('gate', 'abort', true);
    const aborted = await world.untilPhase('gate', ['Aborted']);
    expect(aborted.status?.conditions?.find((c) => c.type === 'Aborted')).toMatchObject({ status: 'True', reason: 'AbortedByUser' });
    expect(aborted.status?.waves?.map((w) => w.state)).toEqual(['Completed', 'Completed', 'Pending']);
    // Approving the third wave after the abort changes nothing: aborted is final.
    await world.controlRollout('gate', 'approvedWave', 3, 'replace');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await world.readRollout('gate')).status?.phase).toBe('Aborted');
    expect(world.commandsTo(fleet).map((c) => c.device).sort()).toEqual([...firstWave, ...secondWave].sort());
  });

  it('lets devices that start matching join a dynamic rollout', async () => {
    const first = names('dyn', 2);
    await world.addDevices(first, { labels: { suite: 'dyn' } });
    const late = names('dynlate', 2);
    await world.addDevices(late, { labels: { suite: 'other' } });
    await world.createRollout('dyn', { selector: { matchLabels: { suite: 'dyn' } }, dynamic: true, strategy: { waves: [50, 100], maxConcurrent: 1, ...FAST }, healthCheck: { minOnlineSeconds: 3 } });
    await eventually(() => (world.commandsTo(first).length >= 1 ? true : undefined), 'the first command');
    const { CustomObjectsApi, PatchStrategy, setHeaderOptions } = await import('@kubernetes/client-node');
    for (const n of late) {
      await world.kubeConfig.makeApiClient(CustomObjectsApi).patchNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: world.ns, plural: 'devices', name: n, body: { metadata: { labels: { suite: 'dyn' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    }
    const done = await world.untilPhase('dyn', ['Succeeded', 'Aborted'], 90_000);
    expect(done.status?.counts).toMatchObject({ total: 4, succeeded: 4 });
    expect(done.status?.waves?.[1].devices).toEqual(expect.arrayContaining(late));
  });
});

describe('targets, dry run, conflicts', () => {
  it('targets by names, MACs and groups pick exactly those devices; a dry run sends nothing', async () => {
    const fleet = names('pick', 6);
    const macs = { [fleet[1]]: '34:85:18:6a:20:02' };
    await world.addDevices(fleet, { labels: { suite: 'pick' }, macs });
    await world.addDevices(['pick-grouped'], { labels: { suite: 'pick', floor: 'two' } });
    const { create } = await import('../artifacts/support');
    await create(world.kubeConfig, world.ns, 'devicegroups', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DeviceGroup', metadata: { name: 'upstairs' }, spec: { selector: { matchLabels: { floor: 'two' } } } });
    await world.createRollout('pick', { devices: [fleet[0]], macAddresses: ['34:85:18:6A:20:02'], deviceGroups: ['upstairs'], dryRun: true, strategy: { waves: [100], ...FAST }, healthCheck: { minOnlineSeconds: 0 } });
    const planned = await world.untilPhase('pick', ['Planned']);
    expect(planned.status?.plan).toMatchObject({ total: 3, waves: [{ wave: 1, percent: 100, devices: 3, firstDevices: [fleet[0], fleet[1], 'pick-grouped'] }] });
    await new Promise((r) => setTimeout(r, 1500));
    expect(world.commandsTo([...fleet, 'pick-grouped'])).toHaveLength(0);
    await world.patchRollout('pick', { dryRun: false });
    const done = await world.untilPhase('pick', ['Succeeded', 'Aborted'], 60_000);
    expect(done.status?.counts).toMatchObject({ total: 3, succeeded: 3 });
    expect(world.commandsTo([...fleet, 'pick-grouped']).map((c) => c.device).sort()).toEqual([fleet[0], fleet[1], 'pick-grouped']);
  });

  it('sends nothing to devices held by another running Rollout and names it in a condition', async () => {
    const fleet = names('held', 2);
    await world.addDevices(fleet, { labels: { suite: 'held' } });
    await world.createRollout('holder', { selector: { matchLabels: { suite: 'held' } }, strategy: { waves: [100], maxConcurrent: 1, ...FAST }, healthCheck: { minOnlineSeconds: 4 } });
    await eventually(() => (world.commandsTo(fleet).length >= 1 ? true : undefined), 'the holder sent');
    await world.createRollout('second', { selector: { matchLabels: { suite: 'held' } }, strategy: { waves: [100], ...FAST } });
    const second = await eventually(async () => {
      const r = await world.readRollout('second');
      return r.status?.conditions?.find((c) => c.type === 'TargetConflict')?.status === 'True' ? r : undefined;
    }, 'TargetConflict on the second Rollout');
    expect(second.status?.conditions?.find((c) => c.type === 'TargetConflict')?.message).toMatch(/held by running Rollout holder/);
    expect(second.status?.conflicts?.map((c) => c.rollout)).toEqual(['holder', 'holder']);
    await world.untilPhase('holder', ['Succeeded'], 60_000);
    const ids = world.commandsTo(fleet).map((c) => c.id.split('/')[0]);
    const holderUid = (await world.readRollout('holder')).metadata.uid;
    expect(ids.every((id) => id === holderUid)).toBe(true);
  });
});
