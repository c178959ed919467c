import { createHash } from 'node:crypto';
import type { AppImageInfo } from './types';
import { readAppImageInfo, type ReadAppImageOptions } from './reader';

/** readAppImageInfo with node:crypto's SHA-256 (the portable default is about ten times slower on large images). */
export function readAppImageInfoNode(bin: Uint8Array, options: Omit<ReadAppImageOptions, 'sha256'> = {}): AppImageInfo {
  return readAppImageInfo(bin, { ...options, sha256: (data) => createHash('sha256').update(data).digest() });
}
