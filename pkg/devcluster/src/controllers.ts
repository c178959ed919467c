import { FINALIZER, type Api } from './api';
import { crdResourceTypes, establishedStatus, preferredVersion } from './crd';
import { aggregateClusterRoles } from './auth/bootstrap-policy';
import type { TokenIssuer } from './auth/tokens';
import { collectGarbage } from './gc';
import { populateTokenSecrets } from './sa-token-secrets';
import { NamespaceController } from './namespaces';
import { jsonEqual, timestamp } from './meta';
import type { KObject, StoreEvent } from './store';

const NAMESPACE_KEY = '/namespaces';
const CRD_KEY = 'apiextensions.k8s.io/customresourcedefinitions';

/**
 * The CRD controllers of apiextensions-apiserver: serve every version of a stored CRD, mark it
 * NamesAccepted/Established, and on deletion remove all its objects before the CRD goes.
 */
export class CrdController {
  private readonly served = new Map<string, string>();

  constructor(
    private readonly api: Api,
    private readonly log: (line: string) => void,
  ) {}

  reconcile(): boolean {
    let changed = false;
    const crds = this.api.store.list(CRD_KEY);
    const names = new Set(crds.map((c) => c.metadata.name ?? ''));
    for (const name of [...this.served.keys()]) {
      if (!names.has(name)) {
        this.api.registry.removeCrd(name);
        this.served.delete(name);
      }
    }
    for (const crd of crds) {
      const name = crd.metadata.name ?? '';
      if (crd.metadata.deletionTimestamp) {
        changed = this.cleanup(crd) || changed;
        continue;
      }
      const specKey = JSON.stringify(crd.spec);
      if (this.served.get(name) !== specKey) {
        try {
          const types = crdResourceTypes(crd);
          this.api.registry.removeCrd(name);
          for (const t of types) this.api.registry.add(t);
          const preferred = preferredVersion(crd);
          if (preferred) this.api.registry.setPreferred((crd.spec as { group: string }).group, preferred);
          this.served.set(name, specKey);
        } catch (err) {
          this.log(`CRD ${name} cannot be served: ${(err as Error).message}`);
          continue;
        }
      }
      const status = establishedStatus(crd, timestamp());
      const old = (crd.status ?? {}) as { conditions?: { type: string; lastTransitionTime?: string }[] };
      const sameConditions = jsonEqual(
        (old.conditions ?? []).map((c) => ({ ...c, lastTransitionTime: undefined })),
        (status.conditions as object[]).map((c) => ({ ...c, lastTransitionTime: undefined })),
      );
      const next = { ...status, conditions: sameConditions ? old.conditions : status.conditions };
      if (!jsonEqual(next, crd.status)) {
        this.api.writeStored(CRD_KEY, { ...crd, status: next });
        changed = true;
      }
    }
    return changed;
  }

  private cleanup(crd: KObject): boolean {
    const spec = crd.spec as { group: string; names: { plural: string } };
    const storageKey = `${spec.group}/${spec.names.plural}`;
    const type = this.api.registry.byStorageKey(storageKey);
    const objects = this.api.store.list(storageKey);
    let changed = false;
    for (const obj of objects) {
      if (obj.metadata.deletionTimestamp || !type) continue;
      this.api.deleteStored(type, obj, 'Background');
      changed = true;
    }
    if (this.api.store.list(storageKey).length === 0 && (crd.metadata.finalizers ?? []).includes(FINALIZER.crdCleanup)) {
      const current = this.api.store.get(CRD_KEY, undefined, crd.metadata.name ?? '');
      if (current) {
        current.metadata.finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== FINALIZER.crdCleanup);
        this.api.writeStored(CRD_KEY, current);
        changed = true;
      }
    }
    return changed;
  }
}

/**
 * Runs the in-process controllers (CRDs, namespaces, garbage collector) after every change,
 * batched on the next tick, repeating until nothing changes.
 */
export interface ControllerOptions {
  /** PEM of the CA published as kube-root-ca.crt in every namespace. */
  rootCA: string;
  /** Signs the tokens of legacy ServiceAccount token Secrets; without it those Secrets stay empty. */
  issuer?: TokenIssuer;
  /**
   * Timing of the namespace controller: the grace period before a pass over a deleted namespace
   * (default 5000 ms, as kube-controller-manager) and how long a pass takes (default 4000 ms).
   */
  namespaceDeletion?: { gracePeriodMs?: number; passMs?: number };
}

export class Controllers {
  private scheduled = false;
  private readonly crds: CrdController;
  private readonly namespaces: NamespaceController;
  private stopped = false;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeTimerAt = 0;

  constructor(
    private readonly api: Api,
    private readonly log: (line: string) => void,
    private readonly options: ControllerOptions,
  ) {
    this.crds = new CrdController(api, log);
    this.namespaces = new NamespaceController(api, { rootCA: options.rootCA, ...options.namespaceDeletion, wakeAt: (ms) => this.wakeAfter(ms) });
  }

  /** Runs the controllers again after `ms` (the earliest of the pending requests wins). */
  private wakeAfter(ms: number): void {
    if (this.stopped) return;
    const at = Date.now() + ms;
    if (this.wakeTimer && this.wakeTimerAt <= at) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimerAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.schedule();
    }, ms);
    this.wakeTimer.unref?.();
  }

  /** Runs every controller until quiet (synchronously). */
  runNow(): void {
    for (let round = 0; round < 50; round++) {
      let changed = this.crds.reconcile();
      changed = this.namespaces.reconcile() || changed;
      changed = aggregateClusterRoles(this.api) || changed;
      if (this.options.issuer) changed = populateTokenSecrets(this.api, this.options.issuer, this.options.rootCA) || changed;
      changed = collectGarbage(this.api) || changed;
      if (!changed) return;
    }
    this.log('controllers did not settle after 50 rounds');
  }

  schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.stopped) return;
      try {
        this.runNow();
      } catch (err) {
        this.log(`controller error: ${(err as Error).stack ?? String(err)}`);
      }
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
  }

  /**
   * Whether a change can give any controller work. Plain spec/status writes cannot; neither can a new
   * or re-owned object whose owners all exist and are not being deleted (the garbage collector would
   * find nothing to do, and a full pass over every stored object per create made large fleets slow).
   */
  static relevant(e: StoreEvent, ownerState: (uid: string) => 'live' | 'deleting' | 'absent' = () => 'absent'): boolean {
    if (e.resource === NAMESPACE_KEY || e.resource === CRD_KEY || e.type === 'DELETED') return true;
    if (e.resource === 'rbac.authorization.k8s.io/clusterroles') return true;
    if (e.resource === '/secrets' && e.object.type === 'kubernetes.io/service-account-token') return true;
    if (e.resource === '/serviceaccounts' && e.type === 'ADDED') return true;
    if (e.object.metadata.deletionTimestamp) return true;
    const refs = e.object.metadata.ownerReferences;
    if (!refs?.length) return false;
    if (e.type !== 'ADDED' && jsonEqual(refs, e.oldObject?.metadata.ownerReferences)) return false;
    return refs.some((r) => ownerState(r.uid) !== 'live');
  }
}
