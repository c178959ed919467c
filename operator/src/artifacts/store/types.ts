import type { Readable } from 'node:stream';

/** A stored blob: its content address and size. */
export interface BlobInfo {
  /** SHA-256 of the content, lowercase hex: the blob's address. */
  sha256: string;
  size: number;
  /** When the blob was stored (garbage collection spares young blobs). */
  modified: Date;
}

/** An inclusive byte range, as HTTP Range has it. */
export interface ByteRange {
  start: number;
  end: number;
}

/** A finished upload in local staging: hashed, size-checked, not yet visible in the store. */
export interface StagedBlob {
  /** Local temporary file holding the bytes. */
  path: string;
  sha256: string;
  size: number;
}

/**
 * Content-addressed blob storage behind the artifact service. A blob becomes visible only complete (commit is
 * atomic); nothing half-written is ever listed or served.
 */
export interface BlobStore {
  /** What the store is, for logs (no credentials): e.g. `filesystem /data` or `s3 http://minio:9000 bucket kubeflash`. */
  readonly description: string;
  /** Folder for staging files (the filesystem store stages inside its root so commit is a rename). */
  readonly stagingDir: string;
  /** Makes a staged blob visible under its content address and removes the staging file. Idempotent. */
  commit(staged: StagedBlob): Promise<BlobInfo>;
  /** The blob, or undefined when it is not stored. */
  stat(sha256: string): Promise<BlobInfo | undefined>;
  /** Streams the blob or one range of it. @throws BlobNotFoundError */
  read(sha256: string, range?: ByteRange): Promise<Readable>;
  /** Removes the blob (no error when it is already gone). */
  delete(sha256: string): Promise<void>;
  /** Every stored blob. */
  list(): AsyncIterable<BlobInfo>;
}

/** The blob is not in the store. */
export class BlobNotFoundError extends Error {
  constructor(readonly sha256: string) {
    super(`blob sha256:${sha256} is not stored`);
    this.name = 'BlobNotFoundError';
  }
}

/** An upload is larger than allowed. */
export class BlobTooLargeError extends Error {
  constructor(
    readonly what: string,
    readonly limit: number,
  ) {
    super(`${what} is larger than ${limit} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

/** True for a 64-digit lowercase hex SHA-256. */
export function isSha256(text: string): boolean {
  return /^[0-9a-f]{64}$/.test(text);
}
