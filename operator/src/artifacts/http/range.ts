import type { ByteRange } from '../store/types';

/** What a Range header asks of a representation of `size` bytes. */
export type RangeRequest =
  /** No Range header, or one this server ignores (several ranges, another unit): send it whole (200). */
  | { kind: 'whole' }
  /** One satisfiable range (206). */
  | { kind: 'range'; range: ByteRange }
  /** A range outside the representation (416). */
  | { kind: 'unsatisfiable' };

/**
 * Parses a Range header (RFC 9110 §14.2) for a single byte range: `bytes=a-b`, `bytes=a-`, `bytes=-n`. A header
 * with several ranges or another unit is ignored (the whole representation is sent, as the RFC allows); a syntax
 * error is ignored too.
 */
export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: 'whole' };
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'whole' };
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return { kind: 'whole' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'range', range: { start, end } };
}

/** True when an If-None-Match header matches the strong ETag `etag` (or is `*`). */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').map((t) => t.trim().replace(/^W\//, '')).includes(etag);
}

/** True when If-Range allows the range: absent, or equal to the strong ETag (dates never match a content address). */
export function ifRangeAllows(header: string | undefined, etag: string): boolean {
  return header === undefined || header.trim() === etag;
}
