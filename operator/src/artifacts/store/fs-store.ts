import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { finished, type Readable } from 'node:stream';
import { cleanStaging } from './staging';
import { BlobNotFoundError, isSha256, type BlobInfo, type BlobStore, type ByteRange, type StagedBlob } from './types';

/** Read buffer size: large reads keep syscalls few when serving many clients. */
const READ_CHUNK = 512 * 1024;
/** Open blobs kept for reading (a blob never changes, so its file handle and size can be reused). */
const OPEN_BLOBS = 64;

/** A blob opened for reading, shared by its concurrent downloads. */
interface OpenBlob {
  ready: Promise<{ handle: FileHandle; info: BlobInfo }>;
  readers: number;
  evicted: boolean;
}

/**
 * Blobs as files under `<root>/blobs/sha256/<first two hex digits>/<sha256>`, staged in `<root>/staging` and made
 * visible by rename (atomic on one filesystem), so a process killed mid-upload leaves only staging files, which
 * `openFileSystemStore` removes.
 */
export class FileSystemBlobStore implements BlobStore {
  readonly description: string;
  readonly stagingDir: string;
  private readonly blobDir: string;
  /** Recently read blobs: handle and size, most recent last (a Map keeps insertion order). */
  private readonly open = new Map<string, OpenBlob>();

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

  /**
   * Streams a blob through a shared file handle (positional reads, so concurrent downloads of one blob need one
   * open file and no stat per request); the handle closes when it falls out of the small cache and its last
   * reader is done.
   */
  async read(sha256: string, range?: ByteRange): Promise<Readable> {
    const entry = await this.opened(sha256);
    const { handle, info } = await entry.ready;
    const size = info.size;
    const stream = createReadStream('', { fd: handle.fd, autoClose: false, start: range?.start ?? 0, end: range?.end ?? Math.max(0, size - 1), highWaterMark: READ_CHUNK });
    entry.readers++;
    // With autoClose off the stream never emits 'close': count the reader done when it ends, fails or is destroyed.
    finished(stream, () => {
      entry.readers--;
      if (entry.evicted && entry.readers === 0) void handle.close().catch(() => undefined);
    });
    return stream;
  }

  /** The cached entry of a blob, opening it when needed (one open per blob, however many ask at once). @throws BlobNotFoundError */
  private async opened(sha256: string): Promise<OpenBlob> {
    let entry = this.open.get(sha256);
    if (entry) {
      this.open.delete(sha256);
      this.open.set(sha256, entry);
    } else {
      const created: OpenBlob = { ready: this.openBlob(sha256), readers: 0, evicted: false };
      entry = created;
      this.open.set(sha256, created);
      created.ready.catch(() => this.open.get(sha256) === created && this.open.delete(sha256));
      if (this.open.size > OPEN_BLOBS) {
        const [oldest, old] = this.open.entries().next().value as [string, OpenBlob];
        this.open.delete(oldest);
        this.retire(old);
      }
    }
    await entry.ready;
    return entry;
  }

  private async openBlob(sha256: string): Promise<{ handle: FileHandle; info: BlobInfo }> {
    const info = await this.stat(sha256);
    if (!info) throw new BlobNotFoundError(sha256);
    try {
      return { handle: await open(this.pathOf(sha256), 'r'), info };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(sha256);
      throw err;
    }
  }

  /** Closes an entry's file once its last reader is done. */
  private retire(entry: OpenBlob): void {
    entry.evicted = true;
    if (entry.readers === 0) void entry.ready.then(({ handle }) => handle.close()).catch(() => undefined);
  }

  async delete(sha256: string): Promise<void> {
    if (!isSha256(sha256)) return;
    const cached = this.open.get(sha256);
    if (cached) {
      this.open.delete(sha256);
      this.retire(cached);
    }
    await rm(this.pathOf(sha256), { force: true });
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
