import { randomUUID } from 'node:crypto';
import type { AdmissionAttributes, AdmissionChain } from './admission/types';
import type { RbacAuthorizer } from './auth/rbac';
import { REVIEW_TYPES, tokenRequest } from './auth/reviews';
import type { TokenIssuer } from './auth/tokens';
import { validateCrd } from './crd';
import { canonical, canonicalMeta, checkTypeMeta, decodeObject, goJsonSyntaxError } from './decode';
import { alreadyExists, badRequest, conflict, invalid, notFound, StatusError, type StatusCause } from './errors';
import { applyManagedFields, updateManagedFields, type FieldManagerScope } from './fieldmanager/manager';
import { listObjects, type ListOptions, type ListResult } from './list';
import { comparable, generateNameSuffix, jsonEqual, timestamp, validateObjectMeta, validateObjectMetaUpdate } from './meta';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, patchedText } from './patch';
import { invalid as fieldInvalid } from './schema/field-errors';
import { apiVersionOf, qualifiedResource, type Registry, type ResourceType } from './registry';
import type { KObject, Store } from './store';
import { emptyObject, roundTrip } from './typed/codec';
import * as authenticationKinds from './typed/kinds/authentication';
import { untyped } from './typed/types';

export type { ListOptions, ListResult } from './list';

/** Who makes a request (authenticated user), as admission, audit and managedFields see it. */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** Options every write carries (query parameters and the caller). */
export interface WriteOptions {
  dryRun?: boolean;
  /** Strict | Warn | Ignore; kube-apiserver's default is Warn. */
  fieldValidation?: string;
  /** The `fieldManager` parameter; without it the User-Agent's program name is the manager. */
  fieldManager?: string;
  userAgent?: string;
  /** Server-side apply `force`. */
  force?: boolean;
  /** Warnings to return in `Warning` headers. */
  warnings?: string[];
  /** The body was parsed for this request alone: decoding may change it in place instead of copying it. */
  bodyOwned?: boolean;
  /** Set by internal controllers (GC, namespace cleanup): skips admission webhooks. */
  internal?: boolean;
  user?: UserInfo;
}

export interface DeleteOptions extends WriteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
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
export const SYSTEM_USER: UserInfo = { username: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] };

/** managedFields without their `time`s (to tell a real change from a timestamp-only one). */
function withoutTimes(entries: unknown[] | undefined): unknown[] {
  return (entries ?? []).map((e) => (isMap(e) ? { ...e, time: undefined } : e));
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** managerOrUserAgent: the explicit field manager, else the User-Agent up to its first `/`. */
export function managerName(options: WriteOptions): string {
  if (options.fieldManager) return options.fieldManager;
  return (options.userAgent ?? '').split('/')[0];
}

function withoutManagedFields(obj: KObject): KObject {
  const copy = { ...obj, metadata: { ...obj.metadata } };
  delete copy.metadata.managedFields;
  return copy;
}

/**
 * The REST semantics of kube-apiserver over the store: decoding into the endpoint's version, the
 * write pipeline (defaults, managedFields, admission, strategy, validation), optimistic concurrency,
 * generation, status split, finalizers and deletion. HTTP-free so controllers can use it too.
 */
export class Api {
  /** Called after any deletion so the garbage collector and namespace controller can react. */
  onDeletion: () => void = () => undefined;
  /** Authentication and authorization, for the review APIs and TokenRequest (set once at start). */
  auth?: { authorizer: RbacAuthorizer; issuer: TokenIssuer };

  constructor(
    readonly store: Store,
    readonly registry: Registry,
    private readonly admission?: AdmissionChain,
  ) {}

  /** A stored object in the endpoint's version, encoded like the Go type does. */
  toVersion(type: ResourceType, stored: KObject): KObject {
    const converted = type.fromStorage ? type.fromStorage(stored) : { ...stored, apiVersion: apiVersionOf(type) };
    return type.fromStorage && type.goType ? canonical(type, converted) : converted;
  }

  private toStorage(type: ResourceType, obj: KObject): KObject {
    // Decoding already put the object in Go's field order; only metadata gained fields since.
    if (!type.toStorage) return type.goType ? { ...obj, metadata: canonicalMeta(obj.metadata) } : obj;
    const stored = type.toStorage(obj);
    const storageType = this.registry.byStorageKey(type.storageKey);
    return storageType?.goType && storageType !== type ? canonical(storageType, stored) : stored;
  }

  private namespaceOf(type: ResourceType, namespace: string | undefined): string | undefined {
    return type.namespaced ? namespace : undefined;
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KObject {
    const obj = this.store.get(type.storageKey, this.namespaceOf(type, namespace), name);
    if (!obj) throw notFound(type.plural, type.group, name);
    return this.toVersion(type, obj);
  }

  /** Lists objects (storage form) with selectors, resourceVersion semantics and paging. */
  listStored(type: ResourceType, namespace: string | undefined, options: ListOptions): ListResult {
    return listObjects(this.store, type, this.namespaceOf(type, namespace), options, (o) => this.fieldValues(type, o));
  }

  /** The field-selector values of one stored object. */
  fieldValues(type: ResourceType, obj: KObject): Record<string, string> {
    const values: Record<string, string> = { 'metadata.name': obj.metadata.name ?? '', 'metadata.namespace': obj.metadata.namespace ?? '' };
    for (const [label, read] of Object.entries(type.fieldLabels)) values[label] = read(obj) ?? '';
    return values;
  }

  /** The `<Kind>List` response: built-in items carry no apiVersion/kind, custom resource lists always a `continue`. */
  listResponse(type: ResourceType, result: ListResult): Record<string, unknown> {
    const metadata: Record<string, unknown> = { resourceVersion: result.resourceVersion };
    if (type.crd || result.continueToken) metadata.continue = result.continueToken ?? '';
    if (result.remainingItemCount !== undefined) metadata.remainingItemCount = result.remainingItemCount;
    const items = result.items.map((o) => {
      const v = this.toVersion(type, o);
      if (type.crd) return v;
      const { kind: _kind, apiVersion: _apiVersion, ...rest } = v;
      return rest;
    });
    return { apiVersion: apiVersionOf(type), kind: type.listKind, metadata, items };
  }

  private attributes(type: ResourceType, operation: AdmissionAttributes['operation'], obj: KObject | undefined, old: KObject | undefined, options: WriteOptions, subResource?: string): AdmissionAttributes {
    const meta = (obj ?? old)?.metadata ?? {};
    const user = options.user ?? SYSTEM_USER;
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
      userInfo: { username: user.username, groups: user.groups },
    };
  }

  private scope(type: ResourceType, subresource?: string): FieldManagerScope {
    const resetFields = subresource === 'status' ? type.resetFields?.status : subresource ? undefined : type.resetFields?.main;
    return { type: type.fieldType ?? type.goType ?? untyped, apiVersion: apiVersionOf(type), resetFields, subresource };
  }

  /** An empty object of the kind (Go's new(T) encoded), the "before" of a create. */
  private emptyOf(type: ResourceType): KObject {
    const empty = (type.goType ? emptyObject(type.goType) : { metadata: {} }) as KObject;
    return { ...empty, apiVersion: apiVersionOf(type), kind: type.kind };
  }

  /** ObjectMeta fields are `omitempty`: empty lists and maps are not stored. */
  private normalizeMeta(obj: KObject): void {
    const m = obj.metadata;
    for (const key of ['finalizers', 'ownerReferences', 'labels', 'annotations', 'generateName', 'managedFields'] as const) {
      const v = m[key];
      if (v === '' || v === null || (Array.isArray(v) && v.length === 0) || (isMap(v) && Object.keys(v).length === 0)) Reflect.deleteProperty(m, key);
    }
  }

  /** Validation (ObjectMeta, schema, kind rules) and the validating admission webhooks. */
  private async validate(type: ResourceType, operation: 'CREATE' | 'UPDATE', obj: KObject, old: KObject | undefined, options: WriteOptions, subresource?: string): Promise<void> {
    const causes: StatusCause[] = old ? validateObjectMetaUpdate(obj, old) : validateObjectMeta(obj, type.nameRule ?? 'subdomain', type.namespaced);
    if (type.schema) causes.push(...type.schema.validate(obj, old));
    if (type.storageKey === CRD_KEY) causes.push(...validateCrd(obj));
    if (type.validate) causes.push(...type.validate(obj, old, { apiVersion: apiVersionOf(type), subresource }));
    if (old?.metadata.deletionTimestamp) {
      const added = (obj.metadata.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
      if (added.length) {
        causes.push({ reason: 'FieldValueForbidden', field: 'metadata.finalizers', message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}` });
      }
    }
    // Errors name the kind in its storage group (events.k8s.io Events are validated as core Events).
    if (causes.length) throw invalid(type.kind, type.storageVersion?.group ?? type.group, obj.metadata.name ?? '', causes);
    if (this.admission && !options.internal) await this.admission.validate(this.attributes(type, operation, obj, old, options, subresource));
  }

  private async mutate(type: ResourceType, operation: 'CREATE' | 'UPDATE', obj: KObject, old: KObject | undefined, options: WriteOptions, subresource?: string): Promise<KObject> {
    if (!this.admission || options.internal) return obj;
    const mutated = await this.admission.mutate(this.attributes(type, operation, obj, old, options, subresource));
    return mutated ? decodeObject(type, checkTypeMeta(type, mutated, true), options, false) : obj;
  }

  /** NamespaceLifecycle admission: the namespace must exist and not be terminating. */
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

  /** The namespace of a new object: the URL's, which a body may repeat but not contradict. */
  private placeInNamespace(type: ResourceType, namespace: string | undefined, obj: KObject): void {
    const meta = obj.metadata;
    if (type.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = namespace ?? meta.namespace;
    } else {
      delete meta.namespace;
    }
  }

  async create(type: ResourceType, namespace: string | undefined, body: unknown, options: WriteOptions = {}): Promise<KObject> {
    if (type.virtual) return this.review(type, namespace, body, options);
    const raw = checkTypeMeta(type, body, options.bodyOwned);
    this.placeInNamespace(type, namespace, raw);
    const obj = decodeObject(type, raw, options);
    return this.createDecoded(type, obj, options, () => updateManagedFields(this.scope(type), undefined, this.emptyOf(type), withoutManagedFields(obj), managerName(options), timestamp()));
  }

  private reviewContext(options: WriteOptions, namespace?: string) {
    if (!this.auth) throw new StatusError(503, 'ServiceUnavailable', 'authentication and authorization are not configured');
    return { user: options.user ?? SYSTEM_USER, namespace, authorizer: this.auth.authorizer, issuer: this.auth.issuer, store: this.store };
  }

  /** A create on a review API: decoded, answered, never stored (201 with the status filled in). */
  private review(type: ResourceType, namespace: string | undefined, body: unknown, options: WriteOptions): KObject {
    const reviewer = REVIEW_TYPES.find((r) => r.kind === type.kind && r.group === type.group);
    if (!reviewer) throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    const raw = checkTypeMeta(type, body);
    if (type.namespaced) this.placeInNamespace(type, namespace, raw);
    const obj = decodeObject(type, raw, options);
    obj.metadata.managedFields = updateManagedFields(this.scope(type), undefined, this.emptyOf(type), withoutManagedFields(obj), managerName(options), timestamp());
    this.normalizeMeta(obj);
    return canonical(type, reviewer.review(obj, this.reviewContext(options, namespace)));
  }

  /** POST serviceaccounts/<name>/token (TokenRequest). */
  tokenRequest(saType: ResourceType, namespace: string | undefined, name: string, body: unknown, options: WriteOptions = {}): KObject {
    const trType = authenticationKinds.TokenRequest;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the body of the request must be a TokenRequest');
    const raw = body as Record<string, unknown>;
    if (raw.kind !== undefined && raw.kind !== 'TokenRequest') throw badRequest(`the kind in the data (${String(raw.kind)}) does not match the expected kind (TokenRequest)`);
    let decoded: KObject;
    try {
      const result = roundTrip(trType, raw);
      decoded = result.value as KObject;
    } catch (err) {
      throw badRequest(`TokenRequest in version "v1" cannot be handled as a TokenRequest: ${(err as Error).message}`);
    }
    decoded.kind = 'TokenRequest';
    decoded.apiVersion = 'authentication.k8s.io/v1';
    if (!isMap(decoded.metadata)) decoded.metadata = {};
    // The create handler's namespace check, then TokenREST.Create: the body may repeat the ServiceAccount's name, not contradict it.
    if (decoded.metadata.namespace && decoded.metadata.namespace !== namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    if (decoded.metadata.name && decoded.metadata.name !== name) {
      throw invalid('TokenRequest', 'authentication.k8s.io', name, [fieldInvalid('metadata.name', decoded.metadata.name, 'must match the service account name if specified')]);
    }
    const sa = this.store.get(saType.storageKey, namespace, name);
    if (!sa) throw notFound(saType.plural, saType.group, name);
    const scope: FieldManagerScope = { type: trType, apiVersion: 'authentication.k8s.io/v1', subresource: 'token' };
    const empty = { ...emptyObject(trType), kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1' };
    decoded.metadata.managedFields = updateManagedFields(scope, undefined, empty, withoutManagedFields(decoded), managerName(options), timestamp());
    this.normalizeMeta(decoded);
    const answer = tokenRequest(sa, decoded, this.reviewContext(options, namespace));
    return roundTrip(trType, answer).value as KObject;
  }

  /** The create pipeline after decoding: managedFields, admission, strategy, validation, store. */
  private async createDecoded(type: ResourceType, decoded: KObject, options: WriteOptions, managedFields: () => Record<string, unknown>[]): Promise<KObject> {
    let obj = decoded;
    obj.metadata.managedFields = managedFields();
    if (type.namespaced) this.placeInNamespace(type, obj.metadata.namespace, obj);
    this.ensureNamespace(type, obj.metadata.namespace, obj.metadata.name ?? obj.metadata.generateName ?? '');
    obj = await this.mutate(type, 'CREATE', obj, undefined, options);
    const m = obj.metadata;
    if (!m.name && m.generateName) m.name = `${m.generateName}${generateNameSuffix()}`;
    m.uid = randomUUID();
    m.creationTimestamp = timestamp();
    delete m.resourceVersion;
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    delete m.selfLink;
    if (type.generation) m.generation = 1;
    else delete m.generation;
    if (type.statusSubresource) {
      // PrepareForCreate resets status: a Go status struct is its zero value ({}), a custom resource has none.
      const zero = type.goType ? this.emptyOf(type).status : undefined;
      if (zero === undefined) delete obj.status;
      else obj.status = structuredClone(zero);
    }
    type.prepareCreate?.(obj);
    this.normalizeMeta(obj);
    await this.validate(type, 'CREATE', obj, undefined, options);
    if (type.warningsOnCreate) options.warnings?.push(...type.warningsOnCreate(obj));
    if (this.store.get(type.storageKey, obj.metadata.namespace, obj.metadata.name ?? '')) {
      throw alreadyExists(type.plural, type.group, obj.metadata.name ?? '');
    }
    this.ensureNamespace(type, obj.metadata.namespace, obj.metadata.name ?? '');
    if (options.dryRun) return this.toVersion(type, this.toStorage(type, obj));
    return this.toVersion(type, this.store.create(type.storageKey, this.toStorage(type, obj)));
  }

  /**
   * PUT. `subresource` 'status' keeps everything but status from the stored object; the main
   * endpoint keeps the stored status when the kind has a status subresource.
   */
  async update(type: ResourceType, namespace: string | undefined, name: string, body: unknown, options: WriteOptions = {}, subresource?: string): Promise<KObject> {
    const raw = checkTypeMeta(type, body, options.bodyOwned);
    if (raw.metadata.name && raw.metadata.name !== name) {
      throw badRequest(`the name of the object (${raw.metadata.name}) does not match the name on the URL (${name})`);
    }
    const ns = this.namespaceOf(type, namespace);
    if (type.namespaced && raw.metadata.namespace && ns && raw.metadata.namespace !== ns) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const obj = decodeObject(type, raw, options);
    return this.updateDecoded(type, ns, name, obj, options, subresource);
  }

  /** The update pipeline after decoding (PUT and every patch but apply). */
  private async updateDecoded(type: ResourceType, ns: string | undefined, name: string, decoded: KObject, options: WriteOptions, subresource?: string, managed?: (old: KObject) => Record<string, unknown>[]): Promise<KObject> {
    const stored = this.store.get(type.storageKey, ns, name);
    if (!stored) throw notFound(type.plural, type.group, name);
    const requestedVersion = decoded.metadata.resourceVersion;
    if (requestedVersion && requestedVersion !== stored.metadata.resourceVersion) throw conflict(type.plural, type.group, name);
    const old = this.toVersion(type, stored);
    let obj = decoded;
    obj.metadata.managedFields = managed ? managed(old) : updateManagedFields(this.scope(type, subresource), old, this.emptyOf(type), obj, managerName(options), timestamp());
    obj = await this.mutate(type, 'UPDATE', obj, old, options, subresource);

    if (subresource === 'status') {
      const status = obj.status;
      const managedFields = obj.metadata.managedFields;
      obj = structuredClone(old);
      obj.metadata.managedFields = managedFields;
      if (status === undefined) delete obj.status;
      else obj.status = status;
    } else if (type.statusSubresource) {
      if (old.status === undefined) delete obj.status;
      else obj.status = old.status;
    }
    const m = obj.metadata;
    const om = old.metadata;
    m.name = name;
    m.namespace = om.namespace;
    m.uid ||= om.uid;
    m.creationTimestamp = om.creationTimestamp;
    m.resourceVersion = om.resourceVersion;
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
    if (type.plural === 'namespaces' && !type.group && subresource !== 'finalize') obj.spec = old.spec;
    type.prepareUpdate?.(obj, old);
    this.normalizeMeta(obj);
    await this.validate(type, 'UPDATE', obj, old, options, subresource);

    const latest = this.store.get(type.storageKey, ns, name);
    if (!latest) throw notFound(type.plural, type.group, name);
    if (latest.metadata.resourceVersion !== stored.metadata.resourceVersion) throw conflict(type.plural, type.group, name);
    // IgnoreManagedFieldsTimestampsTransformer: a write that changes nothing but managedFields timestamps is a no-op.
    if (jsonEqual(comparable(obj, false, false), comparable(old, false, false)) && jsonEqual(withoutTimes(obj.metadata.managedFields), withoutTimes(old.metadata.managedFields))) return old;
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
    if (!(Object.values(PATCH_TYPES) as string[]).includes(patchType) || (patchType === PATCH_TYPES.strategic && !type.strategicMerge)) {
      const accepted = type.strategicMerge ? Object.values(PATCH_TYPES) : [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply];
      throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
    }
    if (patchType === PATCH_TYPES.apply) return this.apply(type, ns, name, body, options, subresource);
    for (let attempt = 0; ; attempt++) {
      const stored = this.store.get(type.storageKey, ns, name);
      if (!stored) throw notFound(type.plural, type.group, name);
      const current = this.toVersion(type, stored);
      let patched: unknown;
      switch (patchType) {
        case PATCH_TYPES.merge:
          patched = applyMergePatch(current, body);
          break;
        case PATCH_TYPES.json:
          patched = applyJsonPatch(current, body);
          break;
        default:
          patched = applyStrategicMergePatch(current, body);
      }
      if (!isMap(patched)) throw badRequest('the patch produced a non-object');
      const decoded = this.decodePatched(type, patched, current, patchType, body, options);
      const explicitVersion = isMap(body) && isMap(body.metadata) && body.metadata.resourceVersion !== undefined;
      if (!explicitVersion) decoded.metadata.resourceVersion = current.metadata.resourceVersion;
      try {
        const object = await this.updateDecoded(type, ns, name, decoded, options, subresource);
        return { object, created: false };
      } catch (err) {
        if (err instanceof StatusError && err.reason === 'Conflict' && !explicitVersion && attempt < 5) continue;
        throw err;
      }
    }
  }

  /** Decodes a patched object; a decode failure is a 422 on `patch` quoting the patched JSON, as kube-apiserver reports it. */
  private decodePatched(type: ResourceType, patched: Record<string, unknown>, current: KObject, patchType: string, body: unknown, options: WriteOptions): KObject {
    try {
      return decodeObject(type, checkTypeMeta(type, patched, true), options);
    } catch (err) {
      if (!(err instanceof StatusError) || err.code !== 400 || !/cannot be handled as a/.test(err.message) || /strict decoding error/.test(err.message)) throw err;
      const detail = err.message.replace(/^.*? cannot be handled as a [^:]*: /, '');
      const text = patchedText(type.goType ? canonical(type, current) : current, patchType === PATCH_TYPES.json ? 'json' : 'merge', body);
      const cause: StatusCause = { reason: 'FieldValueInvalid', field: 'patch', message: `Invalid value: ${JSON.stringify(text)}: ${detail}` };
      throw new StatusError(422, 'Invalid', ` "" is invalid: patch: ${cause.message}`, { causes: [cause] });
    }
  }

  /** Server-side apply (PATCH application/apply-patch+yaml): creates the object when it does not exist. */
  private async apply(type: ResourceType, ns: string | undefined, name: string, body: unknown, options: WriteOptions, subresource?: string): Promise<{ object: KObject; created: boolean }> {
    if (!options.fieldManager) {
      const cause: StatusCause = { reason: 'FieldValueRequired', field: 'fieldManager', message: 'Required value: is required for apply patch' };
      throw new StatusError(422, 'Invalid', `PatchOptions.meta.k8s.io "" is invalid: fieldManager: ${cause.message}`, { group: 'meta.k8s.io', kind: 'PatchOptions', causes: [cause] });
    }
    if (!isMap(body)) throw badRequest('error decoding patch: the apply configuration is not an object');
    if (body.apiVersion !== apiVersionOf(type) || body.kind !== type.kind) {
      if (body.kind !== undefined && body.kind !== type.kind) throw checkTypeMeta(type, body) && badRequest('kind mismatch');
      throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${String(body.apiVersion ?? '')}, expected: ${apiVersionOf(type)}`);
    }
    const config = structuredClone(body) as KObject;
    if (!isMap(config.metadata)) config.metadata = {};
    const configName = config.metadata.name;
    if (configName !== undefined && configName !== name) throw badRequest(`the name of the object (${String(configName)}) does not match the name on the URL (${name})`);
    if (type.namespaced && config.metadata.namespace !== undefined && config.metadata.namespace !== ns) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    // Unknown fields in the configuration are reported like in any other write.
    decodeObject(type, checkTypeMeta(type, config), options);
    for (let attempt = 0; ; attempt++) {
      const stored = this.store.get(type.storageKey, ns, name);
      const now = timestamp();
      const scope = this.scope(type, subresource);
      if (!stored) {
        if (subresource) throw notFound(type.plural, type.group, name);
        const empty = this.emptyOf(type);
        const result = applyManagedFields(scope, undefined, empty, config, options.fieldManager, !!options.force, now);
        const merged = (result.object ?? empty) as KObject;
        if (!isMap(merged.metadata)) merged.metadata = {};
        merged.metadata.name = name;
        if (ns) merged.metadata.namespace = ns;
        const obj = decodeObject(type, checkTypeMeta(type, merged), options, false);
        const object = await this.createDecoded(type, obj, options, () => result.managedFields);
        return { object, created: true };
      }
      const current = this.toVersion(type, stored);
      const result = applyManagedFields(scope, current, this.emptyOf(type), config, options.fieldManager, !!options.force, now);
      const next = (result.object ? result.object : withoutManagedFields(current)) as KObject;
      if (!isMap(next.metadata)) next.metadata = {};
      next.metadata.resourceVersion = current.metadata.resourceVersion;
      const decoded = decodeObject(type, checkTypeMeta(type, next), options, false);
      try {
        const object = await this.updateDecoded(type, ns, name, decoded, options, subresource, () => result.managedFields);
        return { object, created: false };
      } catch (err) {
        if (err instanceof StatusError && err.reason === 'Conflict' && !err.details?.causes && attempt < 5) continue;
        throw err;
      }
    }
  }

  /** DELETE of one object. `pending` is true when finalizers keep it (deletionTimestamp set). */
  async delete(type: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions = {}): Promise<{ object: KObject; pending: boolean }> {
    const ns = this.namespaceOf(type, namespace);
    const stored = this.store.get(type.storageKey, ns, name);
    if (!stored) throw notFound(type.plural, type.group, name);
    const pre = options.preconditions;
    const qualifiedKind = type.group ? `${type.kind}.${type.group}` : type.kind;
    if (pre?.uid && pre.uid !== stored.metadata.uid) {
      throw new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedKind} "${name}": the UID in the precondition (${pre.uid}) does not match the UID in record (${stored.metadata.uid ?? ''}). The object might have been deleted and then recreated`, { name, group: type.group, kind: type.kind });
    }
    if (pre?.resourceVersion && pre.resourceVersion !== stored.metadata.resourceVersion) {
      throw new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedKind} "${name}": the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${stored.metadata.resourceVersion ?? ''}). The object might have been modified`, { name, group: type.group, kind: type.kind });
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
      // Namespaces are deleted by their own storage, which sets no grace period.
      if (!isNamespace) next.metadata.deletionGracePeriodSeconds = 0;
      if (type.generation) next.metadata.generation = (next.metadata.generation ?? 1) + 1;
    }
    if (next.metadata.finalizers?.length === 0) delete next.metadata.finalizers;
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
    const list = this.listResponse(type, { items: deleted.map((o) => this.toStorage(type, o)), resourceVersion: String(this.store.resourceVersion) });
    return list;
  }

  /**
   * Writes a changed stored object directly (controllers: finalizer removal, CRD status). With a
   * `manager`, the change is recorded in managedFields like any Update by that manager (through
   * `subresource` when given, e.g. `status`).
   */
  writeStored(storageKey: string, obj: KObject, manager?: string, subresource?: string): KObject {
    let next = obj;
    if (manager) {
      const type = this.registry.byStorageKey(storageKey);
      const live = this.store.get(storageKey, obj.metadata.namespace, obj.metadata.name ?? '');
      if (type && live) {
        next = { ...obj, metadata: { ...obj.metadata } };
        next.metadata.managedFields = updateManagedFields(this.scope(type, subresource), this.toVersion(type, live), this.emptyOf(type), this.toVersion(type, withoutManagedFields(obj)), manager, timestamp());
        this.normalizeMeta(next);
      }
    }
    const result = this.store.update(storageKey, next);
    if (result.metadata.deletionTimestamp && this.finalizersDone(result)) {
      this.store.remove(storageKey, result.metadata.namespace, result.metadata.name ?? '');
      this.onDeletion();
    }
    return result;
  }

  /**
   * Creates an object as a controller of the cluster (`manager` in managedFields), synchronously
   * and without admission: the default ServiceAccount, kube-root-ca.crt, bootstrap objects.
   */
  createStored(type: ResourceType, body: KObject, manager: string): KObject {
    const obj = decodeObject(type, checkTypeMeta(type, body), {}, false);
    obj.metadata.managedFields = updateManagedFields(this.scope(type), undefined, this.emptyOf(type), withoutManagedFields(obj), manager, timestamp());
    const m = obj.metadata;
    m.uid = randomUUID();
    m.creationTimestamp = timestamp();
    if (type.generation) m.generation = 1;
    type.prepareCreate?.(obj);
    this.normalizeMeta(obj);
    return this.toVersion(type, this.store.create(type.storageKey, this.toStorage(type, obj)));
  }

  /** `resource.group` of a type (for messages). */
  static qualified(type: ResourceType): string {
    return qualifiedResource(type);
  }
}

export { goJsonSyntaxError };
