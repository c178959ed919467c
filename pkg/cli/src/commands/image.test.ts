import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { espVectorsDir } from '@kubeflash/esp/test-vectors';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const vectorsDir = espVectorsDir();
const image = (name: string): string => join(vectorsDir, 'images', name);

function kubeflash(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(repoRoot, 'pkg/cli/bin/kubeflash.js'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

jest.setTimeout(60_000);

describe('kubeflash image info', () => {
  it('finds the vectors', () => {
    if (!existsSync(image('expected.json'))) throw new Error(`image vectors not found in ${image('')}`);
  });

  it('prints the header, verdicts and app description of an app image', () => {
    const run = kubeflash(['image', 'info', image('esp_idf_blink_esp32s2.bin')]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    for (const line of [
      'Chip:               esp32s2 (id 2)',
      'Entry point:        0x40022f84',
      'Flash:              mode dio, size 2MB, frequency 80m',
      'Checksum:           0x18 (valid)',
      'Segments (6):',
      '  5: load 0x50000000  length      16  file offset 0x2c824',
      '  Project:          blink',
      '  Version:          qa-test-v5.0-20220830-4-g4532e6',
      '  ESP-IDF:          v5.0-beta1-427-g4532e6e0b2-dirt',
      '  ELF SHA-256:      3059e6b55a965865febd28fa9f6028ad5cd0dab311febb0a3ea79eaa223ac2b0',
    ]) {
      expect(run.stdout.split('\n')).toContain(line);
    }
    expect(run.stdout).toMatch(/^SHA-256: +[0-9a-f]{64} \(valid\)$/m);
  });

  it('prints JSON with --json, with null where a bootloader has no app description', () => {
    const expected = JSON.parse(readFileSync(image('expected.json'), 'utf8'))['bootloader_esp32_v5_2.bin'];
    const run = kubeflash(['image', 'info', image('bootloader_esp32_v5_2.bin'), '--json']);
    expect(run.status).toBe(0);
    const info = JSON.parse(run.stdout);
    expect(info).toMatchObject({ chipName: 'esp32', maxChipRevisionFull: expected.max_chip_rev_full, appDescription: null });
    expect(info.sha256.valid).toBe(true);
    expect(info.bootloaderDescription.idfVersion).toBe('v5.2-dev-254-g1950b15');
  });

  it('rejects a header-only file, a non-image and a corrupted image with exit code 2 and one line', () => {
    const header = kubeflash(['image', 'info', image('esp32s3_header.bin')]);
    expect(header.status).toBe(2);
    expect(header.stderr).toMatch(/^kubeflash: .*esp32s3_header\.bin: truncated: header-only image.*\n$/);

    const table = kubeflash(['image', 'info', image('partitions_singleapp.bin')]);
    expect(table).toMatchObject({ status: 2, stdout: '' });
    expect(table.stderr).toMatch(/not an ESP image: first byte is 0xaa \(expected 0xE9\)\n$/);

    const work = mkdtempSync(join(tmpdir(), 'kubeflash-image-'));
    try {
      const bin = new Uint8Array(readFileSync(image('bootloader_esp32c3.bin')));
      bin[bin.length - 1] ^= 1;
      writeFileSync(join(work, 'bad.bin'), bin);
      const bad = kubeflash(['image', 'info', join(work, 'bad.bin')]);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/bad\.bin: SHA-256 mismatch: stored [0-9a-f]{64}, computed [0-9a-f]{64}/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
