/**
 * The namespace-related controllers of kube-controller-manager: every active namespace gets the
 * `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap (the CA that signed the API
 * server's certificate); a deleted namespace stays Terminating while the namespace controller
 * removes its content, then its `kubernetes` finalizer goes and the namespace with it.
 *
 * The namespace controller is modelled on kubernetes/kubernetes `pkg/controller/namespace`: a
 * change of a terminating namespace queues it after `namespaceDeletionGracePeriod` (5 s); a pass
 * deletes every namespaced resource type's collection (background propagation), then counts what
 * is left and writes the five deletion conditions into the namespace's status; when nothing is
 * left it removes `kubernetes` from spec.finalizers, otherwise it tries again after the deleter's
 * estimate (finalizerEstimateSeconds 15 s: 15/2+1 = 8 s).
 */
import type { Api } from './api';
import { timestamp } from './meta';
import type { KObject } from './store';

const NAMESPACE_KEY = '/namespaces';
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';
const CONTROLLER_MANAGER = 'kube-controller-manager';
const FINALIZER_TOKEN = 'kubernetes';

/** namespace_controller.go: namespaceDeletionGracePeriod. */
const DELETION_GRACE_PERIOD_MS = 5000;
/**
 * How long one pass takes (discovery, then a deleteCollection and a list per namespaced resource
 * type, one after another): the recorded namespace-delete-terminating case shows a real pass had
 * not finished 8 s after the DELETE (no deletion conditions yet), so more than 3 s.
 */
const PASS_MS = 4000;
/** Requeue after content with finalizers remains: deletion.finalizerEstimateSeconds (15) / 2 + 1 seconds. */
const REMAINING_RETRY_MS = (Math.floor(15 / 2) + 1) * 1000;

/** status_condition_utils.go: the condition types in the order the controller writes them, with their "all is well" reason and message. */
const CONDITIONS_OK: [type: string, reason: string, message: string][] = [
  ['NamespaceDeletionDiscoveryFailure', 'ResourcesDiscovered', 'All resources successfully discovered'],
  ['NamespaceDeletionGroupVersionParsingFailure', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'],
  ['NamespaceDeletionContentFailure', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
  ['NamespaceContentRemaining', 'ContentRemoved', 'All content successfully removed'],
  ['NamespaceFinalizersRemaining', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'],
];

interface NamespaceCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface NamespaceControllerOptions {
  /** PEM of the CA published in every namespace. */
  rootCA: string;
  /** Timing of the namespace controller (tests of devcluster itself use 0 for both). */
  gracePeriodMs?: number;
  passMs?: number;
  /** Asks the controller loop to run again later. */
  wakeAt: (ms: number) => void;
  now?: () => number;
}

/** One terminating namespace as the controller's queue knows it. */
interface Terminating {
  /** resourceVersion last seen: a change queues the namespace again after the grace period. */
  resourceVersion: string;
  nextPassAt: number;
  /** Set while a pass runs: its content deletions happened, its tally and status are due then. */
  passEndsAt?: number;
}

export class NamespaceController {
  private readonly terminating = new Map<string, Terminating>();

  constructor(
    private readonly api: Api,
    private readonly options: NamespaceControllerOptions,
  ) {}

  reconcile(): boolean {
    let changed = false;
    const api = this.api;
    const saType = api.registry.get('', 'v1', 'serviceaccounts');
    const cmType = api.registry.get('', 'v1', 'configmaps');
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
      changed = this.terminate(ns) || changed;
    }
    for (const name of [...this.terminating.keys()]) if (!live.has(name)) this.terminating.delete(name);
    return changed;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Moves one terminating namespace through the controller's queue and passes. */
  private terminate(ns: KObject): boolean {
    const name = ns.metadata.name ?? '';
    const now = this.now();
    const grace = this.options.gracePeriodMs ?? DELETION_GRACE_PERIOD_MS;
    const rv = ns.metadata.resourceVersion ?? '';
    let state = this.terminating.get(name);
    if (!state) {
      state = { resourceVersion: rv, nextPassAt: now + grace };
      this.terminating.set(name, state);
    } else if (state.resourceVersion !== rv) {
      // enqueueNamespace on every update: AddAfter(grace period); the earlier time wins.
      state.resourceVersion = rv;
      state.nextPassAt = Math.min(state.nextPassAt, now + grace);
    }
    let changed = false;
    if (state.passEndsAt === undefined && now >= state.nextPassAt) {
      changed = this.deleteContent(name);
      // Timed from when the pass was due, so a late wake-up of the controller loop does not stretch it.
      state.passEndsAt = state.nextPassAt + (this.options.passMs ?? PASS_MS);
    }
    if (state.passEndsAt !== undefined && now >= state.passEndsAt) {
      state.passEndsAt = undefined;
      state.nextPassAt = Number.POSITIVE_INFINITY;
      changed = this.finishPass(name, state) || changed;
    }
    const wakeAt = state.passEndsAt ?? state.nextPassAt;
    if (Number.isFinite(wakeAt)) this.options.wakeAt(Math.max(0, wakeAt - now));
    return changed;
  }

  /** deleteCollection of every namespaced resource type, background propagation. */
  private deleteContent(namespace: string): boolean {
    const api = this.api;
    let changed = false;
    for (const key of this.namespacedStorageKeys()) {
      const type = api.registry.byStorageKey(key);
      if (!type) continue;
      for (const obj of api.store.list(key, namespace)) {
        if (obj.metadata.deletionTimestamp) continue;
        api.deleteStored(type, obj, 'Background');
        changed = true;
      }
    }
    return changed;
  }

  /** The end of a pass: tally what is left, write the conditions, finalize or retry later. */
  private finishPass(name: string, state: Terminating): boolean {
    const api = this.api;
    const ns = api.store.get(NAMESPACE_KEY, undefined, name);
    if (!ns?.metadata.deletionTimestamp) return false;
    const remaining: string[] = [];
    const finalizers = new Map<string, number>();
    for (const key of this.namespacedStorageKeys()) {
      const type = api.registry.byStorageKey(key);
      const items = api.store.list(key, name);
      if (!type || items.length === 0) continue;
      remaining.push(`${type.plural}.${type.group} has ${items.length} resource instances`);
      for (const item of items) for (const f of item.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
    }
    let changed = false;
    const status = { ...((ns.status ?? {}) as { conditions?: NamespaceCondition[] }) };
    const conditions = updateConditions(status.conditions ?? [], remaining, finalizers);
    let current = ns;
    if (conditions) {
      current = api.writeStored(NAMESPACE_KEY, { ...ns, status: { ...status, conditions } }, CONTROLLER_MANAGER, 'status');
      state.resourceVersion = current.metadata.resourceVersion ?? '';
      // The status write is an update of the namespace: it queues the namespace again.
      state.nextPassAt = this.now() + (this.options.gracePeriodMs ?? DELETION_GRACE_PERIOD_MS);
      changed = true;
    }
    if (remaining.length > 0) {
      state.nextPassAt = Math.min(state.nextPassAt, this.now() + REMAINING_RETRY_MS);
      return changed;
    }
    const spec = (current.spec ?? {}) as { finalizers?: string[] };
    if (spec.finalizers?.includes(FINALIZER_TOKEN)) {
      api.writeStored(NAMESPACE_KEY, { ...current, spec: { ...spec, finalizers: spec.finalizers.filter((f) => f !== FINALIZER_TOKEN) } } as KObject, CONTROLLER_MANAGER, 'finalize');
      changed = true;
    }
    return changed;
  }

  private namespacedStorageKeys(): string[] {
    return [...new Set(this.api.registry.all().filter((t) => t.namespaced && !t.virtual && t.verbs.includes('delete')).map((t) => t.storageKey))];
  }
}

/**
 * The namespace's deletion conditions after a pass (namespaceConditionUpdater.Update), or
 * undefined when none changed. lastTransitionTime moves only when a condition's status does.
 */
function updateConditions(old: NamespaceCondition[], remaining: string[], finalizers: Map<string, number>): NamespaceCondition[] | undefined {
  const now = timestamp();
  const next = old.map((c) => ({ ...c }));
  let changed = false;
  for (const [type, okReason, okMessage] of CONDITIONS_OK) {
    let wanted: NamespaceCondition = { type, status: 'False', reason: okReason, message: okMessage };
    if (type === 'NamespaceContentRemaining' && remaining.length > 0) {
      wanted = { type, status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${[...remaining].sort().join(', ')}` };
    }
    if (type === 'NamespaceFinalizersRemaining' && finalizers.size > 0) {
      const byFinalizer = [...finalizers].map(([f, n]) => `${f} in ${n} resource instances`).sort();
      wanted = { type, status: 'True', reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${byFinalizer.join(', ')}` };
    }
    const existing = next.find((c) => c.type === type);
    if (!existing) {
      next.push({ type: wanted.type, status: wanted.status, lastTransitionTime: now, reason: wanted.reason, message: wanted.message });
      changed = true;
    } else if (existing.status !== wanted.status || existing.reason !== wanted.reason || existing.message !== wanted.message) {
      if (existing.status !== wanted.status) existing.lastTransitionTime = now;
      Object.assign(existing, { status: wanted.status, reason: wanted.reason, message: wanted.message });
      changed = true;
    }
  }
  return changed ? next : undefined;
}
