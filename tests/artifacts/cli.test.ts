/**
 * The CLI against the artifact service on devcluster: `kubeflash firmware upload` (a one-time token made with the
 * kubeconfig) and `firmware download` (checked against status), and the service's own flash script for an
 * encrypted device, run with esptool replaced by the real flashing engine on the ROM-loader simulator.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { buildNvsImage, buildNvsKeyPartition, generateNvsKeys, nvsToolMinimalRecords, parseNvsImage, parseNvsKeyPartition } from '@kubeflash/esp';
import { decryptNvsImage, encryptNvsImage } from '@kubeflash/esp/node';
import { createSimulator } from '@kubeflash/flasher/simulator';
import { repoRoot } from '@kubeflash/operator/paths';
import { eventually, useTestCluster, type TestCluster } from '@kubeflash/devcluster/testing';
import { runFlashCommand, type FlashCommandDeps } from '../../pkg/cli/src/commands/flash';
import { signedFlashScriptUrl } from '../../operator/src/artifacts/service/device-files';
import { startArtifactService, type RunningArtifactService } from '../../operator/src/artifacts/service/service';
import { openFileSystemStore } from '../../operator/src/artifacts/store';
import { DEFAULT_BUILDER_SETTINGS } from '../../operator/src/controllers/firmware/job';
import { installCrds } from '../operator/support';
import { installSimulatedEsptool } from '../support/sim-esptool-path';
import { create, deviceClass, firmware, readFirmware, writeDemoBuild } from './support';

jest.setTimeout(240_000);

let cluster: TestCluster;
let ns: string;
let work: string;
let service: RunningArtifactService;
const urlKey = new Uint8Array(randomBytes(32));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: work, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
const kubeflash = (args: string[]): Promise<Run> => run(process.execPath, [join(repoRoot, 'pkg/cli/bin/kubeflash.js'), ...args, '-n', ns, '--kubeconfig', cluster.kubeconfigPath]);

beforeAll(async () => {
  cluster = await useTestCluster({ namespacePrefix: 'kf-artifacts-cli' });
  ns = cluster.namespace;
  await installCrds(cluster.kubeConfig);
  work = mkdtempSync(join(tmpdir(), 'kubeflash-artifacts-cli-'));
  const { store } = await openFileSystemStore(join(work, 'store'));
  await create(cluster.kubeConfig, ns, 'deviceclasses', deviceClass('c3-vault', 'esp32c3', { encryption: 'nvs' }));
  await create(cluster.kubeConfig, ns, 'firmwares', firmware('c3-vault-1-0-0', 'c3-vault', '1.0.0'));
  await create(cluster.kubeConfig, ns, 'firmwares', firmware('c3-vault-1-1-0', 'c3-vault', '1.1.0'));
  service = await startArtifactService({ kubeConfig: cluster.kubeConfig, store, urlKey, builder: DEFAULT_BUILDER_SETTINGS, namespace: ns });
});

afterAll(async () => {
  await service?.stop();
  await cluster?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('kubeflash firmware upload and download', () => {
  it('uploads an ESP-IDF build folder with a one-time token it makes, and prints what was stored', async () => {
    writeDemoBuild(join(work, 'build'), { chip: 'esp32c3', version: '1.0.0', projectName: 'c3-vault' });
    const r = await kubeflash(['firmware', 'upload', 'c3-vault-1-0-0', '--build-dir', join(work, 'build'), '--url', service.url]);
    expect(r.stderr).toMatch(new RegExp(`^uploading 4 image\\(s\\), \\d+ KiB, to ${service.url.replace(/\./g, '\\.')} for Firmware ${ns}/c3-vault-1-0-0\\.\\.\\.\\n$`));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^bootloader +0x0 +\d+ {2}[0-9a-f]{64}\n/);
    expect(r.stdout).toContain(`Firmware ${ns}/c3-vault-1-0-0 is Succeeded: app c3-vault 1.0.0, signed with key `);
    expect((await readFirmware(cluster.kubeConfig, ns, 'c3-vault-1-0-0')).status?.phase).toBe('Succeeded');
    const tokens = await cluster.kubeConfig.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace: ns, labelSelector: 'kubeflash.dev/upload-token-for' });
    expect(tokens.items).toEqual([]);
  });

  it('reports a refused upload with the service\'s reason and exit code 1', async () => {
    writeDemoBuild(join(work, 'build-wrong'), { chip: 'esp32c3', version: '1.0.9', projectName: 'c3-vault' });
    const r = await kubeflash(['firmware', 'upload', 'c3-vault-1-1-0', '--build-dir', join(work, 'build-wrong'), '--url', service.url]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe('kubeflash: upload refused (HTTP 422): app image c3-vault.bin has version "1.0.9" in its app description, but Firmware c3-vault-1-1-0 has spec.version "1.1.0"');
  });

  it.each([
    [['--build-dir', '/nonexistent'], 'kubeflash: /nonexistent has no flasher_args.json: give the ESP-IDF build folder (idf.py build writes it there)'],
    [['--image', '/nonexistent/app.bin'], 'kubeflash: /nonexistent/app.bin does not exist'],
    [[], 'kubeflash: give exactly one of --build-dir <ESP-IDF build folder>, --manifest <flasher_args.json> or --image <app.bin>'],
  ])('refuses bad arguments %j with one line', async (args, message) => {
    const r = await kubeflash(['firmware', 'upload', 'c3-vault-1-1-0', ...args, '--url', service.url]);
    expect([r.code, r.stderr.trim()]).toEqual([2, message]);
  });

  it('downloads every image, manifest.json and flasher_args.json, checked against the SHA-256 in status', async () => {
    const out = join(work, 'download');
    const r = await kubeflash(['firmware', 'download', 'c3-vault-1-0-0', '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['app.bin', 'bootloader.bin', 'flasher_args.json', 'manifest.json', 'ota-data-initial.bin', 'partition-table.bin']);
    expect(readFileSync(join(out, 'app.bin')).equals(readFileSync(join(work, 'build', 'c3-vault.bin')))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).builds[0].chipFamily).toBe('ESP32-C3');
  });

  it('refuses to write anything when a downloaded image does not match status', async () => {
    const server: Server = createServer((_req, res) => res.writeHead(200).end(randomBytes(1000)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const out = join(work, 'tampered');
      const r = await kubeflash(['firmware', 'download', 'c3-vault-1-0-0', '-o', out, '--url', `http://127.0.0.1:${(server.address() as AddressInfo).port}`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^kubeflash: the bootloader image of Firmware c3-vault-1-0-0 from http:\/\/127\.0\.0\.1:\d+\/blobs\/sha256\/[0-9a-f]{64} does not match Firmware status \(1000 bytes/);
      expect(existsSync(out)).toBe(false);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe("the artifact service's flash script for an encrypted device", () => {
  it('downloads the images, config.bin and nvs_keys.bin by signed links and flashes them; the config decrypts with the flashed keys', async () => {
    const keys = generateNvsKeys();
    const plain = buildNvsImage([{ namespace: 'config', key: 'device_id', type: 'string', value: `${ns}.vault-1` }], { size: 0x6000 });
    await create(cluster.kubeConfig, ns, 'devices', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Device', metadata: { name: 'vault-1' }, spec: { deviceClassRef: { name: 'c3-vault' }, devicesClusterRef: { name: 'home' } } });
    await cluster.kubeConfig.makeApiClient(CoreV1Api).createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'vault-1-config' }, data: { 'config.bin': Buffer.from(encryptNvsImage(plain, keys)).toString('base64'), 'nvs_keys.bin': Buffer.from(buildNvsKeyPartition(keys)).toString('base64') } },
    });
    const link = `${signedFlashScriptUrl(urlKey, service.url, ns, 'vault-1', new Date(Date.now() + 600_000))}&firmware=c3-vault-1-0-0`;
    const script = await eventually(async () => {
      const r = await fetch(link);
      return r.ok ? r.text() : undefined;
    }, 'the flash script');
    writeFileSync(join(work, 'flash-vault-1.sh'), script);
    const bin = installSimulatedEsptool(join(work, 'sim'));
    const board = join(work, 'board.img');
    const flashed = await run('sh', [join(work, 'flash-vault-1.sh')], { PATH: `${bin}:${process.env.PATH}`, SIM_FLASH: board });
    expect(flashed.stderr).toBe('');
    expect(flashed.code).toBe(0);
    const image = readFileSync(board);
    const flashedKeys = parseNvsKeyPartition(new Uint8Array(image.subarray(0xf000, 0x10000)));
    const records = nvsToolMinimalRecords(parseNvsImage(decryptNvsImage(new Uint8Array(image.subarray(0x310000, 0x316000)), flashedKeys)));
    expect(records.map((r) => [r.key, r.data])).toEqual([['device_id', `${ns}.vault-1`]]);
    const app = (await readFirmware(cluster.kubeConfig, ns, 'c3-vault-1-0-0')).status?.artifacts?.find((a) => a.name === 'app');
    expect(image.subarray(0x10000, 0x10000 + (app?.size ?? 0)).equals(readFileSync(join(work, 'build', 'c3-vault.bin')))).toBe(true);
  });

  it('kubeflash flash-script without --firmware-dir takes the images from the artifact service and the keys from the Secret', async () => {
    const out = join(work, 'flash-cli.sh');
    const made = await kubeflash(['flash-script', 'vault-1', '--firmware-name', 'c3-vault-1-0-0', '-o', out]);
    expect(made.stderr).toBe(`wrote ${out}\n`);
    expect(made.code).toBe(0);
    const bin = installSimulatedEsptool(join(work, 'sim2'));
    const board = join(work, 'board-cli.img');
    const flashed = await run('sh', [out], { PATH: `${bin}:${process.env.PATH}`, SIM_FLASH: board, KUBECONFIG: cluster.kubeconfigPath });
    expect(flashed.stderr).toBe('');
    expect(flashed.code).toBe(0);
    const image = readFileSync(board);
    const keys = parseNvsKeyPartition(new Uint8Array(image.subarray(0xf000, 0x10000)));
    const records = nvsToolMinimalRecords(parseNvsImage(decryptNvsImage(new Uint8Array(image.subarray(0x310000, 0x316000)), keys)));
    expect(records.map((r) => [r.key, r.data])).toEqual([['device_id', `${ns}.vault-1`]]);
  });
});

describe('kubeflash flash <Device> with the images of the artifact service', () => {
  const keys = generateNvsKeys();
  const quiet = (): Omit<FlashCommandDeps, 'openPort'> & { out: () => string } => {
    let out = '';
    return { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => true, isTTY: false }, out: () => out };
  };
  const options = (extra: object = {}) => ({ port: '/dev/ttyFAKE', baud: '921600', namespace: ns, kubeconfig: cluster.kubeconfigPath, ...extra });

  beforeAll(async () => {
    const plain = buildNvsImage([{ namespace: 'config', key: 'device_id', type: 'string', value: `${ns}.vault-2` }], { size: 0x6000 });
    await create(cluster.kubeConfig, ns, 'devices', { apiVersion: 'kubeflash.dev/v1alpha1', kind: 'Device', metadata: { name: 'vault-2' }, spec: { deviceClassRef: { name: 'c3-vault' }, devicesClusterRef: { name: 'home' } } });
    await cluster.kubeConfig.makeApiClient(CoreV1Api).createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'vault-2-config' }, data: { 'config.bin': Buffer.from(encryptNvsImage(plain, keys)).toString('base64'), 'nvs_keys.bin': Buffer.from(buildNvsKeyPartition(keys)).toString('base64') } },
    });
  });

  async function flashAndRead(extra: object): Promise<{ app: Buffer; records: [string, unknown][]; out: string }> {
    const sim = createSimulator({ chip: 'ESP32-C3' });
    const io = quiet();
    await runFlashCommand('vault-2', options(extra), { ...io, openPort: async () => sim.port });
    const app = (await readFirmware(cluster.kubeConfig, ns, 'c3-vault-1-0-0')).status?.artifacts?.find((a) => a.name === 'app');
    const flashedKeys = parseNvsKeyPartition(sim.device.flash.read(0xf000, 0x1000));
    const config = decryptNvsImage(sim.device.flash.read(0x310000, 0x6000), flashedKeys);
    return {
      app: Buffer.from(sim.device.flash.read(0x10000, app?.size ?? 0)),
      records: nvsToolMinimalRecords(parseNvsImage(config)).map((r) => [r.key, r.data]),
      out: io.out(),
    };
  }

  it('flashes another Succeeded Firmware of the class on request (--firmware-name), with the Device\'s encrypted config and its keys', async () => {
    const flashed = await flashAndRead({ firmwareName: 'c3-vault-1-0-0' });
    expect(flashed.out).toMatch(/^Flashing ESP32-C3 on \/dev\/ttyFAKE: /);
    expect(flashed.app.equals(readFileSync(join(work, 'build', 'c3-vault.bin')))).toBe(true);
    expect(flashed.records).toEqual([['device_id', `${ns}.vault-2`]]);
  });

  it("flashes the class's current Firmware (status.firmware) by default", async () => {
    const objects = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    const ref = { group: 'kubeflash.dev', version: 'v1alpha1', namespace: ns, plural: 'deviceclasses', name: 'c3-vault' };
    const current = (await objects.getNamespacedCustomObject(ref)) as { status?: object };
    await objects.replaceNamespacedCustomObjectStatus({ ...ref, body: { ...current, status: { ...current.status, firmware: { name: 'c3-vault-1-0-0', version: '1.0.0', phase: 'Succeeded' } } } });
    const flashed = await flashAndRead({});
    expect(flashed.app.equals(readFileSync(join(work, 'build', 'c3-vault.bin')))).toBe(true);
    expect(flashed.records).toEqual([['device_id', `${ns}.vault-2`]]);
  });

  it.each([
    ['a Firmware that has no artifacts', { firmwareName: 'c3-vault-1-1-0' }, `Firmware NS/c3-vault-1-1-0 has no artifacts (phase Failed: upload rejected: app image c3-vault.bin has version "1.0.9"`],
    ['a Firmware that does not exist', { firmwareName: 'c3-vault-9-9-9' }, 'Firmware NS/c3-vault-9-9-9 cannot be read: '],
  ])('refuses %s before opening the port', async (_case, extra, message) => {
    await expect(runFlashCommand('vault-2', options(extra), { ...quiet(), openPort: async () => { throw new Error('must not open the port'); } })).rejects.toThrow(message.replace(/NS/g, ns));
  });
});
