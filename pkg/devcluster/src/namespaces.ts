/**
 * The namespace-related controllers of kube-controller-manager: every active namespace gets the
 * `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap (the CA that signed the API
 * server's certificate); a deleted namespace stays Terminating while the namespace controller
 * removes its content, then its `kubernetes` finalizer goes and the namespace with it.
 */
import type { Api } from './api';
import type { KObject } from './store';

const NAMESPACE_KEY = '/namespaces';
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';
const CONTROLLER_MANAGER = 'kube-controller-manager';

export interface NamespaceControllerOptions {
  /** PEM of the CA published in every namespace. */
  rootCA: string;
  /**
   * How long a deleted namespace stays Terminating before its content is removed (a real
   * namespace controller needs discovery and a pass over every resource; tests must not assume
   * deletion is instant). Default 1000 ms.
   */
  deletionDelayMs?: number;
  /** Asks the controller loop to run again later (after the deletion delay). */
  wakeAt: (ms: number) => void;
  now?: () => number;
}

export class NamespaceController {
  /** When each terminating namespace was first seen. */
  private readonly terminatingSince = new Map<string, number>();

  constructor(
    private readonly api: Api,
    private readonly options: NamespaceControllerOptions,
  ) {}

  reconcile(): boolean {
    let changed = false;
    const api = this.api;
    const saType = api.registry.get('', 'v1', 'serviceaccounts');
    const cmType = api.registry.get('', 'v1', 'configmaps');
    const now = (this.options.now ?? Date.now)();
    const live = new Set<string>();
    for (const ns of api.store.list(NAMESPACE_KEY)) {
      const name = ns.metadata.name ?? '';
      live.add(name);
      if (!ns.metadata.deletionTimestamp) {
        if (saType && !api.store.get(saType.storageKey, name, 'default')) {
          api.createStored(saType, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } }, CONTROLLER_MANAGER);
          changed = true;
        }
        if (cmType && !api.store.get(cmType.storageKey, name, ROOT_CA_CONFIGMAP)) {
          api.createStored(
            cmType,
            { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CA_CONFIGMAP, namespace: name, annotations: { 'kubernetes.io/description': ROOT_CA_DESCRIPTION } }, data: { 'ca.crt': this.options.rootCA } },
            CONTROLLER_MANAGER,
          );
          changed = true;
        }
        continue;
      }
      const since = this.terminatingSince.get(name) ?? now;
      this.terminatingSince.set(name, since);
      const delay = this.options.deletionDelayMs ?? 1000;
      if (now - since < delay) {
        this.options.wakeAt(since + delay - now);
        continue;
      }
      changed = this.removeContent(ns) || changed;
    }
    for (const name of [...this.terminatingSince.keys()]) if (!live.has(name)) this.terminatingSince.delete(name);
    return changed;
  }

  /** Deletes everything in a terminating namespace; once it is empty, finalizes the namespace. */
  private removeContent(ns: KObject): boolean {
    const api = this.api;
    const name = ns.metadata.name ?? '';
    let changed = false;
    let remaining = 0;
    const storageKeys = [...new Set(api.registry.all().filter((t) => t.namespaced).map((t) => t.storageKey))];
    for (const key of storageKeys) {
      for (const obj of api.store.list(key, name)) {
        remaining++;
        if (obj.metadata.deletionTimestamp) continue;
        const type = api.registry.byStorageKey(key);
        if (type) api.deleteStored(type, obj, 'Background');
        changed = true;
      }
    }
    if (remaining === 0) {
      const spec = (ns.spec ?? {}) as { finalizers?: string[] };
      if (spec.finalizers?.length) {
        api.writeStored(NAMESPACE_KEY, { ...ns, spec: { ...spec, finalizers: [] } } as KObject);
        changed = true;
      }
    }
    return changed;
  }
}
