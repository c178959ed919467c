/**
 * One contract suite for both artifact store backends: the filesystem and S3 (through the AWS SDK v3 against
 * s3rver, an S3-compatible server from npm, on loopback).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  BlobNotFoundError,
  BlobTooLargeError,
  collectGarbage,
  openFileSystemStore,
  openS3Store,
  stageStream,
  type BlobStore,
} from '../../operator/src/artifacts/store';
import { startS3rver, type TestS3 } from '../support/s3rver';

interface Backend {
  open(): Promise<{ store: BlobStore; removedPartialUploads: number }>;
  close(): Promise<void>;
}

async function filesystemBackend(): Promise<Backend> {
  const root = mkdtempSync(join(tmpdir(), 'kubeflash-fs-store-'));
  return { open: () => openFileSystemStore(root), close: async () => rmSync(root, { recursive: true, force: true }) };
}

async function s3Backend(): Promise<Backend> {
  const s3: TestS3 = await startS3rver();
  const opened: { destroy(): void }[] = [];
  return {
    open: async () => {
      const r = await openS3Store(s3.options);
      opened.push(r.store);
      return r;
    },
    close: async () => {
      for (const s of opened) s.destroy();
      await s3.stop();
    },
  };
}

const sha = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
/** Chunks of `data`, as an upload body arrives. */
async function* chunked(data: Uint8Array, size = 65536): AsyncIterable<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

describe.each([
  ['filesystem', filesystemBackend],
  ['S3 (s3rver)', s3Backend],
])('artifact store: %s', (_name, makeBackend) => {
  let backend: Backend;
  let store: BlobStore;
  const blob = randomBytes(300_000);

  beforeAll(async () => {
    backend = await makeBackend();
    store = (await backend.open()).store;
  });
  afterAll(() => backend.close());

  it('stores a blob under its SHA-256 and serves it whole and by range, byte-exact', async () => {
    const staged = await stageStream(chunked(blob), store.stagingDir, 1 << 20, 'app.bin');
    expect(staged).toMatchObject({ sha256: sha(blob), size: blob.length });
    const info = await store.commit(staged);
    expect(info).toMatchObject({ sha256: sha(blob), size: blob.length });
    expect(readdirSync(store.stagingDir)).toEqual([]);
    expect((await readAll(await store.read(sha(blob)))).equals(blob)).toBe(true);
    expect((await readAll(await store.read(sha(blob), { start: 1000, end: 200_999 }))).equals(blob.subarray(1000, 201_000))).toBe(true);
    expect((await readAll(await store.read(sha(blob), { start: blob.length - 1, end: blob.length - 1 }))).equals(blob.subarray(-1))).toBe(true);
    expect(await store.stat(sha(blob))).toMatchObject({ size: blob.length });
  });

  it('commits the same content twice without a second copy', async () => {
    await store.commit(await stageStream(chunked(blob), store.stagingDir, 1 << 20, 'app.bin'));
    const all = [];
    for await (const b of store.list()) all.push(b.sha256);
    expect(all.filter((s) => s === sha(blob))).toHaveLength(1);
  });

  it('refuses an upload over the size limit and keeps nothing of it', async () => {
    const big = randomBytes(200_001);
    await expect(stageStream(chunked(big), store.stagingDir, 200_000, 'app.bin')).rejects.toThrow(new BlobTooLargeError('app.bin', 200_000));
    expect(readdirSync(store.stagingDir)).toEqual([]);
    expect(await store.stat(sha(big))).toBeUndefined();
  });

  it('says which blob is missing', async () => {
    const missing = 'ab'.repeat(32);
    await expect(store.read(missing)).rejects.toThrow(new BlobNotFoundError(missing));
    expect(await store.stat(missing)).toBeUndefined();
    expect(await store.stat('../../etc/passwd')).toBeUndefined();
  });

  it('leaves no partial blob visible when the process stops mid-upload, and the next start removes the staging file', async () => {
    const part = randomBytes(100_000);
    // An upload whose body stops arriving (the client or the process died): staging holds a partial file.
    const stalled = new Readable({ read() {} });
    stalled.push(part);
    const pending = stageStream(stalled, store.stagingDir, 1 << 20, 'app.bin');
    await new Promise((r) => setTimeout(r, 100));
    expect(readdirSync(store.stagingDir)).toHaveLength(1);
    const listed: string[] = [];
    for await (const b of store.list()) listed.push(b.sha256);
    expect(listed).toEqual([sha(blob)]);
    // "Restart": a new process opens the same store.
    const reopened = await backend.open();
    expect(reopened.removedPartialUploads).toBe(1);
    expect(readdirSync(store.stagingDir)).toEqual([]);
    stalled.destroy(new Error('connection reset'));
    await expect(pending).rejects.toThrow('connection reset');
    const after: string[] = [];
    for await (const b of reopened.store.list()) after.push(b.sha256);
    expect(after).toEqual([sha(blob)]);
  });

  it('garbage-collects unreferenced blobs older than the grace period, keeping referenced and young ones', async () => {
    const other = randomBytes(1000);
    await store.commit(await stageStream(chunked(other), store.stagingDir, 1 << 20, 'x'));
    const young = await collectGarbage(store, new Set([sha(blob)]), new Date(), 60_000);
    expect(young).toEqual({ deleted: [], kept: 2 });
    const later = await collectGarbage(store, new Set([sha(blob)]), new Date(Date.now() + 120_000), 60_000);
    expect(later).toEqual({ deleted: [sha(other)], kept: 1 });
    expect(await store.stat(sha(other))).toBeUndefined();
    await store.delete(sha(other));
    expect(await store.stat(sha(blob))).toBeDefined();
  });
});
