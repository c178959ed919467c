// The webhook serving certificate. The operator makes it itself (a CA and a serving certificate for the
// Service's DNS names, kept in a Secret, renewed before expiry, the CA written into the webhook configurations'
// caBundle), or cert-manager makes it and the operator only reads the Secret. `kubeflash dev` uses a fixed one.
import { X509Certificate } from 'node:crypto';
import {
  AdmissionregistrationV1Api,
  ApiException,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type V1Secret,
} from '@kubernetes/client-node';
import { generate } from 'selfsigned';
import { WebhookCertSource } from '@kubeflash/install/names';
import { apiErrorMessage } from '../kube/apply';
import type { Logger } from '../manager/logger';
import type { ServingCertificate } from './server';

/** Where the serving certificate comes from, as the server sees it. */
export interface WebhookCertificates {
  /** The certificate to serve now; undefined until there is one. */
  current(): ServingCertificate | undefined;
  /** Called with every new certificate. */
  onChange(listener: (certificate: ServingCertificate) => void): void;
  /** Throws while the webhooks cannot be called successfully (no certificate, caBundle not in place). */
  check(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A certificate that never changes (kubeflash dev registers its CA itself). */
export function fixedCertificates(certificate: ServingCertificate): WebhookCertificates {
  return { current: () => certificate, onChange: () => undefined, check: async () => undefined, start: async () => undefined, stop: async () => undefined };
}

/** Keys of the certificate Secret. */
export const SecretKey = { Cert: 'tls.crt', Key: 'tls.key', CaBundle: 'ca.crt', CaKey: 'ca.key' } as const;

const DAY_MS = 24 * 3600 * 1000;
/** Lifetimes and renewal margins of the operator-made certificates. */
export const CA_LIFETIME_MS = 10 * 365 * DAY_MS;
export const CA_RENEW_BEFORE_MS = 365 * DAY_MS;
export const SERVING_LIFETIME_MS = 365 * DAY_MS;
export const SERVING_RENEW_BEFORE_MS = 30 * DAY_MS;

/** PEM material of the Secret. */
export interface CertificateMaterial {
  certPem: string;
  keyPem: string;
  /** The CAs the API server must trust: the signing CA first, then a previous one until it expires. */
  caBundlePem: string;
  caKeyPem: string;
}

/** What to do with the stored material. */
export type CertificateAction = 'create' | 'renew-ca' | 'renew-serving' | 'keep';

const decode = (data: Record<string, string> | undefined, key: string): string | undefined => (data?.[key] ? Buffer.from(data[key], 'base64').toString('utf8') : undefined);

/** The material stored in a Secret's data, or undefined when any part is missing. */
export function materialFromSecret(secret: V1Secret | undefined): CertificateMaterial | undefined {
  const data = secret?.data;
  const [certPem, keyPem, caBundlePem, caKeyPem] = [decode(data, SecretKey.Cert), decode(data, SecretKey.Key), decode(data, SecretKey.CaBundle), decode(data, SecretKey.CaKey)];
  return certPem && keyPem && caBundlePem && caKeyPem ? { certPem, keyPem, caBundlePem, caKeyPem } : undefined;
}

/** The certificates of a PEM bundle. */
export function pemCertificates(bundle: string): X509Certificate[] {
  return (bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((pem) => new X509Certificate(pem));
}

/** Whether the stored material can be kept, must be renewed, or must be made (pure; `dnsNames` are required SANs). */
export function decideCertificate(material: CertificateMaterial | undefined, dnsNames: readonly string[], now: Date): CertificateAction {
  if (!material) return 'create';
  let serving: X509Certificate;
  let ca: X509Certificate | undefined;
  try {
    serving = new X509Certificate(material.certPem);
    ca = pemCertificates(material.caBundlePem)[0];
  } catch {
    return 'create';
  }
  if (!ca || !serving.verify(ca.publicKey)) return 'create';
  const t = now.getTime();
  if (Date.parse(ca.validTo) - t < CA_RENEW_BEFORE_MS) return 'renew-ca';
  const sans = (serving.subjectAltName ?? '').split(',').map((s) => s.trim());
  if (dnsNames.some((d) => !sans.includes(`DNS:${d}`))) return 'renew-serving';
  if (Date.parse(serving.validTo) - t < SERVING_RENEW_BEFORE_MS) return 'renew-serving';
  return 'keep';
}

async function makeCa(now: Date): Promise<{ certPem: string; keyPem: string }> {
  const ca = await generate([{ name: 'commonName', value: 'kubeflash-webhook-ca' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 3600_000),
    notAfterDate: new Date(now.getTime() + CA_LIFETIME_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { certPem: ca.cert, keyPem: ca.private };
}

async function makeServing(ca: { certPem: string; keyPem: string }, dnsNames: readonly string[], ips: readonly string[], now: Date): Promise<{ certPem: string; keyPem: string }> {
  const serving = await generate([{ name: 'commonName', value: dnsNames[0] ?? ips[0] ?? 'kubeflash-webhook' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 3600_000),
    notAfterDate: new Date(now.getTime() + SERVING_LIFETIME_MS),
    ca: { key: ca.keyPem, cert: ca.certPem },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...dnsNames.map((value) => ({ type: 2 as const, value })), ...ips.map((ip) => ({ type: 7 as const, ip }))] },
    ],
  });
  return { certPem: serving.cert, keyPem: serving.private };
}

/**
 * New material for `action`: a fresh CA (keeping the previous CA in the bundle while it is valid, so requests
 * signed either way verify during the switch) or a new serving certificate from the current CA.
 */
export async function renewMaterial(current: CertificateMaterial | undefined, action: Exclude<CertificateAction, 'keep'>, dnsNames: readonly string[], now: Date, ips: readonly string[] = []): Promise<CertificateMaterial> {
  if (action === 'renew-serving' && current) {
    const [signing] = current.caBundlePem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    const serving = await makeServing({ certPem: `${signing}\n`, keyPem: current.caKeyPem }, dnsNames, ips, now);
    return { ...serving, caBundlePem: current.caBundlePem, caKeyPem: current.caKeyPem };
  }
  const ca = await makeCa(now);
  const serving = await makeServing(ca, dnsNames, ips, now);
  const previous = action === 'renew-ca' && current ? pemCertificates(current.caBundlePem).filter((c) => Date.parse(c.validTo) > now.getTime()).slice(0, 1) : [];
  return { ...serving, caBundlePem: [ca.certPem.trim(), ...previous.map((c) => c.toString().trim())].join('\n') + '\n', caKeyPem: ca.keyPem };
}

/** A fresh CA and serving certificate for addresses (kubeflash dev: 127.0.0.1). */
export async function makeServingMaterial(dnsNames: readonly string[], ips: readonly string[] = []): Promise<CertificateMaterial> {
  return renewMaterial(undefined, 'create', dnsNames, new Date(), ips);
}

export interface SecretCertificatesOptions {
  kubeConfig: KubeConfig;
  source: WebhookCertSource;
  /** Namespace and name of the Secret (the operator's namespace). */
  namespace: string;
  secretName: string;
  /** Names the certificate must carry (the Service's). */
  dnsNames: readonly string[];
  /** Mutating and validating webhook configurations whose caBundle the operator keeps (source operator). */
  configurationName: string;
  logger?: Logger;
  /** How often the Secret is checked (default one minute). */
  periodMs?: number;
  now?: () => Date;
}

/**
 * The certificate kept in a Secret: made, renewed and published in caBundle by the operator (any replica may do
 * it: writes carry the Secret's resourceVersion, so two replicas never both replace it), or made by
 * cert-manager and only read. Every replica serves what the Secret holds.
 */
export class SecretCertificates implements WebhookCertificates {
  private certificate: ServingCertificate | undefined;
  private readonly listeners: ((c: ServingCertificate) => void)[] = [];
  private problem: string | undefined = 'the webhook certificate has not been read yet';
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly core: CoreV1Api;
  private readonly admission: AdmissionregistrationV1Api;

  constructor(private readonly options: SecretCertificatesOptions) {
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.admission = options.kubeConfig.makeApiClient(AdmissionregistrationV1Api);
  }

  current(): ServingCertificate | undefined {
    return this.certificate;
  }

  onChange(listener: (c: ServingCertificate) => void): void {
    this.listeners.push(listener);
  }

  async check(): Promise<void> {
    if (this.problem) throw new Error(this.problem);
  }

  /** Reads (and if needed makes) the certificate once, then keeps checking it. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref?.();
  }

  private async readSecret(): Promise<V1Secret | undefined> {
    try {
      return await this.core.readNamespacedSecret({ name: this.options.secretName, namespace: this.options.namespace });
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return undefined;
      throw err;
    }
  }

  private async tick(): Promise<void> {
    let again = this.options.periodMs ?? 60_000;
    try {
      const material = await this.ensureMaterial();
      if (material) {
        this.use(material);
        if (this.options.source === WebhookCertSource.Operator) await this.publishCaBundle(material.caBundlePem);
        this.problem = undefined;
      }
    } catch (err) {
      const conflict = err instanceof ApiException && err.code === 409;
      this.problem = `webhook certificate: ${apiErrorMessage(err)}`;
      if (!conflict) this.options.logger?.warn('webhooks: cannot read or renew the serving certificate', { secret: `${this.options.namespace}/${this.options.secretName}`, error: apiErrorMessage(err) });
      again = conflict ? 50 : Math.min(again, 5000);
    }
    this.schedule(again);
  }

  /** The material to serve; undefined (with `problem` set) while cert-manager has not made it. */
  private async ensureMaterial(): Promise<CertificateMaterial | undefined> {
    const { namespace, secretName } = this.options;
    const secret = await this.readSecret();
    if (this.options.source === WebhookCertSource.CertManager) {
      const cert = decode(secret?.data, SecretKey.Cert);
      const key = decode(secret?.data, SecretKey.Key);
      if (!cert || !key) {
        this.problem = `waiting for cert-manager to write tls.crt and tls.key into Secret ${namespace}/${secretName}`;
        return undefined;
      }
      return { certPem: cert, keyPem: key, caBundlePem: decode(secret?.data, SecretKey.CaBundle) ?? '', caKeyPem: '' };
    }
    const current = materialFromSecret(secret);
    const now = (this.options.now ?? (() => new Date()))();
    const action = decideCertificate(current, this.options.dnsNames, now);
    if (action === 'keep' && current) return current;
    const next = await renewMaterial(action === 'create' ? undefined : current, action === 'keep' ? 'create' : action, this.options.dnsNames, now);
    const data = {
      [SecretKey.Cert]: Buffer.from(next.certPem).toString('base64'),
      [SecretKey.Key]: Buffer.from(next.keyPem).toString('base64'),
      [SecretKey.CaBundle]: Buffer.from(next.caBundlePem).toString('base64'),
      [SecretKey.CaKey]: Buffer.from(next.caKeyPem).toString('base64'),
    };
    if (!secret) {
      await this.core.createNamespacedSecret({ namespace, body: { metadata: { name: secretName, namespace, labels: { 'app.kubernetes.io/part-of': 'kubeflash' } }, type: 'kubernetes.io/tls', data } });
    } else {
      await this.core.replaceNamespacedSecret({ name: secretName, namespace, body: { ...secret, type: secret.type ?? 'kubernetes.io/tls', data } });
    }
    this.options.logger?.info('webhooks: serving certificate written', { secret: `${namespace}/${secretName}`, action });
    return next;
  }

  private use(material: CertificateMaterial): void {
    if (this.certificate?.certPem === material.certPem && this.certificate.keyPem === material.keyPem) return;
    this.certificate = { certPem: material.certPem, keyPem: material.keyPem };
    for (const listener of this.listeners) listener(this.certificate);
  }

  /** Writes the CA bundle into every webhook of both configurations where it differs (JSONPatch per webhook). */
  private async publishCaBundle(caBundlePem: string): Promise<void> {
    const name = this.options.configurationName;
    const caBundle = Buffer.from(caBundlePem).toString('base64');
    const json = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
    const configurations = [
      { read: () => this.admission.readValidatingWebhookConfiguration({ name }), patch: (body: object[]) => this.admission.patchValidatingWebhookConfiguration({ name, body }, json) },
      { read: () => this.admission.readMutatingWebhookConfiguration({ name }), patch: (body: object[]) => this.admission.patchMutatingWebhookConfiguration({ name, body }, json) },
    ];
    for (const configuration of configurations) {
      let current;
      try {
        current = await configuration.read();
      } catch (err) {
        if (err instanceof ApiException && err.code === 404) throw new Error(`webhook configuration ${name} does not exist: install the chart (or kubeflash manifests) to register the webhooks`);
        throw err;
      }
      const ops = (current.webhooks ?? []).flatMap((webhook, i) =>
        webhook.clientConfig.caBundle === caBundle
          ? []
          : [
              { op: 'test', path: `/webhooks/${i}/name`, value: webhook.name },
              { op: webhook.clientConfig.caBundle === undefined ? 'add' : 'replace', path: `/webhooks/${i}/clientConfig/caBundle`, value: caBundle },
            ],
      );
      if (ops.length > 0) {
        await configuration.patch(ops);
        this.options.logger?.info('webhooks: caBundle updated', { configuration: `${current.kind ?? ''}/${name}` });
      }
    }
  }
}
