/**
 * Broker accounts and ACLs end to end, against Debian's mosquitto 2.x with the dynamic-security plugin and
 * against the embedded broker (the same suite): the operator on devcluster creates one account per Device and
 * its own; a device's credentials, read from its config.bin, may publish its own reports and receive its own
 * commands and nothing else; deleted Devices lose their accounts; a restart converges (orphans deleted, drifted
 * roles fixed, foreign accounts untouched).
 */
import { jest } from '@jest/globals';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { MqttClient } from 'mqtt';
import { rebootCommand } from '@kubeflash/protocol';
import { startOperator, type RunningOperator } from '@kubeflash/operator';
import { eventually, useTestCluster, type TestCluster } from '@kubeflash/devcluster/testing';
import type { RunningBroker } from '@kubeflash/broker';
import { VirtualDevice } from '@kubeflash/virtual-device';
import { installCrds } from '../operator/support';
import { ADMIN, OBSERVER, applyAll, brokerKinds, canSubscribe, collect, condition, connect, deviceImage, readCluster, readDevice, sleep, startTestBroker, testFleet } from './support';

jest.setTimeout(120_000);

describe.each(brokerKinds())('broker accounts and ACLs on %s', (kind) => {
  let cluster: TestCluster;
  let ns: string;
  let broker: RunningBroker;
  let stopBroker: () => Promise<void>;
  let operator: RunningOperator | undefined;
  const clients: MqttClient[] = [];
  const devices: VirtualDevice[] = [];
  let level: 4 | 5;

  const start = async (): Promise<RunningOperator> => {
    const op = await startOperator({ kubeConfig: cluster.kubeConfig, healthPort: 0, resyncPeriodMs: 0, namespace: ns, leaderElection: false });
    await op.whenControllersRunning();
    return op;
  };
  const open = async (url: string, username: string, password: string, clientId: string): Promise<MqttClient> => {
    const c = await connect(url, { username, password, clientId, protocolVersion: level });
    clients.push(c);
    return c;
  };
  const credentialsOf = async (name: string) => {
    const image = await eventually(() => deviceImage(cluster.kubeConfig, ns, name), `config.bin of ${name}`);
    return image.config;
  };
  const asDevice = async (name: string): Promise<MqttClient> => {
    const c = await credentialsOf(name);
    // Another client id than the device's own, so a running virtual device is not taken over.
    return open(broker.url, c.mqttUser, c.mqttPass, `${c.deviceId}-test-${clients.length}`);
  };
  const operatorAccount = async (): Promise<{ username: string; password: string }> => {
    const s = await cluster.kubeConfig.makeApiClient(CoreV1Api).readNamespacedSecret({ name: 'site-mqtt-operator', namespace: ns });
    const text = (k: string) => Buffer.from(s.data?.[k] ?? '', 'base64').toString();
    return { username: text('username'), password: text('password') };
  };
  // Answers go to every admin subscriber (the operator's too): ours are the ones with our correlation data.
  const admin = async (commands: object[]): Promise<{ command: string; error?: string; data?: unknown }[]> => {
    const c = await open(broker.url, ADMIN.username, ADMIN.password, `test-admin-${Date.now()}`);
    await c.subscribeAsync('$CONTROL/dynamic-security/v1/response');
    const tag = `test-${Date.now()}-${Math.random()}`;
    const answer = new Promise<{ command: string; error?: string; data?: unknown }[]>((resolve) =>
      c.on('message', (_t, p) => {
        const responses = (JSON.parse(p.toString()) as { responses: { correlationData?: string }[] }).responses;
        if (responses.some((r) => r.correlationData?.startsWith(tag))) resolve(responses as never);
      }),
    );
    await c.publishAsync('$CONTROL/dynamic-security/v1', JSON.stringify({ commands: commands.map((command, i) => ({ ...command, correlationData: `${tag}-${i}` })) }));
    const responses = await answer;
    await c.endAsync();
    return responses;
  };
  const usernames = async (): Promise<string[]> => ((await admin([{ command: 'listClients' }]))[0].data as { clients: string[] }).clients;

  beforeAll(async () => {
    ({ broker, cleanup: stopBroker } = await startTestBroker(kind));
    level = broker.maxProtocolVersion;
    cluster = await useTestCluster({ namespacePrefix: `kf-acl-${kind.slice(0, 4)}` });
    ns = cluster.namespace;
    await installCrds(cluster.kubeConfig);
    // A foreign account the operator must never touch, and one that takes a device's name.
    await admin([
      { command: 'createClient', username: 'someone-else', password: 'their-password' },
      { command: 'createClient', username: `${ns}.squatted`, password: 'their-password' },
    ]);
    await applyAll(cluster.kubeConfig, testFleet(ns, broker.url, ['dev-a', 'dev-b', 'dev-c']));
    operator = await start();
    await eventually(async () => (condition(await readCluster(cluster.kubeConfig, ns, 'site'), 'Ready')?.status === 'True' ? true : undefined), 'DevicesCluster Ready', 30_000);
    await eventually(async () => {
      for (const d of ['dev-a', 'dev-b', 'dev-c']) if (condition(await readDevice(cluster.kubeConfig, ns, d), 'ConfigReady')?.status !== 'True') return undefined;
      return true;
    }, 'ConfigReady on every device', 30_000);
  });

  afterAll(async () => {
    for (const d of devices) await d.stop();
    for (const c of clients) await c.endAsync(true).catch(() => undefined);
    await operator?.stop();
    await cluster?.cleanup();
    await stopBroker?.();
  });

  it('reports the broker on the DevicesCluster: connected, administered, managed accounts', async () => {
    const site = await readCluster(cluster.kubeConfig, ns, 'site');
    expect(site.status?.broker).toMatchObject({ connected: true, administered: true, managedAccounts: 4, protocolVersion: level });
    expect(condition(site, 'Ready')).toMatchObject({ reason: 'Reconciled', message: expect.stringContaining('4 managed accounts') });
    const device = await readDevice(cluster.kubeConfig, ns, 'dev-a');
    expect(device?.metadata.finalizers).toEqual(['kubeflash.dev/broker-account']);
  });

  it('lets a device publish its own status with the credentials in its config.bin, and the operator sees it online', async () => {
    const image = await eventually(() => deviceImage(cluster.kubeConfig, ns, 'dev-a'), 'config.bin');
    const device = new VirtualDevice({ ...image, board: { chip: 'esp32c3', firmwareVersion: '1.4.0' }, protocolVersion: level });
    devices.push(device);
    await device.start();
    const online = await eventually(async () => {
      const d = await readDevice(cluster.kubeConfig, ns, 'dev-a');
      return condition(d, 'Online')?.status === 'True' ? d : undefined;
    }, 'dev-a Online', 20_000);
    expect(online.status?.reported).toMatchObject({ firmwareVersion: '1.4.0', chip: 'esp32c3', mac: device.board.mac, resetReason: 'poweron' });
    expect(condition(online, 'FirmwareCurrent')).toMatchObject({ status: 'True', reason: 'VersionMatches' });
  });

  it('delivers the operator\'s commands to the device, and only to it', async () => {
    const b = await asDevice('dev-b');
    const gotB = collect(b);
    expect(await canSubscribe(b, `kf/devices/${ns}.dev-b/cmd/#`)).toBe(true);
    const op = await operatorAccount();
    const sender = await open(broker.url, op.username, op.password, `test-operator-${kind}`);
    await sender.publishAsync(rebootCommand('kf', `${ns}.dev-b`).topic, rebootCommand('kf', `${ns}.dev-b`).payload, { qos: 1 });
    await eventually(() => (gotB.messages.length > 0 ? true : undefined), 'the command on dev-b');
    expect(gotB.messages[0].topic).toBe(`kf/devices/${ns}.dev-b/cmd/reboot`);
  });

  it('denies a device every subscription outside its own cmd/#: another device, #, $CONTROL, $SYS, wildcards', async () => {
    const a = await asDevice('dev-b');
    for (const filter of [`kf/devices/${ns}.dev-a/cmd/#`, `kf/devices/${ns}.dev-a/status`, '#', 'kf/#', 'kf/devices/+/cmd/#', '$CONTROL/#', '$CONTROL/dynamic-security/v1/response', '$SYS/#', `kf/devices/${ns}.dev-b/#`]) {
      expect([filter, await canSubscribe(a, filter)]).toEqual([filter, false]);
    }
    expect(await canSubscribe(a, `kf/devices/${ns}.dev-b/cmd/ota`)).toBe(true);
  });

  it('drops what a device publishes outside its own subtree and on its own cmd/', async () => {
    const observer = await open(broker.url, OBSERVER.username, OBSERVER.password, `observer-${kind}`);
    const seen = collect(observer);
    await observer.subscribeAsync('kf/#', { qos: 1 });
    const b = await asDevice('dev-b');
    const attempts = [`kf/devices/${ns}.dev-a/status`, `kf/devices/${ns}.dev-a/cmd/reboot`, `kf/devices/${ns}.dev-b/cmd/reboot`, 'kf/elsewhere'];
    for (const topic of attempts) await b.publishAsync(topic, 'spoofed-by-dev-b', { qos: 1 }).catch(() => undefined);
    await b.publishAsync(`kf/devices/${ns}.dev-b/logs`, '{"level":"info","tag":"t","msg":"allowed"}', { qos: 1 });
    await eventually(() => (seen.messages.some((m) => m.topic.endsWith('dev-b/logs')) ? true : undefined), 'the allowed message');
    await sleep(300);
    expect(seen.messages.filter((m) => m.payload === 'spoofed-by-dev-b')).toEqual([]);
  });

  it('refuses a wrong password and a device account on $CONTROL', async () => {
    const c = await credentialsOf('dev-c');
    await expect(connect(broker.url, { username: c.mqttUser, password: `${c.mqttPass}x`, clientId: c.deviceId, protocolVersion: level })).rejects.toMatchObject({ code: level === 5 ? 0x87 : 5 });
    const device = await open(broker.url, c.mqttUser, c.mqttPass, c.deviceId);
    await device.publishAsync('$CONTROL/dynamic-security/v1', JSON.stringify({ commands: [{ command: 'createClient', username: 'pwned', password: 'pwned' }] })).catch(() => undefined);
    await sleep(300);
    expect(await usernames()).not.toContain('pwned');
  });

  it('reports an account of the same name that kubeflash did not create, and never takes it over', async () => {
    await applyAll(cluster.kubeConfig, testFleet(ns, broker.url, ['squatted']).filter((o) => o.metadata?.name === 'squatted'));
    const device = await eventually(async () => {
      const d = await readDevice(cluster.kubeConfig, ns, 'squatted');
      return condition(d, 'ConfigReady')?.reason === 'BrokerAccountFailed' ? d : undefined;
    }, 'BrokerAccountFailed on squatted');
    expect(condition(device, 'ConfigReady')?.message).toContain('kubeflash did not create');
    await connect(broker.url, { username: `${ns}.squatted`, password: 'their-password', clientId: 'x', protocolVersion: level }).then((c) => c.endAsync());
  });

  it('removes a deleted Device\'s account and retained status before its finalizer goes', async () => {
    const c = await credentialsOf('dev-c');
    await cluster.kubeConfig.makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: ns, plural: 'devices', name: 'dev-c' });
    await eventually(async () => ((await readDevice(cluster.kubeConfig, ns, 'dev-c')) ? undefined : true), 'dev-c gone');
    expect(await usernames()).not.toContain(`${ns}.dev-c`);
    await expect(connect(broker.url, { username: c.mqttUser, password: c.mqttPass, clientId: c.deviceId, protocolVersion: level })).rejects.toMatchObject({ code: level === 5 ? 0x87 : 5 });
  });

  it('converges at start: deletes orphans it made, fixes drifted roles, never touches foreign accounts', async () => {
    await operator?.stop();
    operator = undefined;
    const a = await credentialsOf('dev-a');
    const marker = `managed by kubeflash-operator for DevicesCluster ${ns}/site`;
    const answers = await admin([
      // An orphan: marked as this cluster's, but no Device has its name.
      { command: 'createRole', rolename: `kubeflash-device.${ns}.ghost`, textdescription: marker, acls: [] },
      { command: 'createClient', username: `${ns}.ghost`, password: 'ghost-password', textdescription: `${marker}; credentials 0000000000000000`, roles: [{ rolename: `kubeflash-device.${ns}.ghost` }] },
      // Drift: dev-a's role now allows everything.
      { command: 'modifyRole', rolename: `kubeflash-device.${ns}.dev-a`, acls: [{ acltype: 'subscribePattern', topic: '#', priority: 100, allow: true }] },
    ]);
    expect(answers.filter((r) => r.error)).toEqual([]);
    operator = await start();
    await eventually(async () => (!(await usernames()).includes(`${ns}.ghost`) ? true : undefined), 'the orphan deleted', 20_000);
    const names = await usernames();
    expect(names).toEqual(expect.arrayContaining(['someone-else', `${ns}.squatted`, `${ns}.dev-a`, `${ns}.dev-b`, ADMIN.username, OBSERVER.username]));
    const roles = async () => ((await admin([{ command: 'listRoles' }]))[0].data as { roles: string[] }).roles;
    await eventually(async () => (!(await roles()).includes(`kubeflash-device.${ns}.ghost`) ? true : undefined), 'the orphan\'s role deleted');
    await eventually(async () => {
      const client = await connect(broker.url, { username: a.mqttUser, password: a.mqttPass, clientId: `${a.deviceId}-probe`, protocolVersion: level }).catch(() => undefined);
      if (!client) return undefined;
      const fixed = !(await canSubscribe(client, '#'));
      await client.endAsync(true);
      return fixed ? true : undefined;
    }, 'dev-a\'s role fixed', 20_000);
    const site = await readCluster(cluster.kubeConfig, ns, 'site');
    expect(site.status?.broker?.managedAccounts).toBe(3);
  });

  it('rotates credentials on spec.credentials.rotate: broker and config.bin change together', async () => {
    const before = await credentialsOf('dev-b');
    await cluster.kubeConfig.makeApiClient(CustomObjectsApi).patchNamespacedCustomObject(
      { group: 'kubeflash.dev', version: 'v1alpha1', namespace: ns, plural: 'devices', name: 'dev-b', body: { spec: { credentials: { rotate: 'now' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const after = await eventually(async () => {
      const c = (await deviceImage(cluster.kubeConfig, ns, 'dev-b'))?.config;
      return c && c.mqttPass !== before.mqttPass ? c : undefined;
    }, 'a new config.bin for dev-b');
    const device = await readDevice(cluster.kubeConfig, ns, 'dev-b');
    expect(device?.status?.credentials).toMatchObject({ secretName: 'dev-b-credentials', rotation: 'now' });
    await eventually(async () => {
      const c = await connect(broker.url, { username: after.mqttUser, password: after.mqttPass, clientId: `${after.deviceId}-rotated`, protocolVersion: level }).catch(() => undefined);
      await c?.endAsync(true);
      return c ? true : undefined;
    }, 'the new password accepted');
    await expect(connect(broker.url, { username: before.mqttUser, password: before.mqttPass, clientId: `${before.deviceId}-old`, protocolVersion: level })).rejects.toMatchObject({ code: level === 5 ? 0x87 : 5 });
  });
});
