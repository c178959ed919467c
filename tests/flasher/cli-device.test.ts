import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { buildEspImage, buildNvsImage, chipIdFromName, encodeAppDescription, nvsToolMinimalRecords, parseNvsImage, parsePartitionCsv, partitionTableToBinary } from '@kubeflash/esp';
import { createSimulator } from '@kubeflash/flasher/simulator';
import { runFlashCommand, type FlashCommandDeps } from '../../pkg/cli/src/commands/flash';
import { useTestCluster, type TestCluster } from '@kubeflash/devcluster/testing';
import { repoRoot, vector } from './support';

const PARTITIONS_CSV = `nvs,      data, nvs,     0x9000,   0x4000,
otadata,  data, ota,     0xd000,   0x2000,
phy_init, data, phy,     0xf000,   0x1000,
ota_0,    app,  ota_0,   0x10000,  0x100000,
ota_1,    app,  ota_1,   0x110000, 0x100000,
settings, data, nvs,     0x210000, 0x6000,
`;

function quietDeps(): Omit<FlashCommandDeps, 'openPort'> & { out: () => string } {
  let out = '';
  return { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => true, isTTY: false }, out: () => out };
}

describe('kubeflash flash <Device in the cluster>', () => {
  let cluster: TestCluster;
  let work: string;
  const config = buildNvsImage(
    [
      { namespace: 'config', key: 'device_id', type: 'string', value: 'garage-temp-1' },
      { namespace: 'config', key: 'sample_period', type: 'u16', value: 60 },
    ],
    { size: 0x6000 },
  );
  const app = buildEspImage({ chipId: chipIdFromName('esp32c3'), segments: [{ loadAddress: 0x3c000020, data: Buffer.concat([encodeAppDescription({ projectName: 'c3-sensor', version: '1.4.0' }), Buffer.alloc(3000, 7)]) }] });

  beforeAll(async () => {
    cluster = await useTestCluster({ namespacePrefix: 'kf-flash-device' });
    work = mkdtempSync(join(tmpdir(), 'kubeflash-flash-device-'));
    mkdirSync(join(work, 'build'));
    writeFileSync(join(work, 'build', 'bootloader.bin'), vector('images', 'bootloader_esp32c3.bin'));
    writeFileSync(join(work, 'build', 'partition-table.bin'), partitionTableToBinary(parsePartitionCsv(PARTITIONS_CSV)));
    writeFileSync(join(work, 'build', 'app.bin'), app);
    writeFileSync(join(work, 'build', 'flasher_args.json'), JSON.stringify({
      flash_files: { '0x0': 'bootloader.bin', '0x8000': 'partition-table.bin', '0x10000': 'app.bin' },
      bootloader: { offset: '0x0', file: 'bootloader.bin' },
      'partition-table': { offset: '0x8000', file: 'partition-table.bin' },
      app: { offset: '0x10000', file: 'app.bin' },
      extra_esptool_args: { chip: 'esp32c3' },
    }));
    const applied = await cluster.kubectl(['apply', '-f', join(repoRoot, 'charts', 'kubeflash', 'crds')]);
    if (applied.code !== 0) throw new Error(`applying the CRDs failed: ${applied.stderr}`);
    const objects = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    const create = (plural: string, body: object) => objects.createNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: cluster.namespace, plural, body });
    await create('deviceclasses', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DeviceClass', metadata: { name: 'c3-sensor' }, spec: { chip: 'esp32c3', partitions: { config: { label: 'settings' } } } });
    await create('devices', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Device', metadata: { name: 'garage-temp-1' }, spec: { deviceClassRef: { name: 'c3-sensor' }, devicesClusterRef: { name: 'home' } } });
    await create('devices', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Device', metadata: { name: 'not-ready' }, spec: { deviceClassRef: { name: 'c3-sensor' }, devicesClusterRef: { name: 'home' } } });
    await cluster.kubeConfig.makeApiClient(CoreV1Api).createNamespacedSecret({
      namespace: cluster.namespace,
      body: { metadata: { name: 'garage-temp-1-config' }, data: { 'config.bin': Buffer.from(config).toString('base64') } },
    });
  });
  afterAll(async () => {
    await cluster?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const options = (extra: object = {}) => ({ port: '/dev/ttyFAKE', baud: '921600', firmware: join(work, 'build'), namespace: cluster.namespace, kubeconfig: cluster.kubeconfigPath, ...extra });

  it("flashes the build and the Device's config.bin at its class's config partition, then reads back the device's values", async () => {
    const sim = createSimulator({ chip: 'ESP32-C3' });
    const io = quietDeps();
    await runFlashCommand('garage-temp-1', options(), { ...io, openPort: async () => sim.port });
    expect(io.out()).toMatch(/^Flashing ESP32-C3 on \/dev\/ttyFAKE: .*config@0x210000/);
    const readBack = sim.device.flash.read(0x210000, 0x6000);
    const records = nvsToolMinimalRecords(parseNvsImage(readBack));
    expect(records.map((r) => [r.key, r.data])).toEqual([['device_id', 'garage-temp-1'], ['sample_period', 60]]);
    expect(Buffer.from(sim.device.flash.read(0x10000, app.length)).equals(Buffer.from(app))).toBe(true);
  });

  it('re-provisions only the config partition with --config-only', async () => {
    const sim = createSimulator({ chip: 'ESP32-C3' });
    await runFlashCommand('garage-temp-1', options({ configOnly: true }), { ...quietDeps(), openPort: async () => sim.port });
    expect([...sim.device.flash.touchedSectors].every((s) => s >= 0x210 && s < 0x216)).toBe(true);
  });

  it.each([
    ['a Device whose configuration is not ready', 'not-ready', {}, "Secret NS/not-ready-config (config of Device not-ready) not found: the operator has not written the Device's configuration yet"],
    ['a Device that does not exist', 'nope', {}, 'Device NS/nope not found'],
    ['a --chip that contradicts the class', 'garage-temp-1', { chip: 'esp32s3' }, '--chip esp32s3 does not match Device NS/garage-temp-1, whose class c3-sensor is esp32c3'],
    ['no --firmware while the class has no current Firmware', 'garage-temp-1', { firmware: undefined }, 'DeviceClass NS/c3-sensor has no current Firmware (set spec.firmware.version), so say which build to flash with --firmware-name or --firmware'],
  ])('refuses %s with a clear message', async (_case, name, extra, message) => {
    await expect(runFlashCommand(name, options(extra), { ...quietDeps(), openPort: async () => { throw new Error('must not open the port'); } })).rejects.toThrow(message.replace(/NS/g, cluster.namespace));
  });
});
