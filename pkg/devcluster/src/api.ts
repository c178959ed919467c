import { randomUUID } from 'node:crypto';
import type { AdmissionAttributes, AdmissionChain } from './admission/types';
import { validateCrd } from './crd';
import { alreadyExists, badRequest, conflict, invalid, notFound, StatusError, type StatusCause } from './errors';
import { comparable, generateNameSuffix, jsonEqual, timestamp, validateObjectMeta } from './meta';
import { appliedFieldPaths, applyJsonPatch, applyMergePatch, applyServerSideApply, applyStrategicMergePatch, removeFieldPath } from './patch';
import { apiVersionOf, qualifiedResource, type Registry, type ResourceType } from './registry';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors';
import type { KObject, Store } from './store';

/** Options every write carries (query parameters of the request). */
export interface WriteOptions {
  dryRun?: boolean;
  /** Strict | Warn | Ignore; kube-apiserver's default is Warn. */
  fieldValidation?: string;
  fieldManager?: string;
  /** Warnings to return in `Warning` headers. */
  warnings?: string[];
  /** Set by internal controllers (GC, namespace cleanup): skips admission webhooks. */
  internal?: boolean;
}

export interface DeleteOptions extends WriteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: KObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/** Finalizers the API server itself understands. */
export const FINALIZER = {
  foreground: 'foregroundDeletion',
  orphan: 'orphan',
  crdCleanup: 'customresourcecleanup.apiextensions.k8s.io',
} as const;

const NAMESPACE_KEY = '/namespaces';
const CRD_KEY = 'apiextensions.k8s.io/customresourcedefinitions';

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The REST semantics of kube-apiserver over the store: conversion to the requested version,
 * the write pipeline (prune, defaults, admission, validation), optimistic concurrency,
 * generation, status split, finalizers and deletion. HTTP-free so controllers can use it too.
 */
export class Api {
  /**
   * Server-side apply ownership: per object uid, per `manager|subresource`, the field paths that
   * manager applied last. Kept in memory only (lost on restart).
   */
  private readonly applied = new Map<string, Map<string, Set<string>>>();

  /** Called after any deletion so the garbage collector and namespace controller can react. */
  onDeletion: () => void = () => undefined;

  constructor(
    readonly store: Store,
    readonly registry: Registry,
    private readonly admission?: AdmissionChain,
  ) {
    store.subscribe((e) => {
      if (e.type === 'DELETED' && e.object.metadata.uid) this.applied.delete(e.object.metadata.uid);
    });
  }

  toVersion(type: ResourceType, stored: KObject): KObject {
    return type.fromStorage ? type.fromStorage(stored) : { ...stored, apiVersion: apiVersionOf(type) };
  }

  private toStorage(type: ResourceType, obj: KObject): KObject {
    return type.toStorage ? type.toStorage(obj) : obj;
  }

  private namespaceOf(type: ResourceType, namespace: string | undefined): string | undefined {
    return type.namespaced ? namespace : undefined;
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KObject {
    const obj = this.store.get(type.storageKey, this.namespaceOf(type, namespace), name);
    if (!obj) throw notFound(type.plural, type.group, name);
    return this.toVersion(type, obj);
  }

  /** Lists objects (storage form) matching selectors, with limit/continue paging. */
  listStored(type: ResourceType, namespace: string | undefined, options: ListOptions): ListResult {
    const labels = parseLabelSelector(options.labelSelector);
    const fields = parseFieldSelector(options.fieldSelector, ['metadata.name', 'metadata.namespace', ...Object.keys(type.fieldLabels)]);
    const resourceVersion = String(this.store.resourceVersion);
    let items = this.store
      .list(type.storageKey, this.namespaceOf(type, namespace))
      .filter((o) => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, this.fieldValues(type, o)));
    if (options.continue) {
      let after: string;
      try {
        after = (JSON.parse(Buffer.from(options.continue, 'base64url').toString('utf8')) as { start: string }).start;
      } catch {
        throw badRequest('continue key is not valid: illegal base64 data');
      }
      items = items.filter((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > after);
    }
    if (options.limit && options.limit > 0 && items.length > options.limit) {
      const page = items.slice(0, options.limit);
      const last = page[page.length - 1];
      const token = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: Number(resourceVersion), start: `${last.metadata.namespace ?? ''}/${last.metadata.name}` })).toString('base64url');
      return { items: page, resourceVersion, continueToken: token, remainingItemCount: items.length - page.length };
    }
    return { items, resourceVersion };
  }

  /** The field-selector values of one stored object. */
  fieldValues(type: ResourceType, obj: KObject): Record<string, string> {
    const values: Record<string, string> = { 'metadata.name': obj.metadata.name ?? '', 'metadata.namespace': obj.metadata.namespace ?? '' };
    for (const [label, read] of Object.entries(type.fieldLabels)) values[label] = read(obj) ?? '';
    return values;
  }

  /** The `<Kind>List` response for a listStored result. */
  listResponse(type: ResourceType, result: ListResult): Record<string, unknown> {
    const metadata: Record<string, unknown> = { resourceVersion: result.resourceVersion };
    if (result.continueToken) {
      metadata.continue = result.continueToken;
      metadata.remainingItemCount = result.remainingItemCount;
    }
    return { apiVersion: apiVersionOf(type), kind: type.listKind, metadata, items: result.items.map((o) => this.toVersion(type, o)) };
  }

  private checkBody(type: ResourceType, body: unknown): KObject {
    if (!isMap(body)) throw badRequest('the body of the request must be an object');
    const obj = structuredClone(body) as KObject;
    if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersionOf(type)) {
      throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersionOf(type)})`);
    }
    if (obj.kind !== undefined && obj.kind !== type.kind) {
      throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${type.kind})`);
    }
    obj.apiVersion = apiVersionOf(type);
    obj.kind = type.kind;
    if (!isMap(obj.metadata)) obj.metadata = {};
    return obj;
  }

  private attributes(type: ResourceType, operation: AdmissionAttributes['operation'], obj: KObject | undefined, old: KObject | undefined, options: WriteOptions, subResource?: string): AdmissionAttributes {
    const meta = (obj ?? old)?.metadata ?? {};
    return {
      operation,
      kind: { group: type.group, version: type.version, kind: type.kind },
      resource: { group: type.group, version: type.version, resource: type.plural },
      subResource,
      name: meta.name ?? '',
      namespace: meta.namespace,
      object: obj,
      oldObject: old,
      dryRun: !!options.dryRun,
      warnings: options.warnings,
      userInfo: { username: 'devcluster-admin', groups: ['system:masters', 'system:authenticated'] },
    };
  }

  /** ObjectMeta fields are `omitempty`: empty lists and maps are not stored. */
  private normalizeMeta(obj: KObject): void {
    const m = obj.metadata;
    for (const key of ['finalizers', 'ownerReferences', 'labels', 'annotations', 'generateName'] as const) {
      const v = m[key];
      if (v === '' || v === null || (Array.isArray(v) && v.length === 0) || (isMap(v) && Object.keys(v).length === 0)) Reflect.deleteProperty(m, key);
    }
  }

  /** prune -> (Strict/Warn unknown fields) -> defaults, for CRD-backed kinds. */
  private decode(type: ResourceType, obj: KObject, options: WriteOptions, report: boolean): KObject {
    if (!type.schema) return obj;
    const { object, unknownFields } = type.schema.prune(obj);
    if (report && unknownFields.length) {
      const mode = options.fieldValidation ?? 'Warn';
      if (mode === 'Strict') throw badRequest(`strict decoding error: ${unknownFields.map((f) => `unknown field "${f}"`).join(', ')}`);
      if (mode === 'Warn') options.warnings?.push(...unknownFields.map((f) => `unknown field "${f}"`));
    }
    return type.schema.applyDefaults(object) as KObject;
  }

  /** Mutating admission, re-decoding, validation (schema + metadata + kind rules), validating admission. */
  private async admit(type: ResourceType, operation: 'CREATE' | 'UPDATE', obj: KObject, old: KObject | undefined, options: WriteOptions, subResource?: string): Promise<KObject> {
    let current = obj;
    if (this.admission && !options.internal) {
      const mutated = await this.admission.mutate(this.attributes(type, operation, current, old, options, subResource));
      if (mutated) current = this.decode(type, this.checkBody(type, mutated), options, false);
    }
    const causes: StatusCause[] = [...validateObjectMeta(current, type.plural === 'namespaces' ? 'label' : 'subdomain')];
    if (type.schema) causes.push(...type.schema.validate(current, old));
    if (type.storageKey === CRD_KEY) causes.push(...validateCrd(current));
    if (old?.metadata.deletionTimestamp) {
      const added = (current.metadata.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
      if (added.length) {
        causes.push({ reason: 'FieldValueForbidden', field: 'metadata.finalizers', message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}` });
      }
    }
    if (causes.length) throw invalid(type.kind, type.group, current.metadata.name ?? '', causes);
    this.normalizeMeta(current);
    if (this.admission && !options.internal) await this.admission.validate(this.attributes(type, operation, current, old, options, subResource));
    return current;
  }

  private ensureNamespace(type: ResourceType, namespace: string | undefined, name: string): void {
    if (!type.namespaced) return;
    if (!namespace) throw badRequest('the server could not find the requested resource: a namespace is required for namespaced resources');
    const ns = this.store.get(NAMESPACE_KEY, undefined, namespace);
    if (!ns) throw notFound('namespaces', '', namespace);
    if (ns.metadata.deletionTimestamp) {
      throw new StatusError(403, 'Forbidden', `${qualifiedResource(type)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
        name,
        group: type.group,
        kind: type.plural,
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
      });
    }
  }

  async create(type: ResourceType, namespace: string | undefined, body: unknown, options: WriteOptions = {}): Promise<KObject> {
    let obj = this.checkBody(type, body);
    const meta = obj.metadata;
    if (type.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = namespace ?? meta.namespace;
    } else {
      delete meta.namespace;
    }
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${generateNameSuffix()}`;
    this.ensureNamespace(type, meta.namespace, meta.name ?? '');
    obj = this.decode(type, obj, options, true);
    const m = obj.metadata;
    m.uid = randomUUID();
    m.creationTimestamp = timestamp();
    delete m.resourceVersion;
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    delete m.managedFields;
    delete m.selfLink;
    if (type.generation) m.generation = 1;
    else delete m.generation;
    if (type.statusSubresource) delete obj.status;
    type.prepareCreate?.(obj);
    obj = await this.admit(type, 'CREATE', obj, undefined, options);
    if (this.store.get(type.storageKey, obj.metadata.namespace, obj.metadata.name ?? '')) {
      throw alreadyExists(type.plural, type.group, obj.metadata.name ?? '');
    }
    this.ensureNamespace(type, obj.metadata.namespace, obj.metadata.name ?? '');
    if (options.dryRun) return obj;
    return this.toVersion(type, this.store.create(type.storageKey, this.toStorage(type, obj)));
  }

  /**
   * PUT (and the end of every patch). `subresource` 'status' keeps everything but status from the
   * stored object; the main endpoint keeps the stored status when the kind has a status subresource.
   */
  async update(type: ResourceType, namespace: string | undefined, name: string, body: unknown, options: WriteOptions = {}, subresource?: string): Promise<KObject> {
    let obj = this.checkBody(type, body);
    if (obj.metadata.name && obj.metadata.name !== name) {
      throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    }
    const ns = this.namespaceOf(type, namespace);
    if (type.namespaced && obj.metadata.namespace && ns && obj.metadata.namespace !== ns) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const stored = this.store.get(type.storageKey, ns, name);
    if (!stored) throw notFound(type.plural, type.group, name);
    const requestedVersion = obj.metadata.resourceVersion;
    if (requestedVersion && requestedVersion !== stored.metadata.resourceVersion) throw conflict(type.plural, type.group, name);
    const old = this.toVersion(type, stored);

    if (subresource === 'status') {
      const status = obj.status;
      obj = structuredClone(old);
      if (status === undefined) delete obj.status;
      else obj.status = status;
    } else if (type.statusSubresource) {
      if (old.status === undefined) delete obj.status;
      else obj.status = old.status;
    }
    obj = this.decode(type, obj, options, true);
    const m = obj.metadata;
    const om = old.metadata;
    m.name = name;
    m.namespace = om.namespace;
    m.uid = om.uid;
    m.creationTimestamp = om.creationTimestamp;
    m.resourceVersion = om.resourceVersion;
    delete m.managedFields;
    delete m.selfLink;
    if (om.deletionTimestamp) {
      m.deletionTimestamp = om.deletionTimestamp;
      m.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
    } else {
      delete m.deletionTimestamp;
      delete m.deletionGracePeriodSeconds;
    }
    if (type.generation) {
      const changed = !jsonEqual(comparable(obj, type.statusSubresource, true), comparable(old, type.statusSubresource, true));
      m.generation = (om.generation ?? 1) + (changed ? 1 : 0);
    } else {
      delete m.generation;
    }
    if (type.plural === 'namespaces' && subresource !== 'finalize') obj.spec = old.spec;
    type.prepareUpdate?.(obj, old);
    obj = await this.admit(type, 'UPDATE', obj, old, options, subresource);

    const latest = this.store.get(type.storageKey, ns, name);
    if (!latest) throw notFound(type.plural, type.group, name);
    if (latest.metadata.resourceVersion !== stored.metadata.resourceVersion) throw conflict(type.plural, type.group, name);
    if (jsonEqual(comparable(obj, false, false), comparable(old, false, false))) return old;
    if (options.dryRun) return obj;
    const result = this.store.update(type.storageKey, this.toStorage(type, obj));
    if (result.metadata.deletionTimestamp && this.finalizersDone(result)) {
      this.store.remove(type.storageKey, result.metadata.namespace, result.metadata.name ?? '');
      this.onDeletion();
    }
    return this.toVersion(type, result);
  }

  private finalizersDone(obj: KObject): boolean {
    const specFinalizers = isMap(obj.spec) && Array.isArray(obj.spec.finalizers) && obj.kind === 'Namespace' ? obj.spec.finalizers : [];
    return (obj.metadata.finalizers ?? []).length === 0 && specFinalizers.length === 0;
  }

  async patch(type: ResourceType, namespace: string | undefined, name: string, patchType: string, body: unknown, options: WriteOptions = {}, subresource?: string): Promise<{ object: KObject; created: boolean }> {
    const ns = this.namespaceOf(type, namespace);
    for (let attempt = 0; ; attempt++) {
      const stored = this.store.get(type.storageKey, ns, name);
      if (!stored) {
        if (patchType === PATCH_TYPES.apply && !subresource) {
          if (!options.fieldManager) throw badRequest('PATCH /apply requires fieldManager to be set');
          const obj = this.checkBody(type, body);
          obj.metadata.name = obj.metadata.name ?? name;
          const created = await this.create(type, namespace, obj, options);
          if (!options.dryRun) this.recordApply(created.metadata.uid, options.fieldManager, subresource, appliedFieldPaths(body));
          return { object: created, created: true };
        }
        throw notFound(type.plural, type.group, name);
      }
      const current = this.toVersion(type, stored);
      let patched: unknown;
      let appliedNow: Set<string> | undefined;
      switch (patchType) {
        case PATCH_TYPES.merge:
          patched = applyMergePatch(current, body);
          break;
        case PATCH_TYPES.json:
          patched = applyJsonPatch(current, body);
          break;
        case PATCH_TYPES.strategic:
          if (!type.strategicMerge) {
            throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
          }
          patched = applyStrategicMergePatch(current, body);
          break;
        case PATCH_TYPES.apply:
          if (!options.fieldManager) throw badRequest('PATCH /apply requires fieldManager to be set');
          patched = applyServerSideApply(current, body);
          appliedNow = appliedFieldPaths(body);
          this.dropUnapplied(patched, current.metadata.uid, options.fieldManager, subresource, appliedNow);
          break;
        default:
          throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${Object.values(PATCH_TYPES).join(', ')}`);
      }
      if (!isMap(patched)) throw badRequest('the patch produced a non-object');
      const patchedMeta = isMap(patched.metadata) ? patched.metadata : {};
      const pinned = patchedMeta.resourceVersion !== undefined && patchedMeta.resourceVersion !== current.metadata.resourceVersion;
      if (pinned) throw conflict(type.plural, type.group, name);
      const explicitVersion = isMap(body) && isMap(body.metadata) && body.metadata.resourceVersion !== undefined;
      try {
        const object = await this.update(type, namespace, name, { ...patched, metadata: { ...patchedMeta, resourceVersion: current.metadata.resourceVersion } }, options, subresource);
        if (appliedNow && !options.dryRun) this.recordApply(current.metadata.uid, options.fieldManager ?? '', subresource, appliedNow);
        return { object, created: false };
      } catch (err) {
        if (err instanceof StatusError && err.reason === 'Conflict' && !explicitVersion && attempt < 5) continue;
        throw err;
      }
    }
  }

  private recordApply(uid: string | undefined, manager: string, subresource: string | undefined, paths: Set<string>): void {
    if (!uid) return;
    const owners = this.applied.get(uid) ?? new Map<string, Set<string>>();
    owners.set(`${manager}|${subresource ?? ''}`, paths);
    this.applied.set(uid, owners);
  }

  /** Removes fields this manager applied before, no longer applies, and no other applier claims. */
  private dropUnapplied(patched: unknown, uid: string | undefined, manager: string | undefined, subresource: string | undefined, now: Set<string>): void {
    const owners = uid ? this.applied.get(uid) : undefined;
    const key = `${manager ?? ''}|${subresource ?? ''}`;
    const before = owners?.get(key);
    if (!owners || !before) return;
    for (const path of before) {
      if (now.has(path)) continue;
      if ([...owners].some(([other, paths]) => other !== key && paths.has(path))) continue;
      removeFieldPath(patched, path);
    }
  }

  /** DELETE of one object. `pending` is true when finalizers keep it (deletionTimestamp set). */
  async delete(type: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions = {}): Promise<{ object: KObject; pending: boolean }> {
    const ns = this.namespaceOf(type, namespace);
    const stored = this.store.get(type.storageKey, ns, name);
    if (!stored) throw notFound(type.plural, type.group, name);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== stored.metadata.uid) {
      throw new StatusError(409, 'Conflict', `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${stored.metadata.uid}`, { name, group: type.group, kind: type.plural });
    }
    if (pre?.resourceVersion && pre.resourceVersion !== stored.metadata.resourceVersion) {
      throw new StatusError(409, 'Conflict', `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${stored.metadata.resourceVersion}`, { name, group: type.group, kind: type.plural });
    }
    if (this.admission && !options.internal) {
      await this.admission.validate(this.attributes(type, 'DELETE', undefined, this.toVersion(type, stored), options));
    }
    if (options.dryRun) return { object: this.toVersion(type, stored), pending: false };
    const propagation = options.propagationPolicy ?? type.defaultPropagation;
    const result = this.deleteStored(type, stored, propagation);
    return { object: this.toVersion(type, result.object), pending: result.pending };
  }

  /** Marks an object deleted (finalizers pending) or removes it; used by DELETE and the controllers. */
  deleteStored(type: ResourceType, stored: KObject, propagation: 'Orphan' | 'Background' | 'Foreground'): { object: KObject; pending: boolean } {
    const meta = stored.metadata;
    const finalizers = [...(meta.finalizers ?? [])];
    const add = (f: string) => {
      if (!finalizers.includes(f)) finalizers.push(f);
    };
    if (propagation === 'Foreground') add(FINALIZER.foreground);
    if (propagation === 'Orphan') add(FINALIZER.orphan);
    if (type.storageKey === CRD_KEY) add(FINALIZER.crdCleanup);
    const isNamespace = type.storageKey === NAMESPACE_KEY;
    const nsFinalizers = isNamespace && isMap(stored.spec) && Array.isArray(stored.spec.finalizers) ? stored.spec.finalizers : [];
    if (finalizers.length === 0 && nsFinalizers.length === 0) {
      const removed = this.store.remove(type.storageKey, meta.namespace, meta.name ?? '');
      this.onDeletion();
      return { object: removed ?? stored, pending: false };
    }
    if (meta.deletionTimestamp && jsonEqual(finalizers, meta.finalizers ?? [])) return { object: stored, pending: true };
    const next = structuredClone(stored);
    next.metadata.finalizers = finalizers;
    if (!next.metadata.deletionTimestamp) {
      next.metadata.deletionTimestamp = timestamp();
      next.metadata.deletionGracePeriodSeconds = 0;
      if (type.generation) next.metadata.generation = (next.metadata.generation ?? 1) + 1;
    }
    if (isNamespace) next.status = { ...(isMap(next.status) ? next.status : {}), phase: 'Terminating' };
    const updated = this.store.update(type.storageKey, next);
    this.onDeletion();
    return { object: updated, pending: true };
  }

  async deleteCollection(type: ResourceType, namespace: string | undefined, listOptions: ListOptions, options: DeleteOptions = {}): Promise<Record<string, unknown>> {
    const { items } = this.listStored(type, namespace, { labelSelector: listOptions.labelSelector, fieldSelector: listOptions.fieldSelector });
    const deleted: KObject[] = [];
    for (const item of items) {
      try {
        deleted.push((await this.delete(type, item.metadata.namespace, item.metadata.name ?? '', options)).object);
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
    return { apiVersion: apiVersionOf(type), kind: type.listKind, metadata: { resourceVersion: String(this.store.resourceVersion) }, items: deleted };
  }

  /** Writes a changed stored object directly (controllers: finalizer removal, CRD status). */
  writeStored(storageKey: string, obj: KObject): KObject {
    const result = this.store.update(storageKey, obj);
    if (result.metadata.deletionTimestamp && this.finalizersDone(result)) {
      this.store.remove(storageKey, result.metadata.namespace, result.metadata.name ?? '');
      this.onDeletion();
    }
    return result;
  }

  /** `resource.group` of a type (for messages). */
  static qualified(type: ResourceType): string {
    return qualifiedResource(type);
  }
}
