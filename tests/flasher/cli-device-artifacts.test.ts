/**
 * `kubeflash flash <device>` with the images from the artifact service: the operator renders the device's
 * (NVS-encrypted) config with ota_pubkey, the class's current Firmware is uploaded and signed, and the real
 * flashing engine writes it all to the ROM-loader simulator; the simulated flash then holds the keys partition
 * and the config decrypts with it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { CoreV1Api } from '@kubernetes/client-node';
import { nvsToolMinimalRecords, parseNvsImage, parseNvsKeyPartition } from '@kubeflash/esp';
import { decryptNvsImage } from '@kubeflash/esp/node';
import { createSimulator } from '@kubeflash/flasher/simulator';
import { startOperator, type RunningOperator } from '@kubeflash/operator';
import { eventually, useTestCluster, type TestCluster } from '@kubeflash/devcluster/testing';
import { filesFromBuildDir, postUpload } from '../../operator/src/artifacts/client';
import { startArtifactService, type RunningArtifactService } from '../../operator/src/artifacts/service/service';
import { openFileSystemStore } from '../../operator/src/artifacts/store';
import { DEFAULT_BUILDER_SETTINGS } from '../../operator/src/controllers/firmware/job';
import { runFlashCommand, type FlashCommandDeps } from '../../pkg/cli/src/commands/flash';
import { create, deviceClass, firmware, readFirmware, uploadToken, writeDemoBuild } from '../artifacts/support';
import { installCrds } from '../operator/support';

jest.setTimeout(180_000);

let cluster: TestCluster;
let ns: string;
let work: string;
let operator: RunningOperator;
let service: RunningArtifactService;

const io = (): Omit<FlashCommandDeps, 'openPort'> => ({ stdout: { write: () => true }, stderr: { write: () => true, isTTY: false } });
const options = (extra: object = {}) => ({ port: '/dev/ttyFAKE', baud: '921600', namespace: ns, kubeconfig: cluster.kubeconfigPath, ...extra });

async function upload(name: string, version: string): Promise<void> {
  writeDemoBuild(join(work, name), { chip: 'esp32c3', version, projectName: 'c3-vault' });
  const result = await postUpload(service.url, ns, name, await uploadToken(cluster.kubeConfig, ns, name), filesFromBuildDir(join(work, name)));
  if (result.status !== 201) throw new Error(`upload of ${name} failed: ${result.body.message}`);
}

beforeAll(async () => {
  cluster = await useTestCluster({ namespacePrefix: 'kf-flash-artifacts' });
  ns = cluster.namespace;
  await installCrds(cluster.kubeConfig);
  work = mkdtempSync(join(tmpdir(), 'kubeflash-flash-artifacts-'));
  await create(cluster.kubeConfig, ns, 'devicesclusters', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DevicesCluster', metadata: { name: 'home' }, spec: { mqtt: { brokerUri: 'mqtt://127.0.0.1:1883' } } });
  await create(cluster.kubeConfig, ns, 'deviceclasses', deviceClass('c3-vault', 'esp32c3', { encryption: 'nvs', firmware: { source: { upload: {} }, version: '1.1.0' } }));
  await create(cluster.kubeConfig, ns, 'firmwares', firmware('c3-vault-1-0-0', 'c3-vault', '1.0.0'));
  await create(cluster.kubeConfig, ns, 'devices', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Device', metadata: { name: 'vault-1' }, spec: { deviceClassRef: { name: 'c3-vault' }, devicesClusterRef: { name: 'home' } } });
  operator = await startOperator({ kubeConfig: cluster.kubeConfig, healthPort: 0, namespace: ns, leaderElection: false, resyncPeriodMs: 0 });
  await operator.whenControllersRunning();
  const { store } = await openFileSystemStore(join(work, 'store'));
  service = await startArtifactService({ kubeConfig: cluster.kubeConfig, store, urlKey: new Uint8Array(randomBytes(32)), builder: DEFAULT_BUILDER_SETTINGS, namespace: ns });
  await eventually(() => readFirmware(cluster.kubeConfig, ns, 'c3-vault-1-1-0').catch(() => undefined), 'the class Firmware');
  await upload('c3-vault-1-1-0', '1.1.0');
  await upload('c3-vault-1-0-0', '1.0.0');
  await eventually(async () => {
    const s = await cluster.kubeConfig.makeApiClient(CoreV1Api).readNamespacedSecret({ name: 'vault-1-config', namespace: ns }).catch(() => undefined);
    return s?.data?.['nvs_keys.bin'] ? s : undefined;
  }, 'the rendered config of vault-1');
});

afterAll(async () => {
  await service?.stop();
  await operator?.stop();
  await cluster?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('kubeflash flash <Device> from the artifact service', () => {
  it("writes the class's current Firmware, the encrypted config and its keys; the flashed config decrypts and carries ota_pubkey", async () => {
    const sim = createSimulator({ chip: 'ESP32-C3' });
    await runFlashCommand('vault-1', options(), { ...io(), openPort: async () => sim.port });
    const app = (await readFirmware(cluster.kubeConfig, ns, 'c3-vault-1-1-0')).status?.artifacts?.find((a) => a.name === 'app');
    const flashedApp = sim.device.flash.read(0x10000, app?.size ?? 0);
    expect(Buffer.from(flashedApp).toString('latin1')).toContain('c3-vault 1.1.0');
    // Demo partition table: nvs_keys at 0xf000, config at 0x310000.
    const keys = parseNvsKeyPartition(sim.device.flash.read(0xf000, 0x1000));
    const plain = decryptNvsImage(sim.device.flash.read(0x310000, 0x8000), keys);
    const values = new Map(nvsToolMinimalRecords(parseNvsImage(plain)).map((r) => [r.key, r.data]));
    expect(values.get('device_id')).toBe(`${ns}.vault-1`);
    const signing = await cluster.kubeConfig.makeApiClient(CoreV1Api).readNamespacedSecret({ name: 'kubeflash-firmware-signing-key', namespace: ns });
    const pub = parseNvsImage(plain).values.find((v) => v.key === 'ota_pubkey');
    expect(pub?.type).toBe('blob');
    expect(Buffer.from(pub?.value as Uint8Array).equals(Buffer.from(signing.data?.['ota_pubkey.der'] ?? '', 'base64'))).toBe(true);
    expect(pub?.value).toHaveLength(91);
  });

  it('flashes another Succeeded Firmware on request, and only config and keys with --config-only', async () => {
    const sim = createSimulator({ chip: 'ESP32-C3' });
    await runFlashCommand('vault-1', options({ firmwareName: 'c3-vault-1-0-0' }), { ...io(), openPort: async () => sim.port });
    expect(Buffer.from(sim.device.flash.read(0x10000, 0x2000)).toString('latin1')).toContain('c3-vault 1.0.0');
    const again = createSimulator({ chip: 'ESP32-C3' });
    await runFlashCommand('vault-1', options({ configOnly: true }), { ...io(), openPort: async () => again.port });
    expect([...again.device.flash.touchedSectors].every((s) => s === 0xf || (s >= 0x310 && s < 0x318))).toBe(true);
  });

  it('refuses a Firmware of another class or one without artifacts', async () => {
    await create(cluster.kubeConfig, ns, 'deviceclasses', deviceClass('other', 'esp32c3'));
    await create(cluster.kubeConfig, ns, 'firmwares', firmware('other-1', 'other', '1.0.0'));
    await create(cluster.kubeConfig, ns, 'firmwares', firmware('c3-vault-2-0-0', 'c3-vault', '2.0.0'));
    const never = { ...io(), openPort: async () => { throw new Error('must not open the port'); } };
    await expect(runFlashCommand('vault-1', options({ firmwareName: 'other-1' }), never)).rejects.toThrow(`Firmware ${ns}/other-1 is built for DeviceClass other, not c3-vault`);
    await expect(runFlashCommand('vault-1', options({ firmwareName: 'c3-vault-2-0-0' }), never)).rejects.toThrow(`Firmware ${ns}/c3-vault-2-0-0 has no artifacts (phase `);
  });
});
