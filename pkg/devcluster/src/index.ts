/**
 * devcluster: a single-process Kubernetes API server for `kubeflash dev` and the test suites.
 * Development and tests only, never production (see README.md for what it does not implement).
 */
import { createServer, type Server } from 'node:https';
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { AdmissionChain, AdmissionSource } from './admission/types';
import { createAdmissionChain } from './admission/index';
import { Api } from './api';
import { builtinTypes } from './builtins';
import { Controllers } from './controllers';
import { loadSnapshot, Persister } from './persistence';
import { Registry } from './registry';
import { HttpHandler } from './server';
import { Store } from './store';
import { issueClientCertificate, loadOrCreateServingTls, type ClientCertificate } from './tls';
import { AuditLog, type AuditEntry } from './audit';
import { bootstrapPolicy } from './auth/bootstrap-policy';
import { RbacAuthorizer } from './auth/rbac';
import { TokenIssuer } from './auth/tokens';

export { createAdmissionChain, type ServiceResolver } from './admission/index';
export type { AuditEntry } from './audit';

export interface DevClusterOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** Persists `<stateDir>/devcluster-state.json` (atomic, debounced writes); without it state lives in memory only. */
  stateDir?: string;
  log?: (line: string) => void;
  /** How many events watches can resume from (older resourceVersions get 410 Gone). Default 1000. */
  watchHistory?: number;
  /** Builds the admission chain that calls webhooks; default: the real webhook caller (`createAdmissionChain`). */
  admission?: (source: AdmissionSource) => AdmissionChain;
  /**
   * Timing of the namespace controller: a deleted namespace is first looked at after
   * `gracePeriodMs` (default 5000, kube-controller-manager's), and a pass over it takes `passMs`
   * (default 4000).
   */
  namespaceDeletion?: { gracePeriodMs?: number; passMs?: number };
  /** Request log: called once per finished request (tests count writes with it, as an audit log would). */
  onRequest?: (entry: RequestLogEntry) => void;
}

/** One request of the request log. */
export interface RequestLogEntry {
  method: string;
  /** Path and query, as sent. */
  url: string;
  status: number;
}

export interface DevCluster {
  /** Base URL of the API, e.g. `https://127.0.0.1:6443` (served with a certificate of devcluster's own CA, which the kubeconfig carries). */
  readonly url: string;
  /** A kubeconfig (context `devcluster`, namespace default) pointing at this server. */
  kubeconfigYaml(): string;
  writeKubeconfig(path: string): Promise<void>;
  /** A kubeconfig authenticating with a client certificate of devcluster's CA (CN = user, O = groups). */
  kubeconfigFor(user: string, groups?: string[]): Promise<string>;
  /** Every request answered so far: user, verb, resource, subresource, namespace, name, HTTP code. */
  readonly audit: { list(filter?: { user?: string }): AuditEntry[]; clear(): void };
  /** Closes watches and the listener and writes the state file one last time. */
  stop(): Promise<void>;
}

/** The administrator of `kubeflash dev` and the test suites: a client certificate in group system:masters. */
export const ADMIN_USER = 'kubernetes-admin';
export const ADMIN_GROUPS = ['system:masters'];

const BOOTSTRAP_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function admissionSource(api: Api): AdmissionSource {
  return {
    mutatingWebhookConfigurations: () => api.store.list('admissionregistration.k8s.io/mutatingwebhookconfigurations'),
    validatingWebhookConfigurations: () => api.store.list('admissionregistration.k8s.io/validatingwebhookconfigurations'),
    namespaceLabels: (namespace) => api.store.get('/namespaces', undefined, namespace)?.metadata.labels,
  };
}

/** Starts devcluster and resolves once it accepts requests. */
export async function startDevCluster(options: DevClusterOptions = {}): Promise<DevCluster> {
  const log = options.log ?? (() => undefined);
  const host = options.host ?? '127.0.0.1';
  const store = new Store(options.watchHistory ?? 1000);
  const registry = new Registry();
  for (const t of builtinTypes()) registry.add(t);
  // The chain needs the API's store and the API needs the chain: bind it after both exist.
  const admission: { chain?: AdmissionChain } = {};
  const api = new Api(store, registry, {
    mutate: (attrs) => (admission.chain ? admission.chain.mutate(attrs) : Promise.resolve(undefined)),
    validate: (attrs) => (admission.chain ? admission.chain.validate(attrs) : Promise.resolve()),
  });
  admission.chain = (options.admission ?? createAdmissionChain)(admissionSource(api));

  if (options.stateDir) {
    const snapshot = await loadSnapshot(options.stateDir);
    if (snapshot) {
      store.restore(snapshot);
      log(`loaded state from ${options.stateDir} (resourceVersion ${snapshot.resourceVersion})`);
    }
  }
  // HTTPS like a real API server: @kubernetes/client-node refuses plain HTTP without skipTLSVerify.
  const tls = await loadOrCreateServingTls(options.stateDir);
  const issuer = await TokenIssuer.load(options.stateDir);
  const authorizer = new RbacAuthorizer(store);
  api.auth = { authorizer, issuer };
  const audit = new AuditLog();
  const controllers = new Controllers(api, log, { rootCA: tls.caPem, issuer, namespaceDeletion: options.namespaceDeletion });
  controllers.runNow();
  bootstrapPolicy(api);
  const nsType = registry.get('', 'v1', 'namespaces');
  for (const name of BOOTSTRAP_NAMESPACES) {
    if (nsType && !store.get(nsType.storageKey, undefined, name)) api.createStored(nsType, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, 'kube-apiserver');
  }
  controllers.runNow();
  // Like an etcd compaction right after start: watches must begin from a list made by this process.
  store.compact();
  api.onDeletion = () => controllers.schedule();
  const unsubscribe = store.subscribe((e) => {
    if (Controllers.relevant(e, (uid) => store.ownerState(uid))) controllers.schedule();
  });
  const persister = options.stateDir ? new Persister(store, options.stateDir, log) : undefined;
  await persister?.flush();

  let url = '';
  const handler = new HttpHandler(api, () => url.replace(/^https?:\/\//, ''), log, { issuer, authorizer, audit });
  const onRequest = options.onRequest;
  // Client certificates are optional (tokens and anonymous requests are authenticated too) and checked against the CA.
  const server: Server = createServer({ key: tls.keyPem, cert: tls.certPem, ca: tls.caPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    if (onRequest) res.once('finish', () => onRequest({ method: req.method ?? 'GET', url: req.url ?? '/', status: res.statusCode }));
    void handler.handle(req, res);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  url = `https://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  log(`API server listening on ${url}`);

  const b64 = (pem: string) => Buffer.from(pem).toString('base64');
  const kubeconfigWith = (client: ClientCertificate) =>
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: devcluster',
      '  cluster:',
      `    server: ${url}`,
      `    certificate-authority-data: ${b64(tls.caPem)}`,
      'contexts:',
      '- name: devcluster',
      '  context:',
      '    cluster: devcluster',
      '    user: devcluster',
      '    namespace: default',
      'current-context: devcluster',
      'users:',
      '- name: devcluster',
      '  user:',
      `    client-certificate-data: ${b64(client.certPem)}`,
      `    client-key-data: ${b64(client.keyPem)}`,
      'preferences: {}',
      '',
    ].join('\n');
  const admin = await issueClientCertificate(tls, ADMIN_USER, ADMIN_GROUPS);
  const kubeconfigYaml = () => kubeconfigWith(admin);

  let stopping: Promise<void> | undefined;
  return {
    url,
    kubeconfigYaml,
    writeKubeconfig: (path) => writeFile(path, kubeconfigYaml(), { mode: 0o600 }),
    kubeconfigFor: async (user, groups = []) => kubeconfigWith(await issueClientCertificate(tls, user, groups)),
    audit: { list: (filter) => audit.list(filter), clear: () => audit.clear() },
    stop() {
      stopping ??= (async () => {
        controllers.stop();
        unsubscribe();
        handler.closeWatches();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await persister?.close();
        log('API server stopped');
      })();
      return stopping;
    },
  };
}
