// The admission webhooks of the operator process: the HTTPS server, the validation and mutation decisions, and
// where its certificate comes from.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../manager/logger';
import type { OperatorMetrics } from '../manager/metrics';
import type { WebhookCertificates } from './certificates';
import { apiReferenceLookup } from './lookup';
import { mutateRequest } from './mutate';
import { startWebhookServer, type WebhookServer } from './server';
import { validateRequest, type ReferenceLookup } from './validate';

export * from './certificates';
export * from './review';
export { DEVICE_CLASS_LABEL, DEVICES_CLUSTER_LABEL, FIRMWARE_LABEL, mutateRequest } from './mutate';
export { IMMUTABLE_FIELDS, validateRequest, type ReferenceLookup } from './validate';
export type { ServingCertificate, WebhookServer } from './server';

export interface WebhooksOptions {
  kubeConfig: KubeConfig;
  host: string;
  port: number;
  certificates: WebhookCertificates;
  logger?: Logger;
  metrics?: OperatorMetrics;
  /** Default: GETs against the API server. */
  lookup?: ReferenceLookup;
}

/** The running webhooks. */
export interface RunningWebhooks {
  /** The listening port, once the server runs (it starts when the first certificate is there). */
  port(): number | undefined;
  /** Throws while the webhooks cannot answer (readiness). */
  check(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the certificate source and, as soon as it has a certificate, the webhook server. */
export async function startWebhooks(options: WebhooksOptions): Promise<RunningWebhooks> {
  const lookup = options.lookup ?? apiReferenceLookup(options.kubeConfig);
  let server: WebhookServer | undefined;
  let starting: Promise<void> | undefined;
  let failure: string | undefined;
  const serve = (): Promise<void> => {
    const certificate = options.certificates.current();
    if (server || starting || !certificate) return starting ?? Promise.resolve();
    starting = startWebhookServer({
      host: options.host,
      port: options.port,
      certificate,
      validate: (request) => validateRequest(request, lookup),
      mutate: (request) => mutateRequest(request),
      logger: options.logger,
      onReview: (webhook, outcome) => options.metrics?.webhookReviews.inc({ webhook, outcome }),
    }).then(
      (s) => {
        server = s;
        failure = undefined;
        options.logger?.info(`webhooks: serving https://${options.host}:${s.port}/validate and /mutate`);
      },
      (err: Error) => {
        failure = `the webhook server cannot listen on ${options.host}:${options.port}: ${err.message}`;
        options.logger?.error('webhooks: cannot start the server', { error: err.message });
      },
    ).finally(() => {
      starting = undefined;
    });
    return starting;
  };
  options.certificates.onChange((certificate) => {
    if (server) server.setCertificate(certificate);
    else void serve();
  });
  await options.certificates.start();
  await serve();
  return {
    port: () => server?.port,
    check: async () => {
      if (failure) throw new Error(failure);
      await options.certificates.check();
      if (!server) throw new Error('the webhook server is not serving yet');
    },
    stop: async () => {
      await options.certificates.stop();
      await server?.stop();
    },
  };
}
