import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { buildEspImage, buildNvsImage, buildNvsKeyPartition, chipIdFromName, encodeAppDescription, generateNvsKeys, nvsToolMinimalRecords, parseNvsImage, parseNvsKeyPartition, parsePartitionCsv, partitionTableToBinary } from '@kubeflash/esp';
import { decryptNvsImage, encryptNvsImage } from '@kubeflash/esp/node';
import { generateFlashScript, type FlashScriptInput, type ScriptFirmwarePart } from '@kubeflash/flasher';
import { installSimulatedEsptool } from '../support/sim-esptool-path';
import { useTestCluster, type TestCluster } from '@kubeflash/devcluster/testing';
import { installFakeEsptool } from './fake-esptool';


function requireShellcheck(): void {
  const r = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error('shellcheck is required for this suite but is missing (scripts/install.sh --test installs it)');
}

function part(name: string, offset: number, data: Buffer): ScriptFirmwarePart & { data: Buffer } {
  return { name, file: `${name}.bin`, offset, size: data.length, sha256: createHash('sha256').update(data).digest('hex'), data };
}

describe('generated flash scripts', () => {
  let cluster: TestCluster;
  let work: string;
  let firmwareDir: string;
  let bin: string;
  const configBin = randomBytes(0x6000);
  const parts = [part('bootloader', 0x0, randomBytes(5000)), part('partition-table', 0x8000, randomBytes(3072)), part('app', 0x10000, randomBytes(70_000))];

  const input = (overrides: Partial<FlashScriptInput> = {}): FlashScriptInput => ({
    device: { namespace: cluster.namespace, name: 'garage-temp-1' },
    chip: 'esp32c3',
    firmware: { name: 'c3-sensor-1-4-0', version: '1.4.0', parts: parts.map(({ data: _data, ...p }) => p) },
    config: { label: 'config', offset: 0x9000, size: 0x6000, source: { kind: 'kubectl', secretName: 'garage-temp-1-config' } },
    generator: 'kubeflash test',
    ...overrides,
  });

  // Asynchronous on purpose: devcluster runs in this process and must keep answering kubectl.
  function runScript(script: string, args: string[], flash: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const path = join(work, `flash-${randomBytes(3).toString('hex')}.sh`);
    writeFileSync(path, script);
    return new Promise((resolve) => {
      const child = spawn('sh', [path, ...args], {
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAKE_FLASH: flash, KUBECONFIG: cluster.kubeconfigPath },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  const flashAt = (flash: string, offset: number, length: number): Buffer => readFileSync(flash).subarray(offset, offset + length);

  beforeAll(async () => {
    requireShellcheck();
    cluster = await useTestCluster({ namespacePrefix: 'kf-flashscript' });
    work = mkdtempSync(join(tmpdir(), 'kubeflash-flash-script-'));
    firmwareDir = join(work, 'firmware');
    mkdirSync(firmwareDir);
    bin = installFakeEsptool(work);
    for (const p of parts) writeFileSync(join(firmwareDir, p.file), p.data);
    await cluster.kubeConfig.makeApiClient(CoreV1Api).createNamespacedSecret({
      namespace: cluster.namespace,
      body: { metadata: { name: 'garage-temp-1-config' }, data: { 'config.bin': configBin.toString('base64') } },
    });
  });
  afterAll(async () => {
    await cluster?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it.each([
    ['fetching the config with kubectl', () => input()],
    ['with the config embedded', () => input({ config: { label: 'config', offset: 0x9000, size: 0x6000, source: { kind: 'embedded', configBin } } })],
    ['for firmware only', () => input({ config: undefined })],
  ])('pass shellcheck (POSIX sh) when %s', (_case, scriptInput) => {
    const path = join(work, 'check.sh');
    writeFileSync(path, generateFlashScript(scriptInput()));
    const r = spawnSync('shellcheck', ['--shell=sh', '--severity=style', path], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('flashes every part and the config fetched from the cluster at the right offsets, in one write_flash', async () => {
    const flash = join(work, 'flash-kubectl.img');
    const r = await runScript(generateFlashScript(input()), ['--firmware-dir', firmwareDir, '--port', '/dev/ttyACM3'], flash);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const p of parts) expect(flashAt(flash, p.offset, p.size).equals(p.data)).toBe(true);
    expect(flashAt(flash, 0x9000, 0x6000).equals(configBin)).toBe(true);
    expect(readFileSync(`${flash}.args`, 'utf8').trim()).toMatch(
      /^--chip esp32c3 --port \/dev\/ttyACM3 --baud 460800 --before default_reset --after hard_reset write_flash --flash_mode keep --flash_freq keep --flash_size keep 0x0 \S+\/bootloader\.bin 0x8000 \S+\/partition-table\.bin 0x9000 \S+\/config\.bin 0x10000 \S+\/app\.bin$/,
    );
  });

  it('flashes an embedded config without needing kubectl', async () => {
    const flash = join(work, 'flash-embedded.img');
    const script = generateFlashScript(input({ config: { label: 'config', offset: 0x9000, size: 0x6000, source: { kind: 'embedded', configBin } } }));
    expect(script).toContain('contains the device\'s configuration, including its secrets');
    const r = await runScript(script, ['--firmware-dir', firmwareDir], flash);
    expect(r.code).toBe(0);
    expect(flashAt(flash, 0x9000, 0x6000).equals(configBin)).toBe(true);
  });

  it('leaves the config partition alone in the firmware-only variant, which holds no secrets', async () => {
    const flash = join(work, 'flash-fw-only.img');
    const script = generateFlashScript(input({ config: undefined }));
    expect(script).not.toContain('kubectl');
    const r = await runScript(script, ['--firmware-dir', firmwareDir], flash);
    expect(r.code).toBe(0);
    expect(flashAt(flash, 0x9000, 0x6000).every((b) => b === 0xff)).toBe(true);
    expect(flashAt(flash, 0x10000, parts[2].size).equals(parts[2].data)).toBe(true);
  });

  it('refuses a part whose SHA-256 does not match, before touching the board', async () => {
    const badDir = join(work, 'bad-firmware');
    mkdirSync(badDir);
    for (const p of parts) writeFileSync(join(badDir, p.file), p.name === 'app' ? Buffer.concat([p.data.subarray(0, -1), Buffer.from([p.data[p.data.length - 1] ^ 1])]) : p.data);
    const flash = join(work, 'flash-bad.img');
    const r = await runScript(generateFlashScript(input()), ['--firmware-dir', badDir], flash);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`flash garage-temp-1: app: app.bin has the wrong SHA-256 (expected ${parts[2].sha256})`);
    expect(() => readFileSync(`${flash}.args`)).toThrow();
  });

  it('says which Secret is missing when the device has no configuration yet', async () => {
    const flash = join(work, 'flash-missing.img');
    const script = generateFlashScript(input({ config: { label: 'config', offset: 0x9000, size: 0x6000, source: { kind: 'kubectl', secretName: 'garage-temp-9-config' } } }));
    const r = await runScript(script, ['--firmware-dir', firmwareDir], flash);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`flash garage-temp-1: cannot read Secret ${cluster.namespace}/garage-temp-9-config`);
  });

  it('rejects a config file larger than the partition', async () => {
    const big = join(work, 'big-config.bin');
    writeFileSync(big, randomBytes(0x7000));
    const r = await runScript(generateFlashScript(input()), ['--firmware-dir', firmwareDir, '--config', big], join(work, 'flash-big.img'));
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('flash garage-temp-1: config.bin is 28672 bytes; partition config holds 24576');
  });

  it.each([
    ['overlapping regions', () => input({ config: { label: 'config', offset: 0x8000, size: 0x6000, source: { kind: 'file' } } }), 'config partition "config" at 0x8000 overlaps partition-table (0x8000..0x8c00)'],
    ['an unsafe file name', () => input({ firmware: { name: 'fw', parts: [{ ...parts[0], file: '../evil.bin' }] } }), 'firmware part file name "../evil.bin" must be a plain file name'],
    ['a bad chip name', () => input({ chip: 'ESP32-C3; rm -rf /' }), 'chip "ESP32-C3; rm -rf /" is not an esptool chip name'],
    ['embedded keys but no nvs_keys partition', () => input({ config: { label: 'config', offset: 0x9000, size: 0x6000, source: { kind: 'embedded', configBin, nvsKeysBin: new Uint8Array(4096) } } }), 'the device has NVS keys (nvs_keys.bin), but no nvs_keys partition was given to write them to'],
    ['an encrypted class without its embedded keys', () => input({ config: { label: 'config', offset: 0x9000, size: 0x6000, source: { kind: 'embedded', configBin }, nvsKeys: { label: 'nvs_keys', offset: 0xf000, size: 0x1000 } } }), 'the class encrypts its config: embed nvs_keys.bin too, or config partition "config" cannot be decrypted'],
    ['an encrypted class without the keys URL', () => input({ config: { label: 'config', offset: 0x9000, size: 0x6000, source: { kind: 'url', configUrl: 'http://127.0.0.1:1/c' }, nvsKeys: { label: 'nvs_keys', offset: 0xf000, size: 0x1000 } } }), 'the class encrypts its config: give the nvs_keys.bin URL too, or config partition "config" cannot be decrypted'],
  ])('refuses to generate a script with %s', (_case, scriptInput, message) => {
    expect(() => generateFlashScript(scriptInput())).toThrow(message);
  });

  describe('for a class with NVS encryption, flashed through the ROM-loader simulator', () => {
    const TABLE = `nvs,      data, nvs,      0x9000,   0x4000,
otadata,  data, ota,      0xd000,   0x2000,
nvs_keys, data, nvs_keys, 0xf000,   0x1000,
ota_0,    app,  ota_0,    0x10000,  0x100000,
ota_1,    app,  ota_1,    0x110000, 0x100000,
config,   data, nvs,      0x210000, 0x6000,
`;
    const keys = generateNvsKeys();
    const plainConfig = buildNvsImage([
      { namespace: 'config', key: 'device_id', type: 'string', value: 'garage-temp-1' },
      { namespace: 'config', key: 'wifi_pass', type: 'string', value: 'hunter2' },
    ], { size: 0x6000 });
    const encryptedConfig = encryptNvsImage(plainConfig, keys);
    const keysBin = buildNvsKeyPartition(keys);
    const app = buildEspImage({ chipId: chipIdFromName('esp32c3'), segments: [{ loadAddress: 0x3c000020, data: Buffer.concat([encodeAppDescription({ projectName: 'c3-sensor', version: '1.4.0' }), randomBytes(3000)]) }] });
    const table = partitionTableToBinary(parsePartitionCsv(TABLE));
    const encParts = [part('partition-table', 0x8000, Buffer.from(table)), part('app', 0x10000, Buffer.from(app))];
    let simBin: string;
    let encDir: string;
    const secretName = 'enc-sensor-1-config';

    beforeAll(async () => {
      simBin = installSimulatedEsptool(join(work, 'sim'));
      encDir = join(work, 'enc-firmware');
      mkdirSync(encDir);
      for (const p of encParts) writeFileSync(join(encDir, p.file), p.data);
      await cluster.kubeConfig.makeApiClient(CoreV1Api).createNamespacedSecret({
        namespace: cluster.namespace,
        body: { metadata: { name: secretName }, data: { 'config.bin': Buffer.from(encryptedConfig).toString('base64'), 'nvs_keys.bin': Buffer.from(keysBin).toString('base64') } },
      });
    });

    const encInput = (source: FlashScriptInput['config'] extends infer C ? C extends { source: infer S } ? S : never : never): FlashScriptInput => ({
      device: { namespace: cluster.namespace, name: 'enc-sensor-1' },
      chip: 'esp32c3',
      firmware: { name: 'c3-sensor-1-4-0', version: '1.4.0', parts: encParts.map(({ data: _data, ...p }) => p) },
      config: { label: 'config', offset: 0x210000, size: 0x6000, source, nvsKeys: { label: 'nvs_keys', offset: 0xf000, size: 0x1000 } },
      generator: 'kubeflash test',
    });

    function runSimulated(script: string, flash: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
      const path = join(work, `flash-enc-${randomBytes(3).toString('hex')}.sh`);
      writeFileSync(path, script);
      return new Promise((resolve) => {
        const child = spawn('sh', [path, '--firmware-dir', encDir], {
          env: { ...process.env, PATH: `${simBin}:${process.env.PATH}`, SIM_FLASH: flash, KUBECONFIG: cluster.kubeconfigPath },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    }

    function expectDecryptableBoard(flash: string): void {
      const board = readFileSync(flash);
      const flashedKeys = parseNvsKeyPartition(new Uint8Array(board.subarray(0xf000, 0x10000)));
      const config = decryptNvsImage(new Uint8Array(board.subarray(0x210000, 0x216000)), flashedKeys);
      const records = nvsToolMinimalRecords(parseNvsImage(config));
      expect(records.map((r) => [r.key, r.data])).toEqual([['device_id', 'garage-temp-1'], ['wifi_pass', 'hunter2']]);
      expect(board.subarray(0x10000, 0x10000 + app.length).equals(Buffer.from(app))).toBe(true);
    }

    it('passes shellcheck with the keys fetched by kubectl', () => {
      const path = join(work, 'check-enc.sh');
      writeFileSync(path, generateFlashScript(encInput({ kind: 'kubectl', secretName })));
      const r = spawnSync('shellcheck', ['--shell=sh', '--severity=style', path], { encoding: 'utf8' });
      expect(r.stdout + r.stderr).toBe('');
    });

    it('writes nvs_keys.bin read with kubectl to the nvs_keys partition, and the config decrypts with it', async () => {
      const flash = join(work, 'sim-kubectl.img');
      const r = await runSimulated(generateFlashScript(encInput({ kind: 'kubectl', secretName })), flash);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expectDecryptableBoard(flash);
      expect(readFileSync(`${flash}.args`, 'utf8')).toMatch(/ 0xf000 \S+\/nvs_keys\.bin 0x10000 \S+\/app\.bin 0x210000 \S+\/config\.bin\n$/);
    }, 60_000);

    it('writes embedded keys too', async () => {
      const flash = join(work, 'sim-embedded.img');
      const r = await runSimulated(generateFlashScript(encInput({ kind: 'embedded', configBin: encryptedConfig, nvsKeysBin: keysBin })), flash);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expectDecryptableBoard(flash);
    }, 60_000);

    it('refuses when the Secret has the config but no keys', async () => {
      await cluster.kubeConfig.makeApiClient(CoreV1Api).createNamespacedSecret({
        namespace: cluster.namespace,
        body: { metadata: { name: 'half-config' }, data: { 'config.bin': Buffer.from(encryptedConfig).toString('base64') } },
      });
      const flash = join(work, 'sim-half.img');
      const r = await runSimulated(generateFlashScript(encInput({ kind: 'kubectl', secretName: 'half-config' })), flash);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(`flash enc-sensor-1: Secret ${cluster.namespace}/half-config has no nvs_keys.bin yet`);
    }, 60_000);
  });
});
