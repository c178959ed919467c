// A rollout world for the suites and the bench: a devcluster, a real broker (mosquitto when installed), the
// artifact service with a file store, the operator, a Succeeded and signed Firmware of the new version, and
// virtual devices booted from the config.bin the operator wrote for them (running the older version).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { MqttClient } from 'mqtt';
import type { Device, Rollout, RolloutSpec } from '@kubeflash/api';
import type { RunningBroker } from '@kubeflash/broker';
import { startOperator, type RunningOperator } from '@kubeflash/operator';
import { eventually, useTestCluster, type TestCluster } from '@kubeflash/devcluster/testing';
import { VirtualDevice, type Faults } from '@kubeflash/virtual-device';
import {
  DEFAULT_BUILDER_SETTINGS,
  UPLOAD_MANIFEST,
  buildDemoFirmware,
  ensureUrlKey,
  openFileSystemStore,
  postUpload,
  startArtifactService,
  type RunningArtifactService,
  type UploadFiles,
} from '@kubeflash/operator/artifacts';
import { create, readFirmware, uploadToken } from '../artifacts/support';
import { installCrds } from '../operator/support';
import { ADMIN, OBSERVER, applyAll, brokerKinds, collect, connect, deviceImage, startTestBroker } from '../mqtt/support';

export const OLD_VERSION = '1.4.0';
export const NEW_VERSION = '1.5.0';
export const NEW_FIRMWARE = 'sensor-1-5-0';

/** Options of a rollout world. */
export interface WorldOptions {
  namespacePrefix: string;
  /** Size of the new app image (default 64 KiB). */
  appSize?: number;
  /** Passed to the operator. */
  deviceConcurrency?: number;
  statusWriteIntervalMs?: number;
  /** Let the operator's API writes be counted (the bench). */
  countWrites?: boolean;
}

/** Everything a rollout suite needs. */
export class RolloutWorld {
  cluster!: TestCluster;
  broker!: RunningBroker;
  operator!: RunningOperator;
  service!: RunningArtifactService;
  observer!: MqttClient;
  /** Every cmd/ota seen on the broker: device id and payload. */
  commands!: ReturnType<typeof collect>;
  readonly devices = new Map<string, VirtualDevice>();
  private stopBroker?: () => Promise<void>;
  private work = '';

  constructor(readonly options: WorldOptions) {}

  get ns(): string {
    return this.cluster.namespace;
  }

  get kubeConfig(): KubeConfig {
    return this.cluster.kubeConfig;
  }

  async start(): Promise<void> {
    ({ broker: this.broker, cleanup: this.stopBroker } = await startTestBroker(brokerKinds()[0]));
    this.cluster = await useTestCluster({ namespacePrefix: this.options.namespacePrefix });
    await installCrds(this.kubeConfig);
    this.work = mkdtempSync(join(tmpdir(), 'kf-rollouts-'));
    const { store } = await openFileSystemStore(join(this.work, 'store'));
    const urlKey = await ensureUrlKey(this.kubeConfig.makeApiClient(CoreV1Api), this.ns);
    this.service = await startArtifactService({ kubeConfig: this.kubeConfig, store, urlKey, builder: DEFAULT_BUILDER_SETTINGS, namespace: this.ns });
    await applyAll(this.kubeConfig, [
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'broker-admin', namespace: this.ns }, stringData: { username: ADMIN.username, password: ADMIN.password } } as KubernetesObject,
      {
        apiVersion: 'kubeflash.dev/v1alpha1',
        kind: 'DevicesCluster',
        metadata: { name: 'site', namespace: this.ns },
        spec: { mqtt: { brokerUri: this.broker.url, topicPrefix: 'kf', accountManagement: 'mosquitto-dynsec', adminSecretRef: { name: 'broker-admin' } }, artifacts: { publicBaseUrl: this.service.url } },
      } as KubernetesObject,
      {
        apiVersion: 'kubeflash.dev/v1alpha1',
        kind: 'DeviceClass',
        metadata: { name: 'sensor', namespace: this.ns },
        spec: { chip: 'esp32c3', firmware: { source: { upload: {} }, version: OLD_VERSION } },
      } as KubernetesObject,
    ]);
    await this.startOperator();
    await this.uploadNewFirmware();
    this.observer = await connect(this.broker.url, { username: OBSERVER.username, password: OBSERVER.password, clientId: `observer-${this.ns}`, protocolVersion: this.broker.maxProtocolVersion });
    this.commands = collect(this.observer);
    await this.observer.subscribeAsync('kf/devices/+/cmd/ota', { qos: 1 });
  }

  async startOperator(): Promise<void> {
    this.operator = await startOperator({
      kubeConfig: this.kubeConfig,
      healthPort: 0,
      resyncPeriodMs: 0,
      namespace: this.ns,
      leaderElection: false,
      urlKeyNamespace: this.ns,
      statusWriteIntervalMs: this.options.statusWriteIntervalMs ?? 60_000,
      ...(this.options.deviceConcurrency ? { deviceConcurrency: this.options.deviceConcurrency } : {}),
    });
    await this.operator.whenControllersRunning();
  }

  private async uploadNewFirmware(): Promise<void> {
    await create(this.kubeConfig, this.ns, 'firmwares', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Firmware', metadata: { name: NEW_FIRMWARE }, spec: { deviceClassRef: { name: 'sensor' }, version: NEW_VERSION, source: { upload: {} } } });
    await eventually(async () => ((await readFirmware(this.kubeConfig, this.ns, NEW_FIRMWARE)).status?.phase ? true : undefined), 'the new Firmware set up');
    const build = buildDemoFirmware({ chip: 'esp32c3', version: NEW_VERSION, projectName: 'sensor', appSize: this.options.appSize ?? 64 * 1024 });
    const files: UploadFiles = {
      files: [{ name: UPLOAD_MANIFEST, data: Buffer.from(JSON.stringify(build.flasherArgs)) }, ...build.files.map((f) => ({ name: f.path, data: f.data }))],
      images: build.files.map((f) => ({ path: f.path, offset: 0, size: f.data.length })),
    };
    const result = await postUpload(this.service.url, this.ns, NEW_FIRMWARE, await uploadToken(this.kubeConfig, this.ns, NEW_FIRMWARE), files);
    if (result.status !== 201) throw new Error(`upload refused: ${JSON.stringify(result.body)}`);
    await eventually(async () => ((await readFirmware(this.kubeConfig, this.ns, NEW_FIRMWARE)).status?.signature ? true : undefined), 'the new Firmware signed', 30_000);
  }

  /** Creates Devices (with labels and MACs) and boots a virtual device for each, running the old version. */
  async addDevices(names: string[], extra: { labels?: Record<string, string>; macs?: Record<string, string>; faults?: Record<string, Faults> } = {}): Promise<void> {
    await applyAll(
      this.kubeConfig,
      names.map((name) => ({
        apiVersion: 'kubeflash.dev/v1alpha1',
        kind: 'Device',
        metadata: { name, namespace: this.ns, labels: extra.labels ?? {} },
        spec: { deviceClassRef: { name: 'sensor' }, devicesClusterRef: { name: 'site' }, ...(extra.macs?.[name] ? { macAddress: extra.macs[name] } : {}) },
      }) as KubernetesObject),
    );
    const boot = async (name: string) => {
      const image = await eventually(async () => {
        const i = await deviceImage(this.kubeConfig, this.ns, name);
        return i?.config.otaPublicKey ? i : undefined;
      }, `config.bin of ${name} with ota_pubkey`, 60_000);
      const device = new VirtualDevice({ ...image, board: { chip: 'esp32c3', firmwareVersion: OLD_VERSION, project: 'sensor', ...(extra.macs?.[name] ? { mac: extra.macs[name] } : {}) }, rebootDelayMs: 100, heartbeatMs: 60_000, faults: extra.faults?.[name] ?? {} });
      device.on('error', () => undefined);
      this.devices.set(name, device);
      await device.start();
    };
    const queue = [...names];
    await Promise.all(Array.from({ length: Math.min(50, names.length) }, async () => {
      for (let n = queue.shift(); n !== undefined; n = queue.shift()) await boot(n);
    }));
    // The operator has seen each of them online (it only sends to online devices).
    await eventually(() => (names.every((n) => this.operator.controllers()?.reported.ingest.report(`${this.ns}/${n}`)?.online === true) ? true : undefined), 'every device online at the operator', 60_000);
  }

  async createRollout(name: string, spec: Omit<RolloutSpec, 'firmwareRef'> & { firmwareRef?: { name: string } }): Promise<void> {
    await create(this.kubeConfig, this.ns, 'rollouts', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Rollout', metadata: { name }, spec: { firmwareRef: { name: NEW_FIRMWARE }, ...spec } });
  }

  async patchRollout(name: string, spec: Partial<RolloutSpec>): Promise<void> {
    await this.kubeConfig.makeApiClient(CustomObjectsApi).patchNamespacedCustomObject(
      { group: 'kubeflash.dev', version: 'v1alpha1', namespace: this.ns, plural: 'rollouts', name, body: { spec } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  /** A control as the extension sends it through Rancher's Steve: a JSON Patch of one spec field, no resourceVersion. */
  async controlRollout(name: string, field: keyof RolloutSpec, value: unknown, op: 'add' | 'replace' = 'add'): Promise<void> {
    await this.kubeConfig.makeApiClient(CustomObjectsApi).patchNamespacedCustomObject(
      { group: 'kubeflash.dev', version: 'v1alpha1', namespace: this.ns, plural: 'rollouts', name, body: [{ op, path: `/spec/${field}`, value }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
  }

  async readRollout(name: string): Promise<Rollout> {
    return (await this.kubeConfig.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: this.ns, plural: 'rollouts', name })) as Rollout;
  }

  async readDevice(name: string): Promise<Device> {
    return (await this.kubeConfig.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: this.ns, plural: 'devices', name })) as Device;
  }

  /** Waits until the Rollout reaches one of `phases`. */
  async untilPhase(name: string, phases: string[], timeoutMs = 60_000): Promise<Rollout> {
    return eventually(async () => {
      const r = await this.readRollout(name);
      return r.status?.phase && phases.includes(r.status.phase) ? r : undefined;
    }, `Rollout ${name} in ${phases.join(' or ')}`, timeoutMs);
  }

  /** cmd/ota payloads published to these devices, in order. */
  commandsTo(names: readonly string[]): { device: string; id: string; url: string }[] {
    const wanted = new Set(names.map((n) => `${this.ns}.${n}`));
    return this.commands.messages
      .map((m) => ({ device: m.topic.split('/')[2], payload: JSON.parse(m.payload) as { id: string; url: string } }))
      .filter((c) => wanted.has(c.device))
      .map((c) => ({ device: c.device.slice(this.ns.length + 1), id: c.payload.id, url: c.payload.url }));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.devices.values()].map((d) => d.stop()));
    await this.observer?.endAsync(true);
    await this.operator?.stop();
    await this.service?.stop();
    await this.cluster?.cleanup();
    await this.stopBroker?.();
    if (this.work) rmSync(this.work, { recursive: true, force: true });
  }
}
