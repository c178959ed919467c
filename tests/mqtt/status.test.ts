/**
 * Status ingest end to end (mosquitto with dynamic security when installed, else the embedded broker): virtual
 * devices booted from their config.bin report; the operator folds it into Device status (Online from status
 * and the last will, registration checks, FirmwareCurrent), exports telemetry, keeps dead letters of invalid
 * messages, answers reboot requests, and drops messages of unknown devices.
 */
import { jest } from '@jest/globals';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { startOperator, type RunningOperator } from '@kubeflash/operator';
import { eventually, useTestCluster, type TestCluster } from '@kubeflash/devcluster/testing';
import type { RunningBroker } from '@kubeflash/broker';
import { VirtualDevice } from '@kubeflash/virtual-device';
import { installCrds } from '../operator/support';
import { applyAll, brokerKinds, condition, connect, deviceImage, readyDeviceImage, readCluster, readDevice, startTestBroker, testFleet } from './support';

jest.setTimeout(120_000);

const kind = brokerKinds()[0];

describe(`device reports on ${kind}`, () => {
  let cluster: TestCluster;
  let ns: string;
  let broker: RunningBroker;
  let stopBroker: () => Promise<void>;
  let operator: RunningOperator;
  const devices: VirtualDevice[] = [];
  const macs = { 'right-board': '34:85:18:6a:10:01', 'wrong-board': '34:85:18:6a:10:02' };

  const boot = async (name: string, board: ConstructorParameters<typeof VirtualDevice>[0]['board'] = {}): Promise<VirtualDevice> => {
    const image = await eventually(() => readyDeviceImage(cluster.kubeConfig, ns, name), `config.bin of ${name}`);
    const device = new VirtualDevice({ ...image, board: { chip: 'esp32c3', firmwareVersion: '1.4.0', ...board }, rebootDelayMs: 200, heartbeatMs: 1000 });
    devices.push(device);
    await device.start();
    return device;
  };
  const until = <T>(name: string, check: (d: Awaited<ReturnType<typeof readDevice>>) => T | undefined, what: string) =>
    eventually(async () => check(await readDevice(cluster.kubeConfig, ns, name)), what, 20_000);

  beforeAll(async () => {
    ({ broker, cleanup: stopBroker } = await startTestBroker(kind));
    cluster = await useTestCluster({ namespacePrefix: 'kf-status' });
    ns = cluster.namespace;
    await installCrds(cluster.kubeConfig);
    await applyAll(cluster.kubeConfig, testFleet(ns, broker.url, ['right-board', 'wrong-board', 'other-chip', 'old-firmware', 'rebooter'], { macs }));
    operator = await startOperator({ kubeConfig: cluster.kubeConfig, healthPort: 0, resyncPeriodMs: 0, namespace: ns, leaderElection: false, statusWriteIntervalMs: 2000 });
    await operator.whenControllersRunning();
    await eventually(async () => (condition(await readCluster(cluster.kubeConfig, ns, 'site'), 'Ready')?.status === 'True' ? true : undefined), 'DevicesCluster Ready', 30_000);
  });

  afterAll(async () => {
    for (const d of devices) await d.stop();
    await operator?.stop();
    await cluster?.cleanup();
    await stopBroker?.();
  });

  it('shows a board that reports the expected MAC and chip as Online with IdentityMatches True', async () => {
    const device = await boot('right-board', { mac: macs['right-board'] });
    const d = await until('right-board', (x) => (condition(x, 'IdentityMatches')?.status === 'True' ? x : undefined), 'IdentityMatches True');
    expect(condition(d, 'Online')).toMatchObject({ status: 'True', reason: 'DeviceOnline' });
    expect(d?.status?.reported).toMatchObject({ mac: macs['right-board'], chip: 'esp32c3', firmwareVersion: '1.4.0', ip: device.board.ip, resetReason: 'poweron', imageState: 'valid', lastSeen: expect.any(String) });
    expect(condition(d, 'FirmwareCurrent')).toMatchObject({ status: 'True', reason: 'VersionMatches' });
  });

  it('flags a board flashed with another device\'s config at once: the MAC mismatch names both values', async () => {
    await boot('wrong-board', { mac: '34:85:18:6a:10:99' });
    const d = await until('wrong-board', (x) => (condition(x, 'IdentityMatches')?.status === 'False' ? x : undefined), 'IdentityMatches False');
    expect(condition(d, 'IdentityMatches')).toMatchObject({ reason: 'MacMismatch', message: expect.stringContaining('reports MAC 34:85:18:6a:10:99 but spec.macAddress is 34:85:18:6a:10:02') });
    const events = (await cluster.kubeConfig.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: ns })).items;
    expect(events.some((e) => e.involvedObject.name === 'wrong-board' && e.reason === 'MacMismatch' && e.type === 'Warning')).toBe(true);
  });

  it('flags a chip that differs from the class, and a firmware version that differs from the class\'s', async () => {
    await boot('other-chip', { chip: 'esp32s3' });
    await boot('old-firmware', { firmwareVersion: '1.3.9' });
    const chip = await until('other-chip', (x) => (condition(x, 'IdentityMatches')?.status === 'False' ? x : undefined), 'ChipMismatch');
    expect(condition(chip, 'IdentityMatches')?.message).toContain('reports chip esp32s3 but DeviceClass sensor is for esp32c3');
    const fw = await until('old-firmware', (x) => (condition(x, 'FirmwareCurrent')?.status === 'False' ? x : undefined), 'VersionMismatch');
    expect(condition(fw, 'FirmwareCurrent')).toMatchObject({ reason: 'VersionMismatch', message: 'runs 1.3.9; DeviceClass sensor wants 1.4.0' });
  });

  it('turns Online False when the last will fires, and True again when the device comes back', async () => {
    const device = devices.find((d) => d.id === `${ns}.old-firmware`) as VirtualDevice;
    await device.stop();
    const off = await until('old-firmware', (x) => (condition(x, 'Online')?.status === 'False' ? x : undefined), 'Online False after the will');
    expect(condition(off, 'Online')?.message).toBe('its last will fired: the connection was lost');
    expect(off?.status?.reported?.offlineReason).toBe('lost');
    await device.start();
    await until('old-firmware', (x) => (condition(x, 'Online')?.status === 'True' ? true : undefined), 'Online True again');
  });

  it('sends cmd/reboot for spec.rebootRequest; the device announces the reboot and comes back with reset reason sw', async () => {
    const device = await boot('rebooter');
    await until('rebooter', (x) => (condition(x, 'Online')?.status === 'True' ? true : undefined), 'rebooter online');
    const rebooted = new Promise<string>((resolve) => device.once('reboot', resolve));
    await cluster.kubeConfig.makeApiClient(CustomObjectsApi).patchNamespacedCustomObject(
      { group: 'kubeflash.dev', version: 'v1alpha1', namespace: ns, plural: 'devices', name: 'rebooter', body: { spec: { rebootRequest: 'first' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(await rebooted).toBe('sw');
    const d = await until('rebooter', (x) => (x?.status?.reported?.resetReason === 'sw' && condition(x, 'Online')?.status === 'True' ? x : undefined), 'back with reset reason sw');
    expect(d?.status?.reboot).toMatchObject({ request: 'first', result: 'Sent', commandId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(device.boots).toBe(2);
  });

  it('exports telemetry per device, counts invalid messages and keeps them as dead letters without payloads', async () => {
    const device = devices.find((d) => d.id === `${ns}.right-board`) as VirtualDevice;
    await device.publishTelemetry({ temperature_c: 21.25, door_open: false });
    device.setFaults({ corruptPayloads: 1 });
    for (let i = 0; i < 5; i++) await device.publishLog('info', 'app', `corrupted ${i}`);
    device.setFaults({});
    const get = (path: string) => fetch(`http://127.0.0.1:${operator.healthPort}${path}`);
    const metrics = await eventually(async () => {
      const text = await (await get('/metrics')).text();
      return text.includes('reading="temperature_c"') && /kubeflash_mqtt_invalid_messages_total\{reason="[a-z-]+"\} \d+/.test(text) ? text : undefined;
    }, 'telemetry and invalid messages in /metrics');
    expect(metrics).toContain(`kubeflash_device_telemetry{namespace="${ns}",device="right-board",reading="temperature_c"} 21.25`);
    expect(metrics).toContain(`kubeflash_device_telemetry{namespace="${ns}",device="right-board",reading="door_open"} 0`);
    expect(metrics).toMatch(new RegExp(`kubeflash_device_online\\{namespace="${ns}",device="right-board"\\} 1`));
    const dead = (await (await get('/debug/dead-letters')).json()) as { recorded: number; letters: { deviceId?: string; reason: string; topic: string }[] };
    expect(dead.recorded).toBeGreaterThanOrEqual(1);
    expect(dead.letters.some((l) => l.deviceId === `${ns}.right-board`)).toBe(true);
    expect(JSON.stringify(dead)).not.toContain('corrupted');
    // One Warning Event on the Device for the burst (rate-limited: one per device per 10 minutes), without payloads.
    const invalidEvents = await eventually(async () => {
      const found = (await cluster.kubeConfig.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: ns })).items.filter((e) => e.involvedObject.name === 'right-board' && e.reason === 'InvalidMessages');
      return found.length > 0 ? found : undefined;
    }, 'an InvalidMessages Event on the Device');
    await new Promise((r) => setTimeout(r, 500));
    const all = (await cluster.kubeConfig.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: ns })).items.filter((e) => e.involvedObject.name === 'right-board' && e.reason === 'InvalidMessages');
    expect(all).toHaveLength(1);
    expect(invalidEvents[0]).toMatchObject({ type: 'Warning', involvedObject: { kind: 'Device' } });
    expect(invalidEvents[0].message).toMatch(/^1 message from this device broke the protocol; the latest: .+ \(the operator's \/debug\/dead-letters lists them\)$/);
    expect(invalidEvents[0].message).not.toContain('corrupted');
  });

  it('counts and drops messages of devices that do not exist, creating nothing', async () => {
    const op = await cluster.kubeConfig.makeApiClient(CoreV1Api).readNamespacedSecret({ name: 'site-mqtt-operator', namespace: ns });
    const text = (k: string) => Buffer.from(op.data?.[k] ?? '', 'base64').toString();
    // The operator account may publish to any device's status (to clear retained ones): use it to impersonate a ghost.
    const client = await connect(broker.url, { username: text('username'), password: text('password'), clientId: 'ghost-writer', protocolVersion: broker.maxProtocolVersion });
    const ghost = new VirtualDevice({ configBin: (await deviceImage(cluster.kubeConfig, ns, 'right-board'))?.configBin as Uint8Array }).statusMessage();
    await client.publishAsync(ghost.topic.replace('.right-board/', '.ghost/'), ghost.payload, { qos: 1 });
    await client.endAsync();
    const metrics = await eventually(async () => {
      const t = await (await fetch(`http://127.0.0.1:${operator.healthPort}/metrics`)).text();
      return /kubeflash_mqtt_messages_total\{kind="status",result="unknown-device"\} [1-9]/.test(t) ? t : undefined;
    }, 'the unknown device counted');
    expect(metrics).toBeDefined();
    expect(await readDevice(cluster.kubeConfig, ns, 'ghost')).toBeUndefined();
  });

  it('turns the DevicesCluster Ready False with a Warning Event when the broker goes away', async () => {
    await broker.stop();
    const site = await eventually(async () => {
      const c = await readCluster(cluster.kubeConfig, ns, 'site');
      return condition(c, 'Ready')?.reason === 'BrokerUnreachable' ? c : undefined;
    }, 'Ready=False/BrokerUnreachable', 30_000);
    expect(condition(site, 'Ready')).toMatchObject({ status: 'False', message: expect.stringContaining(broker.url) });
    expect(site.status?.broker).toMatchObject({ connected: false, administered: false });
    const events = (await cluster.kubeConfig.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: ns })).items;
    expect(events.some((e) => e.involvedObject.kind === 'DevicesCluster' && e.reason === 'BrokerUnreachable' && e.type === 'Warning')).toBe(true);
  });
});
