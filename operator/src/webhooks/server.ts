// The HTTPS server of the admission webhooks: POST /validate and POST /mutate with an AdmissionReview, answered
// per admission.k8s.io/v1. Its certificate can be replaced while it runs (renewal).
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MUTATE_PATH, VALIDATE_PATH } from '@kubeflash/install/names';
import type { Logger } from '../manager/logger';
import { BadReviewError, readReview, reviewResponse, type AdmissionDecision, type AdmissionRequest } from './review';

/** PEM certificate chain and key the server presents. */
export interface ServingCertificate {
  certPem: string;
  keyPem: string;
}

/** Decides one request; throws when it cannot (the API server then reports the message). */
export type AdmissionHandler = (request: AdmissionRequest) => Promise<AdmissionDecision> | AdmissionDecision;

/** Largest AdmissionReview read (an object and its old version, each up to etcd's 1.5 MiB). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface WebhookServerOptions {
  host: string;
  port: number;
  certificate: ServingCertificate;
  validate: AdmissionHandler;
  mutate: AdmissionHandler;
  logger?: Logger;
  /** Called after each answered review (metrics). */
  onReview?: (webhook: 'validate' | 'mutate', outcome: 'allowed' | 'denied' | 'error') => void;
}

export interface WebhookServer {
  readonly port: number;
  /** Serves `certificate` to new connections from now on. */
  setCertificate(certificate: ServingCertificate): void;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BadReviewError(`the request body is larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts the webhook server; resolves once it listens. */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const handlers: Record<string, ['validate' | 'mutate', AdmissionHandler]> = {
    [VALIDATE_PATH]: ['validate', options.validate],
    [MUTATE_PATH]: ['mutate', options.mutate],
  };
  const answer = (res: ServerResponse, status: number, body: string, type = 'text/plain') => res.writeHead(status, { 'content-type': type }).end(body);

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    const route = handlers[path];
    if (!route) return void answer(res, 404, `no webhook at ${path}; the kubeflash webhooks are ${VALIDATE_PATH} and ${MUTATE_PATH}`);
    if (req.method !== 'POST') return void answer(res, 405, 'admission reviews are POSTed');
    const [webhook, handle] = route;
    let request: AdmissionRequest;
    try {
      request = readReview(JSON.parse(await readBody(req)) as unknown);
    } catch (err) {
      const message = err instanceof SyntaxError ? `the body is not JSON: ${err.message}` : (err as Error).message;
      options.logger?.warn('webhook: bad admission review', { webhook, error: message });
      options.onReview?.(webhook, 'error');
      return void answer(res, 400, message);
    }
    let decision: AdmissionDecision;
    try {
      decision = await handle(request);
    } catch (err) {
      const message = `the kubeflash webhook could not check ${request.kind.kind} ${request.namespace ?? ''}/${request.name ?? ''}: ${(err as Error).message}`;
      options.logger?.error('webhook: check failed', { webhook, uid: request.uid, error: (err as Error).message });
      options.onReview?.(webhook, 'error');
      return void answer(res, 200, JSON.stringify(reviewResponse(request, { denials: [message], warnings: [], code: 500 })), 'application/json');
    }
    options.onReview?.(webhook, decision.denials.length > 0 ? 'denied' : 'allowed');
    answer(res, 200, JSON.stringify(reviewResponse(request, decision)), 'application/json');
  };

  const server: Server = createServer({ cert: options.certificate.certPem, key: options.certificate.keyPem, minVersion: 'TLSv1.2' }, (req, res) => void serve(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    setCertificate: (certificate) => server.setSecureContext({ cert: certificate.certPem, key: certificate.keyPem, minVersion: 'TLSv1.2' }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
