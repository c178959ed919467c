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
import { loadOrCreateServingTls } from './tls';

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
  /** Closes watches and the listener and writes the state file one last time. */
  stop(): Promise<void>;
}

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
  const controllers = new Controllers(api, log);
  controllers.runNow();
  const nsType = registry.get('', 'v1', 'namespaces');
  for (const name of BOOTSTRAP_NAMESPACES) {
    if (nsType && !store.get(nsType.storageKey, undefined, name)) {
      await api.create(nsType, undefined, { metadata: { name } }, { internal: true });
    }
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
  const handler = new HttpHandler(api, () => url.replace(/^https?:\/\//, ''), log);
  // HTTPS like a real API server: @kubernetes/client-node refuses plain HTTP without skipTLSVerify.
  const tls = await loadOrCreateServingTls(options.stateDir);
  const onRequest = options.onRequest;
  const server: Server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
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

  const kubeconfigYaml = () =>
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: devcluster',
      '  cluster:',
      `    server: ${url}`,
      `    certificate-authority-data: ${Buffer.from(tls.caPem).toString('base64')}`,
      'contexts:',
      '- name: devcluster',
      '  context:',
      '    cluster: devcluster',
      '    user: devcluster',
      '    namespace: default',
      'current-context: devcluster',
      'users:',
      '- name: devcluster',
      // Any token: devcluster does not authenticate, but kubectl prompts for a password over HTTPS without one.
      '  user:',
      '    token: devcluster',
      'preferences: {}',
      '',
    ].join('\n');

  let stopping: Promise<void> | undefined;
  return {
    url,
    kubeconfigYaml,
    writeKubeconfig: (path) => writeFile(path, kubeconfigYaml(), { mode: 0o600 }),
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
