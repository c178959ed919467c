import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signed URLs for per-device material (flash scripts, config images) and OTA downloads: an HMAC-SHA256 over the
 * path, the device and the expiry, with a key only the artifact service and the operator hold. The query carries
 * `device`, `expires` (Unix seconds) and `sig` (base64url). Anyone with the URL may use it until it expires; it
 * works for that path only.
 */

/** Query parameters of a signed URL. */
export const SIGNED_URL_PARAMS = { device: 'device', expires: 'expires', signature: 'sig' } as const;

/** A fresh URL-signing key (32 bytes from the CSPRNG). */
export function generateUrlKey(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}

function mac(key: Uint8Array, path: string, device: string, expires: number): Buffer {
  return createHmac('sha256', key).update(`${path}\n${device}\n${expires}`).digest();
}

/** The query string (without `?`) that signs `path` for `device` until `expiresAt`. */
export function signPath(key: Uint8Array, path: string, device: string, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  const q = new URLSearchParams({ [SIGNED_URL_PARAMS.device]: device, [SIGNED_URL_PARAMS.expires]: String(expires) });
  q.set(SIGNED_URL_PARAMS.signature, mac(key, path, device, expires).toString('base64url'));
  return q.toString();
}

/** An absolute signed URL: `baseUrl` + `path` + the signature query. */
export function signedUrl(key: Uint8Array, baseUrl: string, path: string, device: string, expiresAt: Date): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}?${signPath(key, path, device, expiresAt)}`;
}

/** Why a signed URL was refused (never includes the signature). */
export type SignedUrlVerdict = { ok: true; device: string } | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'forged' };

/** Checks the signature query of a request for `path` at `now`. */
export function verifySignedPath(key: Uint8Array, path: string, query: URLSearchParams, now: Date): SignedUrlVerdict {
  const device = query.get(SIGNED_URL_PARAMS.device);
  const expiresText = query.get(SIGNED_URL_PARAMS.expires);
  const sig = query.get(SIGNED_URL_PARAMS.signature);
  if (device === null || expiresText === null || sig === null) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(expiresText) || !/^[A-Za-z0-9_-]{43}$/.test(sig)) return { ok: false, reason: 'malformed' };
  const expires = Number(expiresText);
  const expected = mac(key, path, device, expires);
  if (!timingSafeEqual(expected, Buffer.from(sig, 'base64url'))) return { ok: false, reason: 'forged' };
  if (expires * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, device };
}
