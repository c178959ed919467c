/**
 * The virtual device against a real broker (mosquitto with dynamic security when installed, else the embedded
 * broker), without the operator: what an observer sees of its status, will, commands and injected faults.
 */
import { jest } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import { AclType, type RunningBroker } from '@kubeflash/broker';
import { buildNvsImage } from '@kubeflash/esp';
import { factoryResetCommand, rebootCommand } from '@kubeflash/protocol';
import { VirtualDevice } from '@kubeflash/virtual-device';
import { eventually } from '@kubeflash/devcluster/testing';
import { brokerKinds, collect, connect, OBSERVER, startTestBroker } from './support';

jest.setTimeout(60_000);

const ID = 'lab.board-1';
const PASSWORD = 'board-password-123';

describe(`a virtual device on ${brokerKinds()[0]}`, () => {
  let broker: RunningBroker;
  let stopBroker: () => Promise<void>;
  let observer: MqttClient;
  let seen: ReturnType<typeof collect>;
  let device: VirtualDevice;
  const statuses = () => seen.messages.filter((m) => m.topic === `kf/devices/${ID}/status`).map((m) => (m.payload ? JSON.parse(m.payload) : {}) as Record<string, unknown>);

  beforeAll(async () => {
    ({ broker, cleanup: stopBroker } = await startTestBroker(brokerKinds()[0]));
    // The device account, as the operator would make it (own subtree; commands received only).
    const admin = await connect(broker.url, { username: 'kubeflash-admin', password: 'admin-password-for-tests', clientId: 'setup', protocolVersion: broker.maxProtocolVersion });
    await admin.subscribeAsync('$CONTROL/dynamic-security/v1/response');
    const done = new Promise((r) => admin.once('message', r));
    await admin.publishAsync('$CONTROL/dynamic-security/v1', JSON.stringify({ commands: [
      { command: 'createRole', rolename: 'board', acls: [
        { acltype: AclType.SubscribePattern, topic: `kf/devices/${ID}/cmd/#`, priority: 4, allow: true },
        { acltype: AclType.PublishClientReceive, topic: `kf/devices/${ID}/cmd/#`, priority: 3, allow: true },
        { acltype: AclType.PublishClientSend, topic: `kf/devices/${ID}/cmd/#`, priority: 2, allow: false },
        { acltype: AclType.PublishClientSend, topic: `kf/devices/${ID}/#`, priority: 1, allow: true },
      ] },
      { command: 'createClient', username: ID, password: PASSWORD, roles: [{ rolename: 'board' }] },
      { command: 'createRole', rolename: 'commander', acls: [{ acltype: AclType.PublishClientSend, topic: 'kf/devices/+/cmd/#', priority: 1, allow: true }] },
      { command: 'createClient', username: 'commander', password: 'commander-password', roles: [{ rolename: 'commander' }] },
    ] }));
    await done;
    await admin.endAsync();
    observer = await connect(broker.url, { username: OBSERVER.username, password: OBSERVER.password, clientId: 'observer', protocolVersion: broker.maxProtocolVersion });
    seen = collect(observer);
    await observer.subscribeAsync('kf/#', { qos: 1 });
    const entries = Object.entries({ device_id: ID, mqtt_uri: broker.url, mqtt_user: ID, mqtt_pass: PASSWORD, mqtt_prefix: `kf/devices/${ID}` }).map(([key, value]) => ({ namespace: 'config', key, type: 'string' as const, value }));
    device = new VirtualDevice({ configBin: buildNvsImage(entries, { size: 0x6000 }), board: { chip: 'esp32c3', firmwareVersion: '2.0.0' }, rebootDelayMs: 100, heartbeatMs: 500 });
    device.on('error', () => undefined);
    await device.start();
  });

  afterAll(async () => {
    await device?.stop();
    await observer?.endAsync(true);
    await stopBroker?.();
  });

  const command = async (message: { topic: string; payload: string }) => {
    const c = await connect(broker.url, { username: 'commander', password: 'commander-password', clientId: `commander-${Date.now()}`, protocolVersion: broker.maxProtocolVersion });
    await c.publishAsync(message.topic, message.payload, { qos: 1 });
    await c.endAsync();
  };

  it('publishes its retained status at connect and as heartbeat', async () => {
    await eventually(() => (statuses().length >= 2 ? true : undefined), 'status and a heartbeat');
    expect(statuses()[0]).toMatchObject({ state: 'online', fw: '2.0.0', chip: 'esp32c3', resetReason: 'poweron' });
    // A later subscriber gets the retained copy.
    const late = await connect(broker.url, { username: OBSERVER.username, password: OBSERVER.password, clientId: 'late-observer', protocolVersion: broker.maxProtocolVersion });
    const got = collect(late);
    await late.subscribeAsync(`kf/devices/${ID}/status`, { qos: 1 });
    await eventually(() => (got.messages.length > 0 ? true : undefined), 'the retained status');
    expect(got.messages[0]).toMatchObject({ retain: true, payload: expect.stringContaining('"state":"online"') });
    await late.endAsync();
  });

  it('announces a reboot, comes back with reset reason sw; a factory reset erases its application data', async () => {
    seen.clear();
    device.appData.set('calibration', '42');
    await command(rebootCommand('kf', ID));
    await eventually(() => (statuses().some((s) => s.resetReason === 'sw') ? true : undefined), 'back after the reboot');
    expect(statuses().find((s) => s.state === 'offline')).toMatchObject({ state: 'offline', reason: 'reboot' });
    expect(device.appData.get('calibration')).toBe('42');
    seen.clear();
    await command(factoryResetCommand('kf', ID));
    await eventually(() => (statuses().some((s) => s.state === 'online') ? true : undefined), 'back after the factory reset');
    expect(statuses()[0]).toMatchObject({ state: 'offline', reason: 'factory-reset' });
    expect(device.appData.size).toBe(0);
  });

  it('refuses commands when told to, and says so in its logs', async () => {
    seen.clear();
    device.setFaults({ refuseCommands: true });
    const boots = device.boots;
    await command(rebootCommand('kf', ID));
    await eventually(() => (seen.messages.some((m) => m.topic.endsWith('/logs') && m.payload.includes('refusing cmd-reboot')) ? true : undefined), 'the refusal in its logs');
    expect(device.boots).toBe(boots);
    device.setFaults({});
  });

  it('drops its connection: the broker publishes the will, and it reconnects', async () => {
    seen.clear();
    device.setFaults({ dropConnectionEveryMs: 200 });
    await eventually(() => (statuses().some((s) => s.state === 'offline' && s.reason === undefined) ? true : undefined), 'the will');
    device.setFaults({});
    await eventually(() => (device.state === 'online' && statuses().at(-1)?.state === 'online' ? true : undefined), 'online again', 20_000);
  });

  it('crashes in a loop with reset reason panic, without announcing it', async () => {
    seen.clear();
    device.setFaults({ rebootLoopMs: 300 });
    await eventually(() => (statuses().filter((s) => s.resetReason === 'panic').length >= 2 ? true : undefined), 'two crash-boots', 20_000);
    device.setFaults({});
    expect(statuses().some((s) => s.state === 'offline' && s.reason !== undefined)).toBe(false);
    await eventually(() => (device.state === 'online' ? true : undefined), 'online after the loop', 20_000);
  });

  it('is slow on a slow link and sends corrupted payloads when told to', async () => {
    seen.clear();
    device.setFaults({ slowLinkMs: 400 });
    const started = Date.now();
    await device.publishLog('info', 'app', 'slow');
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    device.setFaults({ corruptPayloads: 1 });
    for (let i = 0; i < 5; i++) await device.publishLog('info', 'app', `message ${i}`);
    device.setFaults({});
    await eventually(() => (seen.messages.filter((m) => m.topic.endsWith('/logs')).length >= 6 ? true : undefined), 'the logs');
    const logs = seen.messages.filter((m) => m.topic.endsWith('/logs')).slice(1);
    expect(logs.every((m) => m.payload !== JSON.stringify({ level: 'info', tag: 'app', msg: 'message 0' }))).toBe(true);
  });

  it('is refused with a wrong password', async () => {
    const entries = Object.entries({ device_id: ID, mqtt_uri: broker.url, mqtt_user: ID, mqtt_pass: PASSWORD, mqtt_prefix: `kf/devices/${ID}` }).map(([key, value]) => ({ namespace: 'config', key, type: 'string' as const, value }));
    const impostor = new VirtualDevice({ configBin: buildNvsImage(entries, { size: 0x6000 }), faults: { wrongPassword: true } });
    await expect(impostor.start()).rejects.toThrow(/refused the credentials/);
    await impostor.stop();
  });
});
