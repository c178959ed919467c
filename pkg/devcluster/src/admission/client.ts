/**
 * One webhook call: POST an AdmissionReview over HTTPS (caBundle-verified), with the
 * `?timeout=<n>s` query and deadline kube-apiserver uses, failures worded like its
 * `failed calling webhook "<name>": failed to call webhook: Post "<url>": <cause>` errors.
 */
import { request } from 'node:https';
import type { WebhookClientConfig } from './config';

/** A webhook could not be called or answered nonsense (webhookutil.ErrCallingWebhook). */
export class CallingWebhookError extends Error {
  constructor(
    readonly webhookName: string,
    reason: string,
  ) {
    super(`failed calling webhook ${JSON.stringify(webhookName)}: ${reason}`);
    this.name = 'CallingWebhookError';
  }
}

/** Maps a service reference to a base URL (scheme, host, port) that reaches it. */
export type ServiceResolver = (namespace: string, name: string, port: number) => string | Promise<string>;

interface Target {
  /** The URL as kube-apiserver would name it in messages. */
  shownUrl: string;
  /** Where the request really goes. */
  url: URL;
  /** Name the server certificate must carry. */
  serverName: string;
}

function withTimeout(url: string, timeoutSeconds: number): string {
  return `${url}${url.includes('?') ? '&' : '?'}timeout=${timeoutSeconds}s`;
}

async function resolveTarget(config: WebhookClientConfig, timeoutSeconds: number, resolveService: ServiceResolver | undefined, hookName: string): Promise<Target> {
  if (config.url) {
    const shownUrl = withTimeout(config.url, timeoutSeconds);
    const url = new URL(shownUrl);
    return { shownUrl, url, serverName: url.hostname.replace(/^\[|\]$/g, '') };
  }
  const svc = config.service;
  if (!svc) throw new CallingWebhookError(hookName, 'failed to call webhook: clientConfig has neither url nor service');
  const port = svc.port ?? 443;
  const serverName = `${svc.name}.${svc.namespace}.svc`;
  const path = svc.path ?? '';
  const shownUrl = withTimeout(`https://${serverName}:${port}${path}`, timeoutSeconds);
  if (!resolveService) {
    throw new CallingWebhookError(hookName, `failed to call webhook: Post ${JSON.stringify(shownUrl)}: service ${JSON.stringify(svc.name)} not found`);
  }
  let base: string;
  try {
    base = await resolveService(svc.namespace, svc.name, port);
  } catch (e) {
    throw new CallingWebhookError(hookName, `failed to call webhook: Post ${JSON.stringify(shownUrl)}: ${(e as Error).message}`);
  }
  return { shownUrl, url: new URL(withTimeout(`${base.replace(/\/$/, '')}${path}`, timeoutSeconds)), serverName };
}

const unknownAuthority = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
]);

/** Go's wording for a transport failure. */
function transportError(err: NodeJS.ErrnoException & { host?: string }, target: Target): string {
  const code = err.code ?? '';
  if (code === 'ETIMEDOUT_WEBHOOK') return 'context deadline exceeded';
  if (code === 'ECONNREFUSED') return `dial tcp ${target.url.host}: connect: connection refused`;
  if (code === 'ENOTFOUND') return `dial tcp: lookup ${target.url.hostname}: no such host`;
  if (unknownAuthority.has(code)) return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `tls: failed to verify certificate: x509: certificate is not valid for ${target.serverName}`;
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
  }
  if (code === 'ECONNRESET') return 'EOF';
  return err.message;
}

/** Wording of the Go REST client for a non-2xx answer without a Status body. */
function httpStatusError(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { kind?: string; message?: string };
    if (parsed.kind === 'Status' && parsed.message) return parsed.message;
  } catch {
    // not JSON: fall through to the generic wording
  }
  const known: Record<number, string> = {
    400: 'the server rejected our request for an unknown reason',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'the server could not find the requested resource',
    500: 'an error on the server has prevented the request from succeeding',
    503: 'the server is currently unable to handle the request',
  };
  return known[status] ?? `the server responded with the status code ${status} but did not return more information`;
}

/** POSTs `review` to the webhook and returns the decoded answer. */
export async function callWebhook(
  hookName: string,
  config: WebhookClientConfig,
  timeoutSeconds: number,
  review: unknown,
  resolveService: ServiceResolver | undefined,
): Promise<unknown> {
  const target = await resolveTarget(config, timeoutSeconds, resolveService, hookName);
  const fail = (reason: string) => new CallingWebhookError(hookName, `failed to call webhook: Post ${JSON.stringify(target.shownUrl)}: ${reason}`);
  if (target.url.protocol !== 'https:') throw fail('unsupported protocol scheme, webhooks must use https');
  const ca = config.caBundle ? Buffer.from(config.caBundle, 'base64').toString('utf8') : undefined;
  const payload = Buffer.from(JSON.stringify(review));

  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      target.url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json, */*', 'Content-Length': payload.length },
        ca,
        servername: target.serverName,
        rejectUnauthorized: true,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => reject(fail(transportError(e, target))));
      },
    );
    const timer = setTimeout(() => {
      const e: NodeJS.ErrnoException = new Error('timeout');
      e.code = 'ETIMEDOUT_WEBHOOK';
      req.destroy(e);
    }, timeoutSeconds * 1000);
    req.on('error', (e: NodeJS.ErrnoException) => reject(fail(transportError(e, target))));
    req.on('close', () => clearTimeout(timer));
    req.end(payload);
  });

  if (status < 200 || status > 299) throw new CallingWebhookError(hookName, `failed to call webhook: ${httpStatusError(status, body)}`);
  try {
    return JSON.parse(body) as unknown;
  } catch (e) {
    throw new CallingWebhookError(hookName, `received invalid webhook response: ${(e as Error).message}`);
  }
}
