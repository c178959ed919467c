import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '@kubeflash/operator/cli';

/**
 * Writes a file atomically: a temporary file in the same folder, renamed over the target, so a failure never
 * leaves a partial or empty output behind.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, data, { flag: 'wx', mode });
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw new UsageError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
