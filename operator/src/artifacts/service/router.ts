import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveBlob } from '../http/serve-blob';
import { SIGNED_URL_PARAMS, verifySignedPath } from '../signed-url';
import { isSha256 } from '../store/types';
import { HttpError, sendJson, type ServiceContext } from './context';
import { serveDeviceFile } from './device-files';
import { serveFirmwareFile } from './firmware-files';
import { handleUpload } from './upload-handler';

const NAME = '[a-z0-9]([-a-z0-9.]*[a-z0-9])?';
const BLOB = /^\/blobs\/sha256\/([^/]+)$/;
const FIRMWARE = new RegExp(`^/firmware/(${NAME})/(${NAME})/([^/]+)$`);
const DEVICE = new RegExp(`^/devices/(${NAME})/(${NAME})/([^/]+)$`);

async function route(ctx: ServiceContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://artifacts');
  const path = url.pathname;
  const method = req.method ?? 'GET';
  const readOnly = method === 'GET' || method === 'HEAD';
  if (path === '/healthz' || path === '/readyz') {
    sendJson(res, 200, { status: 'ok' });
    return;
  }
  let m = BLOB.exec(path);
  if (m) {
    if (!readOnly) throw new HttpError(405, `${method} is not allowed on ${path}`);
    const sha256 = m[1];
    if (!isSha256(sha256)) throw new HttpError(404, `${sha256} is not a SHA-256 (64 lowercase hex digits)`);
    // Blobs are public; a signed OTA link must still be valid when it is one.
    if (url.searchParams.has(SIGNED_URL_PARAMS.signature)) {
      const verdict = verifySignedPath(ctx.urlKey, path, url.searchParams, ctx.now());
      if (!verdict.ok) {
        ctx.log(`artifacts: signed URL refused for ${path}: ${verdict.reason}`);
        throw new HttpError(403, verdict.reason === 'expired' ? 'this link has expired: ask for a new one' : 'this link is not valid');
      }
    }
    const blob = await ctx.store.stat(sha256);
    if (!blob) throw new HttpError(404, `no blob sha256:${sha256} is stored`);
    await serveBlob(req, res, ctx.store, blob, { contentType: 'application/octet-stream', immutable: true });
    return;
  }
  m = FIRMWARE.exec(path);
  if (m) {
    const [, namespace, , name, , file] = m;
    if (file === 'upload') {
      if (method !== 'POST') throw new HttpError(405, `uploads are POST requests with a tar body, not ${method}`);
      await handleUpload(ctx, req, res, namespace, name);
      return;
    }
    if (!readOnly) throw new HttpError(405, `${method} is not allowed on ${path}`);
    await serveFirmwareFile(ctx, req, res, namespace, name, decodeURIComponent(file));
    return;
  }
  m = DEVICE.exec(path);
  if (m) {
    if (!readOnly) throw new HttpError(405, `${method} is not allowed on ${path}`);
    const [, namespace, , name, , file] = m;
    await serveDeviceFile(ctx, req, res, path, url.searchParams, namespace, name, file);
    return;
  }
  throw new HttpError(404, `nothing is served at ${path}`);
}

/** The request listener of the artifact service. Errors become JSON answers; internal ones are logged (never a token or query). */
export function artifactRequestListener(ctx: ServiceContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    route(ctx, req, res).catch((err: unknown) => {
      const path = (req.url ?? '').split('?')[0];
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) {
        // A body the client is still sending is drained, so it reads the answer instead of a reset.
        if (!req.complete) req.resume();
        sendJson(res, err.status, { message: err.message }, err.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {});
        return;
      }
      ctx.log(`artifacts: ${req.method} ${path} failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!req.complete) req.resume();
      sendJson(res, 500, { message: 'internal error of the artifact service (see its log)' });
    });
  };
}
