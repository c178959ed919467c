/**
 * Validation of the built-in kinds devcluster serves, with kube-apiserver's field paths and texts
 * (the pkg/apis validation packages of kubernetes/kubernetes): ConfigMaps, Secrets, Events, Leases,
 * Namespaces, ServiceAccounts and the token subresource.
 */
import type { StatusCause } from '../errors';
import type { ValidationContext } from '../registry';
import { fieldError, forbidden, formatBadValue, invalid, notSupported, required, tooLong } from '../schema/field-errors';
import { qualifiedNameProblems } from '../meta';
import type { KObject } from '../store';

export { qualifiedNameProblems };

type Obj = Record<string, unknown>;

function isMap(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const MAX_DATA_SIZE = 1024 * 1024;

const CONFIG_KEY_MESSAGE = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const QUALIFIED_NAME_MESSAGE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const IMMUTABLE = 'field is immutable';

/** validation.IsConfigMapKey */
export function configKeyProblems(key: string): string[] {
  const out: string[] = [];
  if (key.length > 253) out.push('must be no more than 253 characters');
  if (!CONFIG_KEY.test(key)) out.push(CONFIG_KEY_MESSAGE);
  if (key === '.') out.push("must not be '.'");
  else if (key === '..') out.push("must not be '..'");
  else if (key.startsWith('..')) out.push("must not start with '..'");
  return out;
}

function sizeOf(map: unknown, bytes: (v: unknown) => number): number {
  return isMap(map) ? Object.values(map).reduce<number>((n, v) => n + bytes(v), 0) : 0;
}

function immutableField(field: string, now: unknown, before: unknown): StatusCause[] {
  return JSON.stringify(now ?? null) === JSON.stringify(before ?? null) ? [] : [invalid(field, now ?? null, IMMUTABLE)];
}

export function validateConfigMap(obj: KObject, old: KObject | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  const data = isMap(obj.data) ? obj.data : {};
  const binary = isMap(obj.binaryData) ? obj.binaryData : {};
  for (const key of Object.keys(data)) {
    for (const msg of configKeyProblems(key)) causes.push(invalid(`data[${key}]`, key, msg));
    if (key in binary) causes.push(invalid(`data[${key}]`, key, 'duplicate of key present in binaryData'));
  }
  for (const key of Object.keys(binary)) for (const msg of configKeyProblems(key)) causes.push(invalid(`binaryData[${key}]`, key, msg));
  const total = sizeOf(data, (v) => Buffer.byteLength(String(v))) + sizeOf(binary, (v) => Buffer.from(String(v), 'base64').length);
  if (total > MAX_DATA_SIZE) causes.push(tooLong('', MAX_DATA_SIZE));
  if (old && old.immutable === true) {
    if (obj.immutable !== true) causes.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (JSON.stringify(obj.data ?? {}) !== JSON.stringify(old.data ?? {})) causes.push(forbidden('data', 'field is immutable when `immutable` is set'));
    if (JSON.stringify(obj.binaryData ?? {}) !== JSON.stringify(old.binaryData ?? {})) causes.push(forbidden('binaryData', 'field is immutable when `immutable` is set'));
  }
  return causes;
}

export function validateSecret(obj: KObject, old: KObject | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  const data = isMap(obj.data) ? obj.data : {};
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    for (const msg of configKeyProblems(key)) causes.push(invalid(`data[${key}]`, key, msg));
    total += Buffer.from(String(value), 'base64').length;
  }
  if (total > MAX_DATA_SIZE) causes.push(tooLong('data', MAX_DATA_SIZE));
  const has = (k: string) => Object.prototype.hasOwnProperty.call(data, k);
  switch (obj.type) {
    case 'kubernetes.io/service-account-token':
      if (!obj.metadata.annotations?.['kubernetes.io/service-account.name']) causes.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
      break;
    case 'kubernetes.io/dockercfg':
      if (!has('.dockercfg')) causes.push(required('data[.dockercfg]'));
      break;
    case 'kubernetes.io/dockerconfigjson':
      if (!has('.dockerconfigjson')) causes.push(required('data[.dockerconfigjson]'));
      break;
    case 'kubernetes.io/basic-auth':
      // kube-apiserver builds these paths from the literal "data[%s]".
      if (!has('username') && !has('password')) causes.push(required('data[%s][username]'), required('data[%s][password]'));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!data['ssh-privatekey']) causes.push(required('data[%s][ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) causes.push(required('data[tls.crt]'));
      if (!has('tls.key')) causes.push(required('data[tls.key]'));
      break;
  }
  if (old) {
    causes.push(...immutableField('type', obj.type, old.type));
    if (old.immutable === true) {
      if (obj.immutable !== true) causes.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
      if (JSON.stringify(obj.data ?? {}) !== JSON.stringify(old.data ?? {})) causes.push(forbidden('data', 'field is immutable when `immutable` is set'));
    }
  }
  return causes;
}

/** Secret: stringData merged into data (the v1 -> internal conversion) and the Opaque default. */
export function secretDefaults(obj: KObject): void {
  const stringData = obj.stringData;
  if (isMap(stringData)) {
    const data = isMap(obj.data) ? { ...obj.data } : {};
    for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    obj.data = data;
  }
  delete obj.stringData;
  if (!obj.type) obj.type = 'Opaque';
}

/** Events through core/v1 get the legacy checks; through events.k8s.io/v1 also the strict ones. */
export function validateEvent(obj: KObject, old: KObject | undefined, ctx: ValidationContext): StatusCause[] {
  const causes: StatusCause[] = [];
  const strict = ctx.apiVersion === 'events.k8s.io/v1';
  // The storage form (core/v1 names) is what is validated, whichever version was written.
  const e = strict ? toCoreNames(obj) : obj;
  const involved = isMap(e.involvedObject) ? e.involvedObject : {};
  const namespace = e.metadata.namespace ?? '';
  const involvedNs = typeof involved.namespace === 'string' ? involved.namespace : '';
  const eventTime = e.eventTime;
  if (eventTime === null || eventTime === undefined) {
    if (involvedNs === '') {
      if (namespace !== '' && namespace !== 'default') causes.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    } else if (namespace !== involvedNs) {
      causes.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    }
  } else {
    if (involvedNs === '' && namespace !== 'default' && namespace !== 'kube-system') causes.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    const controller = typeof e.reportingComponent === 'string' ? e.reportingComponent : '';
    const instance = typeof e.reportingInstance === 'string' ? e.reportingInstance : '';
    const action = typeof e.action === 'string' ? e.action : '';
    const reason = typeof e.reason === 'string' ? e.reason : '';
    const message = typeof e.message === 'string' ? e.message : '';
    if (!controller) causes.push(required('reportingController'));
    for (const msg of qualifiedNameProblems(controller)) causes.push(invalid('reportingController', controller, msg));
    if (!instance) causes.push(required('reportingInstance'));
    if (instance.length > 128) causes.push(invalid('reportingInstance', '', 'can have at most 128 characters'));
    if (!action) causes.push(required('action'));
    if (action.length > 128) causes.push(invalid('action', '', 'can have at most 128 characters'));
    if (!reason) causes.push(required('reason'));
    if (reason.length > 128) causes.push(invalid('reason', '', 'can have at most 128 characters'));
    if (message.length > 1024) causes.push(invalid('message', '', 'can have at most 1024 characters'));
  }
  if (namespace && !DNS_SUBDOMAIN.test(namespace)) causes.push(invalid('namespace', namespace, SUBDOMAIN_MESSAGE));
  if (!strict) return causes;
  const series = isMap(e.series) ? e.series : undefined;
  const seriesChanged = !old || JSON.stringify(series ?? null) !== JSON.stringify((old.series as unknown) ?? null);
  if (series && seriesChanged) {
    if (typeof series.count !== 'number' || series.count < 2) causes.push(invalid('series.count', '', 'should be at least 2'));
    if (!series.lastObservedTime) causes.push(required('series.lastObservedTime'));
  }
  if (old) return causes;
  if (eventTime === null || eventTime === undefined) causes.push(required('eventTime'));
  if (e.type !== 'Normal' && e.type !== 'Warning') causes.push(invalid('type', '', `has invalid value: ${typeof e.type === 'string' ? e.type : ''}`));
  if (e.firstTimestamp) causes.push(invalid('firstTimestamp', '', 'needs to be unset'));
  if (e.lastTimestamp) causes.push(invalid('lastTimestamp', '', 'needs to be unset'));
  if (typeof e.count === 'number' && e.count !== 0) causes.push(invalid('count', '', 'needs to be unset'));
  const source = isMap(e.source) ? e.source : {};
  if (source.component || source.host) causes.push(invalid('source', '', 'needs to be unset'));
  return causes;
}

/** events.k8s.io/v1 field names -> core/v1 names (validation reads the core form). */
function toCoreNames(obj: KObject): KObject {
  const o = obj as Obj;
  return {
    ...obj,
    involvedObject: o.regarding,
    message: o.note,
    reportingComponent: o.reportingController,
    source: o.deprecatedSource,
    firstTimestamp: o.deprecatedFirstTimestamp,
    lastTimestamp: o.deprecatedLastTimestamp,
    count: o.deprecatedCount,
  } as KObject;
}

export function validateLease(obj: KObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = isMap(obj.spec) ? obj.spec : {};
  if (typeof spec.leaseDurationSeconds === 'number' && spec.leaseDurationSeconds <= 0) causes.push(invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  if (typeof spec.leaseTransitions === 'number' && spec.leaseTransitions < 0) causes.push(invalid('spec.leaseTransitions', spec.leaseTransitions, 'must be greater than or equal to 0'));
  if (spec.strategy !== undefined && spec.strategy !== 'OldestEmulationVersion') causes.push(notSupported('spec.strategy', spec.strategy, ['OldestEmulationVersion']));
  return causes;
}

export function validateNamespace(obj: KObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = isMap(obj.spec) ? obj.spec : {};
  (Array.isArray(spec.finalizers) ? spec.finalizers : []).forEach((f, i) => {
    const name = String(f);
    if (name.split('/').length === 1 && !['kubernetes', 'orphan', 'foregroundDeletion'].includes(name)) {
      causes.push(invalid(`spec.finalizers[${i}]`, name, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  });
  return causes;
}

/** Namespace defaults: the kubernetes.io/metadata.name label and the Active phase. */
export function namespaceDefaults(obj: KObject): void {
  if (obj.metadata.name) obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name };
  const status = isMap(obj.status) ? obj.status : {};
  if (!status.phase) obj.status = { ...status, phase: 'Active' };
}

/** TokenRequest (the `token` subresource of serviceaccounts). */
export function validateTokenRequest(spec: Obj): StatusCause[] {
  const causes: StatusCause[] = [];
  const seconds = spec.expirationSeconds;
  if (typeof seconds === 'number') {
    if (seconds < 600) causes.push(invalid('spec.expirationSeconds', seconds, 'may not specify a duration less than 10 minutes'));
    else if (seconds > 2 ** 32) causes.push(invalid('spec.expirationSeconds', seconds, 'may not specify a duration larger than 2^32 seconds'));
  }
  return causes;
}

export { fieldError, formatBadValue, QUALIFIED_NAME_MESSAGE };
