import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TarFormatError, readTar, writeTar } from './tar';

async function collect(source: AsyncIterable<Uint8Array>): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for await (const entry of readTar(source)) {
    const chunks: Buffer[] = [];
    for await (const c of entry.body) chunks.push(Buffer.from(c));
    out.set(entry.name, Buffer.concat(chunks));
  }
  return out;
}
async function* once(data: Uint8Array, chunk = 1000): AsyncIterable<Uint8Array> {
  for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk);
}
async function bytes(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of source) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

describe('upload tar streams', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubeflash-tar-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads what GNU tar writes, including long path names and directories', async () => {
    const deep = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(60)}`;
    mkdirSync(join(dir, 'src', 'bootloader'), { recursive: true });
    mkdirSync(join(dir, 'src', deep), { recursive: true });
    const app = randomBytes(70_001);
    writeFileSync(join(dir, 'src', 'app.bin'), app);
    writeFileSync(join(dir, 'src', 'bootloader', 'bootloader.bin'), Buffer.from('boot'));
    writeFileSync(join(dir, 'src', deep, 'x.bin'), Buffer.alloc(0));
    for (const format of ['gnu', 'posix']) {
      const r = spawnSync('tar', [`--format=${format}`, '-C', join(dir, 'src'), '-cf', '-', '.'], { maxBuffer: 1 << 24 });
      expect(r.status).toBe(0);
      const files = await collect(once(r.stdout, 777));
      expect(files.get('app.bin')?.equals(app)).toBe(true);
      expect(files.get('bootloader/bootloader.bin')?.toString()).toBe('boot');
      expect(files.get(`${deep}/x.bin`)?.length).toBe(0);
    }
  });

  it('writes archives GNU tar extracts byte-exact, and reads them back', async () => {
    const data = randomBytes(1025);
    writeFileSync(join(dir, 'on-disk.bin'), data);
    const archive = await bytes(writeTar([{ name: 'flasher_args.json', data: Buffer.from('{}') }, { name: 'build/app.bin', path: join(dir, 'on-disk.bin') }]));
    writeFileSync(join(dir, 'out.tar'), archive);
    mkdirSync(join(dir, 'x'));
    expect(spawnSync('tar', ['-C', join(dir, 'x'), '-xf', join(dir, 'out.tar')]).status).toBe(0);
    expect(readFileSync(join(dir, 'x', 'build', 'app.bin')).equals(data)).toBe(true);
    const files = await collect(once(archive, 100));
    expect([...files.keys()]).toEqual(['flasher_args.json', 'build/app.bin']);
  });

  it.each([
    ['cut inside a file', (a: Buffer) => a.subarray(0, 700), 'truncated: the upload ends inside "a.bin" (812 of 1000 bytes missing)'],
    ['cut before the end marker', (a: Buffer) => a.subarray(0, 512 + 1024), 'truncated: the upload ends without the end-of-archive marker (is the tar complete?)'],
    ['a damaged header', (a: Buffer) => Buffer.concat([Buffer.from([a[0] ^ 1]), a.subarray(1)]), 'corrupt tar header for "`.bin": checksum'],
  ])('refuses an archive %s', async (_case, damage, message) => {
    const archive = await bytes(writeTar([{ name: 'a.bin', data: randomBytes(1000) }]));
    await expect(collect(once(damage(archive)))).rejects.toThrow(TarFormatError);
    await expect(collect(once(damage(archive)))).rejects.toThrow(message);
  });
});
