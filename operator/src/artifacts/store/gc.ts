import type { BlobStore } from './types';

/** Result of one garbage collection pass. */
export interface GcResult {
  deleted: string[];
  kept: number;
}

/**
 * Deletes blobs nobody references. Blobs younger than `graceMs` survive even when unreferenced: an upload
 * commits its blobs before the Firmware status that references them is written.
 */
export async function collectGarbage(store: BlobStore, referenced: ReadonlySet<string>, now: Date, graceMs: number): Promise<GcResult> {
  const deleted: string[] = [];
  let kept = 0;
  for await (const blob of store.list()) {
    if (referenced.has(blob.sha256) || now.getTime() - blob.modified.getTime() < graceMs) {
      kept++;
      continue;
    }
    await store.delete(blob.sha256);
    deleted.push(blob.sha256);
  }
  return { deleted, kept };
}
