import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNvsImage, parseNvsKeyPartition } from '@kubeflash/esp';
import { decryptNvsImage } from '@kubeflash/esp/node';
import { examplesDir, repoRoot } from '@kubeflash/operator/paths';

jest.setTimeout(60_000);

function kubeflash(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'pkg/cli/bin/kubeflash.js'), ...args], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'kubeflash-render-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const DEVICES = ['garage-door-panel', 'garage-freezer', 'garage-hall-display', 'garage-temp-1', 'garage-temp-2'];

describe('kubeflash render', () => {
  it('writes config.bin and config.csv for every example device, nvs_keys.bin for encrypted ones', () => {
    const r = kubeflash(['render', examplesDir, '--out', join(work, 'out')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const name of DEVICES) {
      const dir = join(work, 'out', 'kubeflash-demo', name);
      expect(r.stdout).toContain(`kubeflash-demo/${name}: `);
      const csv = readFileSync(join(dir, 'config.csv'), 'utf8');
      expect(csv.startsWith('key,type,encoding,value\nconfig,namespace,,\n')).toBe(true);
      let image = new Uint8Array(readFileSync(join(dir, 'config.bin')));
      const encrypted = name.includes('display') || name.includes('panel');
      expect(existsSync(join(dir, 'nvs_keys.bin'))).toBe(encrypted);
      if (encrypted) image = decryptNvsImage(image, parseNvsKeyPartition(readFileSync(join(dir, 'nvs_keys.bin'))));
      const ids = parseNvsImage(image).values.filter((v) => v.key === 'device_id').map((v) => v.value);
      expect(ids).toEqual([`kubeflash-demo.${name}`]);
    }
  });

  it('takes credentials from <device>-credentials Secrets in the folder, so two runs give the same bytes', () => {
    const input = join(work, 'in');
    mkdirSync(input, { recursive: true });
    copyFileSync(join(examplesDir, 'fleet.yaml'), join(input, 'fleet.yaml'));
    writeFileSync(
      join(input, 'credentials.yaml'),
      'apiVersion: v1\nkind: Secret\nmetadata: {name: garage-temp-1-credentials, namespace: kubeflash-demo}\nstringData: {mqtt_password: fixed-password-1234, web_password: fixed-web-password}\n',
    );
    const a = kubeflash(['render', input, '--out', join(work, 'a')]);
    const b = kubeflash(['render', input, '--out', join(work, 'b')]);
    expect([a.status, b.status]).toEqual([0, 0]);
    const bin = (out: string, name: string) => readFileSync(join(work, out, 'kubeflash-demo', name, 'config.bin'));
    expect(bin('a', 'garage-temp-1').equals(bin('b', 'garage-temp-1'))).toBe(true);
    expect(bin('a', 'garage-temp-2').equals(bin('b', 'garage-temp-2'))).toBe(false);
    expect(a.stdout).toMatch(/garage-temp-2: .*new credentials generated/);
    expect(a.stdout).not.toMatch(/garage-temp-1: .*new credentials generated/);
    const values = parseNvsImage(new Uint8Array(bin('a', 'garage-temp-1'))).values;
    expect(values.find((v) => v.key === 'mqtt_pass')?.value).toBe('fixed-password-1234');
    expect(values.find((v) => v.key === 'web_pass')?.value).toBe('fixed-web-password');
    expect(values.find((v) => v.key === 'web_user')?.value).toBe('admin');
  });

  it('reports devices it cannot render on stderr, writes the others and exits 1', () => {
    const input = join(work, 'in');
    mkdirSync(input, { recursive: true });
    const fleet = readFileSync(join(examplesDir, 'fleet.yaml'), 'utf8').replace('      sample_period: "30"', '      sample_period: "9999"');
    writeFileSync(join(input, 'fleet.yaml'), fleet);
    const r = kubeflash(['render', input, '--out', join(work, 'out')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'kubeflash: kubeflash-demo/garage-temp-1: ConfigInvalid: key sample_period (from Device garage-temp-1) is 9999, outside 5..3600\n' +
        'kubeflash: 1 of 5 devices could not be rendered\n',
    );
    expect(existsSync(join(work, 'out', 'kubeflash-demo', 'garage-temp-1'))).toBe(false);
    expect(existsSync(join(work, 'out', 'kubeflash-demo', 'garage-temp-2', 'config.bin'))).toBe(true);
  });

  it('rejects a path that is not a folder with a one-line message', () => {
    const r = kubeflash(['render', join(work, 'nope'), '--out', join(work, 'out')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`kubeflash: ${join(work, 'nope')} is not a folder of YAML manifests\n`);
  });
});
