/**
 * mqtts:// end to end: a broker TLS listener with a CA made by the test (openssl), the DevicesCluster's
 * caSecretRef, the generated mqtt_ca key in every config.bin, the operator and a virtual device both verifying
 * the broker with that CA; a client that does not trust the CA is refused.
 */
import { jest } from '@jest/globals';
import { startOperator, type RunningOperator } from '@kubeflash/operator';
import { eventually, useTestCluster, type TestCluster } from '@kubeflash/devcluster/testing';
import { makeTestCa, type RunningBroker, type TestCa } from '@kubeflash/broker';
import { VirtualDevice } from '@kubeflash/virtual-device';
import { installCrds } from '../operator/support';
import { applyAll, brokerKinds, condition, connect, deviceImage, readCluster, readDevice, startTestBroker, testFleet } from './support';

jest.setTimeout(120_000);

describe.each(brokerKinds())('TLS on %s', (kind) => {
  let cluster: TestCluster;
  let ns: string;
  let broker: RunningBroker;
  let stopBroker: () => Promise<void>;
  let operator: RunningOperator;
  let ca: TestCa;
  const devices: VirtualDevice[] = [];

  beforeAll(async () => {
    ca = makeTestCa();
    ({ broker, cleanup: stopBroker } = await startTestBroker(kind, ca));
    cluster = await useTestCluster({ namespacePrefix: `kf-tls-${kind.slice(0, 4)}` });
    ns = cluster.namespace;
    await installCrds(cluster.kubeConfig);
    const url = broker.tlsUrl as string;
    await applyAll(cluster.kubeConfig, [
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'broker-ca', namespace: ns }, stringData: { 'ca.crt': ca.caPem } } as never,
      ...testFleet(ns, url, ['secure-1'], { caSecret: 'broker-ca' }),
    ]);
    operator = await startOperator({ kubeConfig: cluster.kubeConfig, healthPort: 0, resyncPeriodMs: 0, namespace: ns, leaderElection: false });
    await operator.whenControllersRunning();
  });

  afterAll(async () => {
    for (const d of devices) await d.stop();
    await operator?.stop();
    await cluster?.cleanup();
    await stopBroker?.();
  });

  it('connects the operator over mqtts with the CA from caSecretRef', async () => {
    const site = await eventually(async () => {
      const c = await readCluster(cluster.kubeConfig, ns, 'site');
      return condition(c, 'Ready')?.status === 'True' ? c : undefined;
    }, 'DevicesCluster Ready over TLS', 30_000);
    expect(condition(site, 'Ready')?.message).toContain(`connected to ${broker.tlsUrl}`);
  });

  it('puts the CA into every config.bin as mqtt_ca, and the device connects with it', async () => {
    const image = await eventually(() => deviceImage(cluster.kubeConfig, ns, 'secure-1'), 'config.bin');
    expect(image.config.mqttUri).toBe(broker.tlsUrl);
    expect(image.config.mqttCa).toBe(ca.caPem);
    const entry = image.config.values.get('mqtt_ca');
    expect(entry?.type).toBe('blob');
    const device = new VirtualDevice({ ...image, board: { chip: 'esp32c3', firmwareVersion: '1.4.0' } });
    devices.push(device);
    await device.start();
    await eventually(async () => (condition(await readDevice(cluster.kubeConfig, ns, 'secure-1'), 'Online')?.status === 'True' ? true : undefined), 'secure-1 Online', 20_000);
  });

  it('refuses a client that does not trust the CA', async () => {
    const image = await eventually(() => deviceImage(cluster.kubeConfig, ns, 'secure-1'), 'config.bin');
    const other = makeTestCa('some other CA');
    await expect(
      connect(broker.tlsUrl as string, { username: image.config.mqttUser, password: image.config.mqttPass, clientId: 'untrusting', protocolVersion: broker.maxProtocolVersion, ca: other.caPem, rejectUnauthorized: true }),
    ).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });
});
