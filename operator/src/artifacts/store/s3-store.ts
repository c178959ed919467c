import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { cleanStaging } from './staging';
import { BlobNotFoundError, isSha256, type BlobInfo, type BlobStore, type ByteRange, type StagedBlob } from './types';

/** Where and how to reach an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, ...). */
export interface S3StoreOptions {
  bucket: string;
  /** e.g. `http://minio.storage.svc:9000`; omitted = AWS S3 of `region`. */
  endpoint?: string;
  region: string;
  /** Key prefix inside the bucket, e.g. `kubeflash/` (default none). */
  prefix?: string;
  /** Path-style URLs (`endpoint/bucket/key`), which MinIO and most S3-compatible servers need (default true with an endpoint). */
  forcePathStyle?: boolean;
  /** Static credentials; omitted = the SDK's default chain (env AWS_ACCESS_KEY_ID/..., IRSA, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Local folder for staging uploads before they go to the bucket (default: a folder in the OS temp dir). */
  stagingDir?: string;
}

const notFound = (err: unknown): boolean =>
  err instanceof S3ServiceException && (err.$metadata.httpStatusCode === 404 || err.name === 'NotFound' || err.name === 'NoSuchKey');

/**
 * Blobs as objects `<prefix>blobs/sha256/<sha256>` in an S3-compatible bucket. Uploads are staged in a local
 * file and sent with one PutObject of known length, which S3 makes visible only complete: an interrupted upload
 * leaves no object. The least privilege it needs: s3:GetObject, s3:PutObject, s3:DeleteObject on the prefix and
 * s3:ListBucket on the bucket.
 */
export class S3BlobStore implements BlobStore {
  readonly description: string;
  readonly stagingDir: string;
  private readonly client: S3Client;
  private readonly prefix: string;

  constructor(private readonly options: S3StoreOptions) {
    this.prefix = `${options.prefix ?? ''}blobs/sha256/`;
    this.stagingDir = options.stagingDir ?? join(tmpdir(), 'kubeflash-artifacts-staging');
    this.description = `s3 ${options.endpoint ?? `aws ${options.region}`} bucket ${options.bucket}${options.prefix ? ` prefix ${options.prefix}` : ''}`;
    this.client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      // The SDK's default flexible checksums send streaming bodies aws-chunked with a trailer, which many
      // S3-compatible servers store verbatim (found with s3rver): send plain bodies; integrity is the SHA-256 address.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  private key(sha256: string): string {
    if (!isSha256(sha256)) throw new BlobNotFoundError(sha256);
    return `${this.prefix}${sha256}`;
  }

  async commit(staged: StagedBlob): Promise<BlobInfo> {
    try {
      const existing = await this.stat(staged.sha256);
      if (existing) return existing;
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: this.key(staged.sha256),
          Body: createReadStream(staged.path),
          ContentLength: staged.size,
          ContentType: 'application/octet-stream',
        }),
      );
      const info = await this.stat(staged.sha256);
      if (!info) throw new Error(`blob sha256:${staged.sha256} is not in bucket ${this.options.bucket} right after it was stored`);
      if (info.size !== staged.size) {
        await this.delete(staged.sha256);
        throw new Error(`bucket ${this.options.bucket} stored ${info.size} bytes for blob sha256:${staged.sha256} of ${staged.size} bytes; removed it`);
      }
      return info;
    } finally {
      await rm(staged.path, { force: true });
    }
  }

  async stat(sha256: string): Promise<BlobInfo | undefined> {
    if (!isSha256(sha256)) return undefined;
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.key(sha256) }));
      return { sha256, size: head.ContentLength ?? 0, modified: head.LastModified ?? new Date(0) };
    } catch (err) {
      if (notFound(err)) return undefined;
      throw err;
    }
  }

  async read(sha256: string, range?: ByteRange): Promise<Readable> {
    try {
      const got = await this.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(sha256), ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
      );
      return got.Body as Readable;
    } catch (err) {
      if (notFound(err)) throw new BlobNotFoundError(sha256);
      throw err;
    }
  }

  async delete(sha256: string): Promise<void> {
    if (!isSha256(sha256)) return;
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.key(sha256) }));
  }

  async *list(): AsyncIterable<BlobInfo> {
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: this.prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        const sha256 = (o.Key ?? '').slice(this.prefix.length);
        if (isSha256(sha256)) yield { sha256, size: o.Size ?? 0, modified: o.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Closes the SDK's connections. */
  destroy(): void {
    this.client.destroy();
  }
}

/** Opens an S3 store and removes local staging files a previous process left behind. */
export async function openS3Store(options: S3StoreOptions): Promise<{ store: S3BlobStore; removedPartialUploads: number }> {
  const store = new S3BlobStore(options);
  const removedPartialUploads = await cleanStaging(store.stagingDir);
  return { store, removedPartialUploads };
}
