/**
 * `kubeflash dev` with its in-process artifact service: the example classes' Firmware are Succeeded with signed
 * demo builds (two versions for the upload-source class), their images download Range-exact, and the signature
 * verifies with openssl against the ota_pubkey in a device's config.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseNvsImage, parseNvsKeyPartition } from '@kubeflash/esp';
import { decryptNvsImage } from '@kubeflash/esp/node';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(repoRoot, 'pkg', 'cli', 'bin', 'kubeflash.js');

function kubectlJson<T>(kubeconfig: string, args: string[]): T {
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args, '-o', 'json'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

interface Fw {
  metadata: { name: string };
  spec: { version: string; deviceClassRef: { name: string } };
  status: { phase: string; artifacts: { name: string; size: number; sha256: string; url: string }[]; signature: { value: string; keyId: string } };
}

describe('kubeflash dev: firmware and artifacts', () => {
  let stateDir: string;
  let child: ChildProcess;
  let output = '';
  const kubeconfig = () => join(stateDir, 'kubeconfig');

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'kubeflash-dev-fw-'));
    child = spawn(process.execPath, [cli, 'dev', '--state-dir', stateDir, '--port', '0'], { cwd: repoRoot });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 90_000;
    while (!existsSync(kubeconfig())) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`kubeflash dev did not come up:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await exited;
    }
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('prints the artifact service URL and writes it to <state-dir>/artifacts.url', () => {
    const url = readFileSync(join(stateDir, 'artifacts.url'), 'utf8').trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(output).toContain(`artifact service: ${url}`);
  });

  it('has Succeeded, signed Firmware for every example class, and two versions of the upload-source class', () => {
    const list = kubectlJson<{ items: Fw[] }>(kubeconfig(), ['get', 'firmwares', '-n', 'kubeflash-demo']).items;
    expect(list.map((f) => [f.metadata.name, f.spec.version, f.status.phase]).sort()).toEqual([
      ['c3-sensor-1-4-0', '1.4.0', 'Succeeded'],
      ['s3-display-2-0-1', '2.0.1', 'Succeeded'],
      ['s3-display-2-1-0', '2.1.0', 'Succeeded'],
    ]);
    const classes = kubectlJson<{ items: { metadata: { name: string }; status: { firmware: { name: string } } }[] }>(kubeconfig(), ['get', 'deviceclasses.kubeflash.dev', '-n', 'kubeflash-demo']).items;
    expect(classes.map((c) => [c.metadata.name, c.status.firmware.name]).sort()).toEqual([['c3-sensor', 'c3-sensor-1-4-0'], ['s3-display', 's3-display-2-0-1']]);
  });

  it("serves the app Range-exact, and its signature verifies with openssl against a device's ota_pubkey", async () => {
    const fw = kubectlJson<Fw>(kubeconfig(), ['get', 'firmware', 's3-display-2-0-1', '-n', 'kubeflash-demo']);
    const app = fw.status.artifacts.find((a) => a.name === 'app');
    if (!app) throw new Error('no app artifact');
    // Download in three ranges, as a resumed download would, and compare with the whole.
    const piece = async (range: string): Promise<Buffer> => {
      const r = await fetch(app.url, { headers: { Range: range } });
      expect(r.status).toBe(206);
      return Buffer.from(await r.arrayBuffer());
    };
    const third = Math.floor(app.size / 3);
    const joined = Buffer.concat([await piece(`bytes=0-${third - 1}`), await piece(`bytes=${third}-${2 * third - 1}`), await piece(`bytes=${2 * third}-`)]);
    expect(createHash('sha256').update(joined).digest('hex')).toBe(app.sha256);

    // The display class encrypts its config: decrypt a device's config.bin with its nvs_keys.bin to read ota_pubkey.
    const secret = kubectlJson<{ data: Record<string, string> }>(kubeconfig(), ['get', 'secret', 'garage-door-panel-config', '-n', 'kubeflash-demo']);
    const keys = parseNvsKeyPartition(new Uint8Array(Buffer.from(secret.data['nvs_keys.bin'], 'base64')));
    const config = decryptNvsImage(new Uint8Array(Buffer.from(secret.data['config.bin'], 'base64')), keys);
    const pubkey = parseNvsImage(config).values.find((v) => v.key === 'ota_pubkey');
    expect(pubkey?.type).toBe('blob');
    writeFileSync(join(stateDir, 'ota_pubkey.der'), pubkey?.value as Uint8Array);
    writeFileSync(join(stateDir, 'app.bin'), joined);
    writeFileSync(join(stateDir, 'app.sig'), Buffer.from(fw.status.signature.value, 'base64'));
    expect(spawnSync('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', join(stateDir, 'ota_pubkey.der'), '-out', join(stateDir, 'pub.pem')]).status).toBe(0);
    const verify = spawnSync('openssl', ['dgst', '-sha256', '-verify', join(stateDir, 'pub.pem'), '-signature', join(stateDir, 'app.sig'), join(stateDir, 'app.bin')], { encoding: 'utf8' });
    expect(verify.stdout.trim()).toBe('Verified OK');
    expect(Buffer.from(joined).toString('latin1')).toContain('KUBEFLASH DEMO IMAGE - NOT A REAL FIRMWARE - DOES NOT BOOT');
  });
});
