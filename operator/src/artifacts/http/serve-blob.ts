import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { BlobInfo, BlobStore } from '../store/types';
import { ifNoneMatchHits, ifRangeAllows, parseRange } from './range';

/** How a blob is presented. */
export interface BlobPresentation {
  contentType: string;
  /** Suggested file name for downloads. */
  fileName?: string;
  /** Content-addressed URLs never change: cache for a year. Named URLs revalidate. */
  immutable: boolean;
}

/**
 * Answers GET or HEAD for one stored blob: ETag = the quoted SHA-256, If-None-Match (304), one Range (206/416)
 * with If-Range, Content-Length, Accept-Ranges; the body is streamed from the store, never held in memory.
 */
export async function serveBlob(req: IncomingMessage, res: ServerResponse, store: BlobStore, blob: BlobInfo, how: BlobPresentation): Promise<void> {
  const etag = `"${blob.sha256}"`;
  const headers: Record<string, string | number> = {
    ETag: etag,
    'Accept-Ranges': 'bytes',
    'Content-Type': how.contentType,
    'Cache-Control': how.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...(how.fileName ? { 'Content-Disposition': `attachment; filename="${how.fileName}"` } : {}),
  };
  if (ifNoneMatchHits(req.headers['if-none-match'], etag)) {
    res.writeHead(304, headers).end();
    return;
  }
  const ifRange = req.headers['if-range'];
  const wanted = ifRangeAllows(typeof ifRange === 'string' ? ifRange : undefined, etag) ? parseRange(req.headers.range, blob.size) : { kind: 'whole' as const };
  if (wanted.kind === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'Content-Range': `bytes */${blob.size}`, 'Content-Length': 0 }).end();
    return;
  }
  const range = wanted.kind === 'range' ? wanted.range : undefined;
  const length = range ? range.end - range.start + 1 : blob.size;
  if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${blob.size}`;
  headers['Content-Length'] = length;
  if (req.method === 'HEAD' || length === 0) {
    res.writeHead(range ? 206 : 200, headers).end();
    return;
  }
  const body = await store.read(blob.sha256, range);
  res.writeHead(range ? 206 : 200, headers);
  try {
    await pipeline(body, res);
  } catch {
    // The client went away mid-download; it resumes with Range.
    body.destroy();
  }
}
