import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stageStream } from './staging';
import { BlobTooLargeError } from './types';

async function* chunks(count: number, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < count; i++) yield new Uint8Array(size).fill(i & 0xff);
}

describe('stageStream', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubeflash-staging-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stages a large upload under backpressure byte-exact', async () => {
    // 8 MiB in 64 KiB chunks: the file stream's buffer (16 KiB) is full after every chunk.
    const staged = await stageStream(chunks(128, 64 * 1024), dir, 1 << 24, 'big.bin');
    const data = readFileSync(staged.path);
    expect(staged.size).toBe(8 * 1024 * 1024);
    expect(data.length).toBe(staged.size);
    expect(staged.sha256).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('leaves no listener behind per backpressure wait (no MaxListenersExceededWarning in a plain node process)', () => {
    // Node prints the warning on the process's stderr (jest's sandbox does not see process warnings, and the test
    // runner's NODE_OPTIONS=--no-warnings=... would hide it)
    const script = `import { stageStream } from ${JSON.stringify(fileURLToPath(new URL('./staging.ts', import.meta.url)))};
      async function* chunks() { for (let i = 0; i < 128; i++) yield new Uint8Array(64 * 1024); }
      await stageStream(chunks(), ${JSON.stringify(dir)}, 1 << 24, 'big.bin');
      await new Promise((r) => setTimeout(r, 50));
      console.log('STAGED');`;
    const run = spawnSync(process.execPath, ['--conditions', 'kubeflash-source', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('.', import.meta.url)), env: { ...process.env, NODE_OPTIONS: '' } });
    expect(run.stdout.trim()).toBe('STAGED');
    expect(run.stderr).not.toContain('MaxListenersExceededWarning');
  });

  it('refuses more than the limit and removes the partial file', async () => {
    await expect(stageStream(chunks(10, 1024), dir, 4096, 'app.bin')).rejects.toThrow(BlobTooLargeError);
    expect(readdirSync(dir)).toEqual([]);
  });
});
