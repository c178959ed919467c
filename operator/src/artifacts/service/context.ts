import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import type { DeviceClass, Firmware } from '@kubeflash/api';
import type { CacheReader } from '../../controllers/caches';
import type { FirmwareApi } from '../../controllers/firmware/api';
import type { BlobStore } from '../store/types';

/** Size limits of uploads. */
export interface UploadLimits {
  /** Largest single image (an app partition holds at most 16 MiB). */
  maxFileBytes: number;
  /** Largest whole upload. */
  maxUploadBytes: number;
  /** Most files in one upload. */
  maxFiles: number;
}

/** Defaults of the upload limits. */
export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { maxFileBytes: 16 * 1024 * 1024, maxUploadBytes: 48 * 1024 * 1024, maxFiles: 64 };

/** What every handler of the artifact service uses. */
export interface ServiceContext {
  store: BlobStore;
  firmwares: CacheReader<Firmware>;
  classes: CacheReader<DeviceClass>;
  api: FirmwareApi;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  /** Key of signed URLs. */
  urlKey: Uint8Array;
  /** Base URL the service is reached at by devices, browsers and scripts (no trailing slash). */
  publicUrl: string;
  limits: UploadLimits;
  log: (line: string) => void;
  now: () => Date;
}

/** An answer that ends a request with a status and a one-sentence message (JSON `{"message": ...}`). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Sends a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache', ...headers });
  res.end(text);
}

/** Sends a small in-memory body (manifests, scripts) with an ETag and conditional GET. */
export function sendSmall(req: IncomingMessage, res: ServerResponse, body: string | Uint8Array, contentType: string, etag: string, extra: Record<string, string> = {}): void {
  const headers = { 'Content-Type': contentType, ETag: etag, 'Cache-Control': 'no-cache', ...extra };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers).end();
    return;
  }
  const data = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  res.writeHead(200, { ...headers, 'Content-Length': data.length });
  res.end(req.method === 'HEAD' ? undefined : data);
}

/** URL of a blob by content address. */
export function blobUrl(publicUrl: string, sha256: string): string {
  return `${publicUrl}/blobs/sha256/${sha256}`;
}
