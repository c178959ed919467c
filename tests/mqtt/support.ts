/** Helpers for the broker suites: brokers per kind, a test fleet on a broker, device and observer clients. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { AclType, BrokerKind, findMosquitto, startEmbeddedBroker, startMosquitto, type RunningBroker, type TlsListener } from '@kubeflash/broker';
import { ensureObjects } from '@kubeflash/operator/kube';
import { readDeviceConfig, type DeviceConfig } from '@kubeflash/virtual-device';
import type { Device, DevicesCluster } from '../../pkg/api/src/index';

export const ADMIN = { username: 'kubeflash-admin', password: 'admin-password-for-tests' };
export const OBSERVER = { username: 'observer', password: 'observer-password-for-tests' };

/** The broker kinds the suites run against; mosquitto only where it is installed (loudly skipped otherwise). */
export function brokerKinds(): BrokerKind[] {
  const found = findMosquitto();
  if (!found.ok) {
    console.warn(`SKIPPED: the mosquitto variants of this suite cannot run: ${found.reason}. scripts/install.sh --test installs it.`);
    return [BrokerKind.Embedded];
  }
  return [BrokerKind.Mosquitto, BrokerKind.Embedded];
}

/** Starts a broker of `kind` with the admin account and an observer that may receive everything (not $CONTROL). */
export async function startTestBroker(kind: BrokerKind, tls?: TlsListener): Promise<{ broker: RunningBroker; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `kubeflash-${kind}-`));
  const seed = {
    accounts: [{ username: OBSERVER.username, password: OBSERVER.password, roles: ['observer'] }],
    roles: [{ rolename: 'observer', acls: [{ acltype: AclType.SubscribePattern, topic: '#', priority: 0, allow: true }, { acltype: AclType.PublishClientReceive, topic: '#', priority: 0, allow: true }] }],
  };
  const options = { dir, admin: ADMIN, seed, persistence: false, ...(tls ? { tls } : {}) };
  const broker = kind === BrokerKind.Mosquitto ? await startMosquitto(options) : await startEmbeddedBroker(options);
  let stopped: Promise<void> | undefined;
  const stop = broker.stop.bind(broker);
  // Suites may stop the broker themselves (broker outages); stopping twice is harmless.
  broker.stop = () => (stopped ??= stop());
  return {
    broker,
    cleanup: async () => {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The test fleet: a dynsec DevicesCluster on `brokerUri`, one class, devices `names`. */
export function testFleet(namespace: string, brokerUri: string, names: string[], extra: { caSecret?: string; operatorBrokerUri?: string; macs?: Record<string, string> } = {}): KubernetesObject[] {
  return [
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'broker-admin', namespace }, stringData: { username: ADMIN.username, password: ADMIN.password } } as KubernetesObject,
    {
      apiVersion: 'kubeflash.dev/v1alpha1',
      kind: 'DevicesCluster',
      metadata: { name: 'site', namespace },
      spec: {
        mqtt: {
          brokerUri,
          ...(extra.operatorBrokerUri ? { operatorBrokerUri: extra.operatorBrokerUri } : {}),
          topicPrefix: 'kf',
          accountManagement: 'mosquitto-dynsec',
          adminSecretRef: { name: 'broker-admin' },
          ...(extra.caSecret ? { caSecretRef: { name: extra.caSecret } } : {}),
        },
      },
    } as KubernetesObject,
    {
      apiVersion: 'kubeflash.dev/v1alpha1',
      kind: 'DeviceClass',
      metadata: { name: 'sensor', namespace },
      spec: { chip: 'esp32c3', firmware: { source: { upload: {} }, version: '1.4.0' }, configSchema: { keys: [{ name: 'sample_period', type: 'u16', default: '60' }] } },
    } as KubernetesObject,
    ...names.map(
      (name) =>
        ({
          apiVersion: 'kubeflash.dev/v1alpha1',
          kind: 'Device',
          metadata: { name, namespace },
          spec: { deviceClassRef: { name: 'sensor' }, devicesClusterRef: { name: 'site' }, ...(extra.macs?.[name] ? { macAddress: extra.macs[name] } : {}) },
        }) as KubernetesObject,
    ),
  ];
}

export async function applyAll(kubeConfig: KubeConfig, objects: KubernetesObject[]): Promise<void> {
  await ensureObjects(kubeConfig, [...objects.filter((o) => o.kind === 'Secret'), ...objects.filter((o) => o.kind !== 'Secret')], 'create-or-replace');
}

const custom = (kubeConfig: KubeConfig) => kubeConfig.makeApiClient(CustomObjectsApi);

export async function readDevice(kubeConfig: KubeConfig, namespace: string, name: string): Promise<Device | undefined> {
  try {
    return (await custom(kubeConfig).getNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace, plural: 'devices', name })) as Device;
  } catch {
    return undefined;
  }
}

export async function readCluster(kubeConfig: KubeConfig, namespace: string, name: string): Promise<DevicesCluster> {
  return (await custom(kubeConfig).getNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace, plural: 'devicesclusters', name })) as DevicesCluster;
}

export const condition = (o: { status?: { conditions?: { type: string; status: string; reason: string; message: string }[] } } | undefined, type: string) =>
  o?.status?.conditions?.find((c) => c.type === type);

/** A device's config.bin (and nvs_keys.bin) from its config Secret, read as the device would. */
export async function deviceImage(kubeConfig: KubeConfig, namespace: string, name: string): Promise<{ configBin: Uint8Array; nvsKeys?: Uint8Array; config: DeviceConfig } | undefined> {
  try {
    const s = await kubeConfig.makeApiClient(CoreV1Api).readNamespacedSecret({ name: `${name}-config`, namespace });
    const configBin = new Uint8Array(Buffer.from(s.data?.['config.bin'] ?? '', 'base64'));
    const keys = s.data?.['nvs_keys.bin'];
    const nvsKeys = keys ? new Uint8Array(Buffer.from(keys, 'base64')) : undefined;
    return { configBin, ...(nvsKeys ? { nvsKeys } : {}), config: readDeviceConfig(configBin, { nvsKeys }) };
  } catch {
    return undefined;
  }
}

/**
 * The config image of a Device once the operator calls it ready (ConfigReady True: the image is current and the
 * broker account exists), as a person would flash it; undefined before. A config.bin can exist earlier, while
 * the account waits for the broker session.
 */
export async function readyDeviceImage(kubeConfig: KubeConfig, namespace: string, name: string): ReturnType<typeof deviceImage> {
  if (condition(await readDevice(kubeConfig, namespace, name), 'ConfigReady')?.status !== 'True') return undefined;
  return deviceImage(kubeConfig, namespace, name);
}

/** Connects a plain MQTT client (no retries); rejects with mqtt.js's error (its `code` is the CONNACK code). */
export function connect(url: string, options: IClientOptions & { protocolVersion: 4 | 5 }): Promise<MqttClient> {
  return mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options }, false);
}

/** True when the broker grants the subscription (false for SUBACK 0x80 / 0x87). */
export async function canSubscribe(client: MqttClient, filter: string): Promise<boolean> {
  try {
    const granted = await client.subscribeAsync(filter, { qos: 1 });
    return granted.every((g) => g.qos < 0x80);
  } catch {
    return false;
  }
}

/** Collects messages matching `filter` on a client. */
export function collect(client: MqttClient): { messages: { topic: string; payload: string; retain: boolean }[]; clear(): void } {
  const messages: { topic: string; payload: string; retain: boolean }[] = [];
  client.on('message', (topic, payload, packet) => messages.push({ topic, payload: payload.toString(), retain: packet.retain }));
  return { messages, clear: () => void (messages.length = 0) };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
