import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { cleanStaging } from './staging';
import { BlobNotFoundError, isSha256, type BlobInfo, type BlobStore, type ByteRange, type StagedBlob } from './types';

/** Read buffer size: large reads keep syscalls few when serving many clients. */
const READ_CHUNK = 256 * 1024;

/**
 * Blobs as files under `<root>/blobs/sha256/<first two hex digits>/<sha256>`, staged in `<root>/staging` and made
 * visible by rename (atomic on one filesystem), so a process killed mid-upload leaves only staging files, which
 * `openFileSystemStore` removes.
 */
export class FileSystemBlobStore implements BlobStore {
  readonly description: string;
  readonly stagingDir: string;
  private readonly blobDir: string;

  constructor(readonly root: string) {
    this.description = `filesystem ${root}`;
    this.stagingDir = join(root, 'staging');
    this.blobDir = join(root, 'blobs', 'sha256');
  }

  private pathOf(sha256: string): string {
    if (!isSha256(sha256)) throw new BlobNotFoundError(sha256);
    return join(this.blobDir, sha256.slice(0, 2), sha256);
  }

  async commit(staged: StagedBlob): Promise<BlobInfo> {
    const target = this.pathOf(staged.sha256);
    await mkdir(join(this.blobDir, staged.sha256.slice(0, 2)), { recursive: true });
    await rename(staged.path, target);
    // The rename is durable only once the directory entry is.
    const dir = await open(join(this.blobDir, staged.sha256.slice(0, 2)), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    const info = await this.stat(staged.sha256);
    if (!info) throw new Error(`blob sha256:${staged.sha256} vanished right after it was stored in ${this.root}`);
    return info;
  }

  async stat(sha256: string): Promise<BlobInfo | undefined> {
    if (!isSha256(sha256)) return undefined;
    try {
      const s = await stat(this.pathOf(sha256));
      return { sha256, size: s.size, modified: s.mtime };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async read(sha256: string, range?: ByteRange): Promise<Readable> {
    const path = this.pathOf(sha256);
    const stream = createReadStream(path, { start: range?.start, end: range?.end, highWaterMark: READ_CHUNK });
    // Surface a missing file as BlobNotFoundError before the caller starts a response.
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ENOENT' ? new BlobNotFoundError(sha256) : err));
    });
    return stream;
  }

  async delete(sha256: string): Promise<void> {
    if (isSha256(sha256)) await rm(this.pathOf(sha256), { force: true });
  }

  async *list(): AsyncIterable<BlobInfo> {
    let prefixes: string[];
    try {
      prefixes = await readdir(this.blobDir);
    } catch {
      return;
    }
    for (const prefix of prefixes.sort()) {
      for (const name of (await readdir(join(this.blobDir, prefix))).sort()) {
        if (!isSha256(name)) continue;
        const info = await this.stat(name);
        if (info) yield info;
      }
    }
  }
}

/** Opens (creating) a filesystem store and removes staging files a previous process left behind. */
export async function openFileSystemStore(root: string): Promise<{ store: FileSystemBlobStore; removedPartialUploads: number }> {
  const store = new FileSystemBlobStore(root);
  await mkdir(store.stagingDir, { recursive: true });
  const removedPartialUploads = await cleanStaging(store.stagingDir);
  return { store, removedPartialUploads };
}
