import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobTooLargeError, type StagedBlob } from './types';

/** Prefix of staging files, so a restart can tell them apart and remove them. */
const STAGING_PREFIX = 'upload-';

/**
 * Writes `source` to a new staging file in `dir` while hashing it; at most `limit` bytes (more → BlobTooLargeError
 * naming `what`, and the file is removed). The file is fsynced before this resolves.
 */
export async function stageStream(source: AsyncIterable<Uint8Array>, dir: string, limit: number, what: string): Promise<StagedBlob> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${STAGING_PREFIX}${randomBytes(12).toString('hex')}`);
  const out = createWriteStream(path, { flags: 'wx', flush: true });
  const hash = createHash('sha256');
  let size = 0;
  // One listener for the file's whole life: a write error between drains must not crash the process, and waiting
  // for 'drain' (events.once, which also rejects on 'error') leaves no listener behind per wait.
  let failed: Error | undefined;
  out.on('error', (err) => (failed ??= err));
  try {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > limit) throw new BlobTooLargeError(what, limit);
      if (failed) throw failed;
      hash.update(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
    }
    if (failed) throw failed;
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  } catch (err) {
    // The file is opened asynchronously: removing it before the stream has closed could race its creation.
    await new Promise<void>((resolve) => {
      if (out.closed) resolve();
      else out.once('close', () => resolve());
      out.destroy();
    });
    await rm(path, { force: true });
    throw err;
  }
  return { path, sha256: hash.digest('hex'), size };
}

/** Removes a staging file (an upload that was rejected or superseded). */
export async function discardStaged(staged: StagedBlob): Promise<void> {
  await rm(staged.path, { force: true });
}

/** Removes staging files left by a process that stopped mid-upload; returns how many. */
export async function cleanStaging(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  const stale = names.filter((n) => n.startsWith(STAGING_PREFIX));
  await Promise.all(stale.map((n) => rm(join(dir, n), { force: true })));
  return stale.length;
}
