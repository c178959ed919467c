import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { buildEspImage, buildNvsImage, buildNvsKeyPartition, chipIdFromName, encodeAppDescription, generateNvsKeys, nvsToolMinimalRecords, parseNvsImage, parseNvsKeyPartition, parsePartitionCsv, partitionTableToBinary } from '@kubeflash/esp';
import { decryptNvsImage, encryptNvsImage } from '@kubeflash/esp/node';
import { installSimulatedEsptool } from '../support/sim-esptool-path';
import { useTestCluster, type TestCluster } from '@kubeflash/devcluster/testing';
import { vectorsDir } from '../support/vectors';
import { installFakeEsptool } from './fake-esptool';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(repoRoot, 'pkg', 'cli', 'bin', 'kubeflash.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

// Asynchronous: devcluster runs in this process and must keep answering the child processes.
function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const PARTITIONS_CSV = `# Name, Type, SubType, Offset, Size, Flags
nvs,      data, nvs,     0x9000,   0x4000,
otadata,  data, ota,     0xd000,   0x2000,
phy_init, data, phy,     0xf000,   0x1000,
ota_0,    app,  ota_0,   0x10000,  0x100000,
ota_1,    app,  ota_1,   0x110000, 0x100000,
config,   data, nvs,     0x210000, 0x6000,
`;

describe('kubeflash flash-script', () => {
  let cluster: TestCluster;
  let work: string;
  let firmwareDir: string;
  let bin: string;
  const configBin = randomBytes(0x6000);
  let bootloader: Buffer;
  let app: Uint8Array;

  const flashScript = (args: string[]): Promise<Run> =>
    run(process.execPath, [cli, 'flash-script', ...args, '-n', cluster.namespace, '--kubeconfig', cluster.kubeconfigPath]);

  beforeAll(async () => {
    cluster = await useTestCluster({ namespacePrefix: 'kf-flash-script-cli' });
    work = mkdtempSync(join(tmpdir(), 'kubeflash-flash-script-cli-'));
    bin = installFakeEsptool(work);
    firmwareDir = join(work, 'build');
    mkdirSync(firmwareDir);
    bootloader = readFileSync(join(vectorsDir(), 'images', 'bootloader_esp32c3.bin'));
    app = buildEspImage({
      chipId: chipIdFromName('esp32c3'),
      segments: [{ loadAddress: 0x3c000020, data: Buffer.concat([encodeAppDescription({ projectName: 'c3-sensor', version: '1.4.0' }), randomBytes(4000)]) }],
    });
    writeFileSync(join(firmwareDir, 'bootloader.bin'), bootloader);
    writeFileSync(join(firmwareDir, 'partition-table.bin'), partitionTableToBinary(parsePartitionCsv(PARTITIONS_CSV)));
    writeFileSync(join(firmwareDir, 'c3-sensor.bin'), app);
    writeFileSync(join(firmwareDir, 'flasher_args.json'), JSON.stringify({
      flash_files: { '0x0': 'bootloader.bin', '0x8000': 'partition-table.bin', '0x10000': 'c3-sensor.bin' },
      bootloader: { offset: '0x0', file: 'bootloader.bin' },
      'partition-table': { offset: '0x8000', file: 'partition-table.bin' },
      app: { offset: '0x10000', file: 'c3-sensor.bin' },
      extra_esptool_args: { chip: 'esp32c3', before: 'default_reset', after: 'hard_reset' },
    }));

    const applied = await cluster.kubectl(['apply', '-f', join(repoRoot, 'charts', 'kubeflash', 'crds')]);
    if (applied.code !== 0) throw new Error(`applying the CRDs failed: ${applied.stderr}`);
    const objects = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    const ns = cluster.namespace;
    const create = (plural: string, body: object) => objects.createNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: ns, plural, body });
    await create('deviceclasses', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DeviceClass', metadata: { name: 'c3-sensor' }, spec: { chip: 'esp32c3', firmware: { source: { upload: {} }, version: '1.4.0' } } });
    await create('deviceclasses', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DeviceClass', metadata: { name: 's3-display' }, spec: { chip: 'esp32s3', firmware: { source: { upload: {} }, version: '2.0.0' } } });
    await create('deviceclasses', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DeviceClass', metadata: { name: 'c3-odd' }, spec: { chip: 'esp32c3', firmware: { source: { upload: {} }, version: '1.4.0' }, partitions: { config: { label: 'settings' } } } });
    for (const [name, klass] of [['garage-temp-1', 'c3-sensor'], ['hall-display', 's3-display'], ['odd-one', 'c3-odd']]) {
      await create('devices', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Device', metadata: { name }, spec: { deviceClassRef: { name: klass }, devicesClusterRef: { name: 'home' } } });
    }
    await cluster.kubeConfig.makeApiClient(CoreV1Api).createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'garage-temp-1-config' }, data: { 'config.bin': configBin.toString('base64') } },
    });
  });
  afterAll(async () => {
    await cluster?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("writes a script that flashes the build and the device's config at the offset of its class's config partition", async () => {
    const script = join(work, 'flash-garage-temp-1.sh');
    const generated = await flashScript(['garage-temp-1', '--firmware-dir', firmwareDir, '-o', script]);
    expect(generated.stderr).toBe(`wrote ${script}\n`);
    expect(generated.code).toBe(0);
    expect(statSync(script).mode & 0o777).toBe(0o755);
    expect(readFileSync(script, 'utf8')).not.toContain(configBin.toString('base64').slice(0, 40));

    const flash = join(work, 'flash.img');
    const flashed = await run('sh', [script, '--port', '/dev/ttyUSB1'], { PATH: `${bin}:${process.env.PATH}`, FAKE_FLASH: flash, KUBECONFIG: cluster.kubeconfigPath });
    expect(flashed.stderr).toBe('');
    expect(flashed.code).toBe(0);
    const image = readFileSync(flash);
    expect(image.subarray(0, bootloader.length).equals(bootloader)).toBe(true);
    expect(image.subarray(0x10000, 0x10000 + app.length).equals(Buffer.from(app))).toBe(true);
    expect(image.subarray(0x210000, 0x216000).equals(configBin)).toBe(true);
    expect(readFileSync(`${flash}.args`, 'utf8')).toMatch(/^--chip esp32c3 --port \/dev\/ttyUSB1 /);
  });

  it('embeds the config on request and marks the file private', async () => {
    const script = join(work, 'flash-embedded.sh');
    const generated = await flashScript(['garage-temp-1', '--firmware-dir', firmwareDir, '--embed-config', '-o', script]);
    expect(generated.code).toBe(0);
    expect(generated.stderr).toContain('contains the device\'s secrets');
    expect(statSync(script).mode & 0o777).toBe(0o700);
    const flash = join(work, 'flash-embedded.img');
    const flashed = await run('sh', [script], { PATH: `${bin}:${process.env.PATH}`, FAKE_FLASH: flash, KUBECONFIG: '/nonexistent' });
    expect(flashed.code).toBe(0);
    expect(readFileSync(flash).subarray(0x210000, 0x216000).equals(configBin)).toBe(true);
  });

  it('writes a script that downloads the images from --firmware-url and checks them before flashing', async () => {
    let tamper = false;
    const server: Server = createServer((req, res) => {
      const file = decodeURIComponent((req.url ?? '').replace(/^\/fw\//, ''));
      let data: Buffer;
      try {
        data = readFileSync(join(firmwareDir, file));
      } catch {
        res.writeHead(404).end();
        return;
      }
      if (tamper && file === 'c3-sensor.bin') data = Buffer.concat([data.subarray(0, 100), Buffer.from([data[100] ^ 0xff]), data.subarray(101)]);
      res.writeHead(200, { 'content-length': data.length }).end(data);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fw/`;
      const script = join(work, 'flash-download.sh');
      const generated = await flashScript(['garage-temp-1', '--firmware-dir', firmwareDir, '--firmware-url', url, '-o', script]);
      expect(generated.code).toBe(0);
      expect(readFileSync(script, 'utf8')).toContain(`${url}c3-sensor.bin`);
      const env = { PATH: `${bin}:${process.env.PATH}`, KUBECONFIG: cluster.kubeconfigPath };
      const flash = join(work, 'flash-download.img');
      const flashed = await run('sh', [script], { ...env, FAKE_FLASH: flash });
      expect(flashed.stderr).toBe('');
      expect(flashed.code).toBe(0);
      expect(readFileSync(flash).subarray(0x10000, 0x10000 + app.length).equals(Buffer.from(app))).toBe(true);

      tamper = true;
      const refused = await run('sh', [script], { ...env, FAKE_FLASH: join(work, 'flash-tampered.img') });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('app: c3-sensor.bin has the wrong SHA-256');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('prints a firmware-only script with no reference to the config', async () => {
    const generated = await flashScript(['garage-temp-1', '--firmware-dir', firmwareDir, '--firmware-only']);
    expect(generated.code).toBe(0);
    expect(generated.stdout).toMatch(/^#!\/bin\/sh\n/);
    expect(generated.stdout).not.toContain('config.bin');
  });

  it.each([
    ['a Device that does not exist', ['nope', '--firmware-dir'], (ns: string) => `kubeflash: Device ${ns}/nope not found`],
    ['a build for another chip than the class', ['hall-display', '--firmware-dir'], () => 'kubeflash: firmware folder: flasher_args.json is a build for ESP32-C3, not ESP32-S3.'],
    ['a --firmware-url that is not http(s)', ['garage-temp-1', '--firmware-url', 'ftp://files.example.net/fw', '--firmware-dir'], () => 'kubeflash: --firmware-url must be an http(s) URL, got "ftp://files.example.net/fw"'],
    ['a class whose config partition the build lacks', ['odd-one', '--firmware-dir'], () => 'has no partition labelled "settings" (it has: nvs, otadata, phy_init, ota_0, ota_1, config)'],
  ])('fails with a one-line message for %s', async (_case, args, message) => {
    const result = await flashScript([...args, firmwareDir]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(message(cluster.namespace));
  });

  describe('for a class with NVS encryption', () => {
    const ENC_TABLE = `nvs,      data, nvs,      0x9000,   0x4000,
otadata,  data, ota,      0xd000,   0x2000,
nvs_keys, data, nvs_keys, 0xf000,   0x1000,
ota_0,    app,  ota_0,    0x10000,  0x100000,
ota_1,    app,  ota_1,    0x110000, 0x100000,
config,   data, nvs,      0x210000, 0x6000,
`;
    const keys = generateNvsKeys();
    const encrypted = encryptNvsImage(buildNvsImage([{ namespace: 'config', key: 'device_id', type: 'string', value: 'vault-1' }], { size: 0x6000 }), keys);
    let encDir: string;
    let simBin: string;

    beforeAll(async () => {
      simBin = installSimulatedEsptool(join(work, 'sim'));
      encDir = join(work, 'enc-build');
      mkdirSync(encDir);
      writeFileSync(join(encDir, 'partition-table.bin'), partitionTableToBinary(parsePartitionCsv(ENC_TABLE)));
      writeFileSync(join(encDir, 'c3-sensor.bin'), app);
      writeFileSync(join(encDir, 'flasher_args.json'), JSON.stringify({
        flash_files: { '0x8000': 'partition-table.bin', '0x10000': 'c3-sensor.bin' },
        'partition-table': { offset: '0x8000', file: 'partition-table.bin' },
        app: { offset: '0x10000', file: 'c3-sensor.bin' },
        extra_esptool_args: { chip: 'esp32c3' },
      }));
      const objects = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
      const create = (plural: string, body: object) => objects.createNamespacedCustomObject({ group: 'kubeflash.dev', version: 'v1alpha1', namespace: cluster.namespace, plural, body });
      await create('deviceclasses', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'DeviceClass', metadata: { name: 'c3-vault' }, spec: { chip: 'esp32c3', encryption: 'nvs' } });
      await create('devices', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Device', metadata: { name: 'vault-1' }, spec: { deviceClassRef: { name: 'c3-vault' }, devicesClusterRef: { name: 'home' } } });
      await cluster.kubeConfig.makeApiClient(CoreV1Api).createNamespacedSecret({
        namespace: cluster.namespace,
        body: { metadata: { name: 'vault-1-config' }, data: { 'config.bin': Buffer.from(encrypted).toString('base64'), 'nvs_keys.bin': Buffer.from(buildNvsKeyPartition(keys)).toString('base64') } },
      });
    });

    it.each([[[] as string[], 'reading the Secret with kubectl'], [['--embed-config'], 'embedded']])(
      'writes a script (%s, %s) that flashes the keys to nvs_keys, and the simulated board decrypts its config', async (extra, _how) => {
        const script = join(work, `flash-vault-${extra.length}.sh`);
        const generated = await flashScript(['vault-1', '--firmware-dir', encDir, ...extra, '-o', script]);
        expect(generated.code).toBe(0);
        const flash = join(work, `vault-${extra.length}.img`);
        const flashed = await run('sh', [script], { PATH: `${simBin}:${process.env.PATH}`, SIM_FLASH: flash, KUBECONFIG: cluster.kubeconfigPath });
        expect(flashed.stderr).toBe('');
        expect(flashed.code).toBe(0);
        const board = readFileSync(flash);
        const flashedKeys = parseNvsKeyPartition(new Uint8Array(board.subarray(0xf000, 0x10000)));
        const records = nvsToolMinimalRecords(parseNvsImage(decryptNvsImage(new Uint8Array(board.subarray(0x210000, 0x216000)), flashedKeys)));
        expect(records.map((r) => [r.key, r.data])).toEqual([['device_id', 'vault-1']]);
      }, 60_000);

    it('refuses a build whose partition table has no nvs_keys partition', async () => {
      const result = await flashScript(['vault-1', '--firmware-dir', firmwareDir]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(`kubeflash: the class encrypts its config, but the partition table of ${firmwareDir} has no nvs_keys partition (data, nvs_keys) for the keys`);
    });
  });
});
