import { randomBytes } from 'node:crypto';
import type { StatusCause } from './errors';
import type { KObject } from './store';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/** RFC 3339 with second precision, as metav1.Time serializes. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** generateName suffix: five characters from the alphabet Kubernetes uses (no vowels, no ambiguous digits). */
export function generateNameSuffix(): string {
  return [...randomBytes(5)].map((b) => NAME_CHARS[b % NAME_CHARS.length]).join('');
}

function qualifiedNameValid(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (slash >= 0 && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return false;
  return name.length <= 63 && LABEL_NAME.test(name);
}

function nameProblems(name: string, rule: NameRule, prefix: boolean): string | undefined {
  if (rule === 'path') {
    if (name === '.' || name === '..') return `may not be '${name}'`;
    if (name.includes('/')) return "may not contain '/'";
    return name.includes('%') ? "may not contain '%'" : undefined;
  }
  // A generateName prefix may end in '-'; the generated suffix makes it valid.
  const value = prefix && name.endsWith('-') ? `${name.slice(0, -1)}a` : name;
  if (rule === 'label') {
    if (value.length > 63) return 'must be no more than 63 characters';
    return DNS_LABEL.test(value) ? undefined : LABEL_MESSAGE;
  }
  if (value.length > 253) return 'must be no more than 253 characters';
  return DNS_SUBDOMAIN.test(value) ? undefined : SUBDOMAIN_MESSAGE;
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const QUALIFIED_NAME_MESSAGE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MESSAGE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** validation.IsQualifiedName */
export function qualifiedNameProblems(value: string): string[] {
  const parts = value.split('/');
  let name = value;
  const out: string[] = [];
  if (parts.length === 2) {
    const [prefix, rest] = parts;
    name = rest;
    if (prefix.length === 0) out.push('prefix part must be non-empty');
    else if (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) out.push(`prefix part ${SUBDOMAIN_MESSAGE}`);
  } else if (parts.length > 2) {
    return [`a qualified name ${QUALIFIED_NAME_MESSAGE.replace(/^name part /, '')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) out.push('name part must be non-empty');
  else if (name.length > 63) out.push('name part must be no more than 63 characters');
  if (!QUALIFIED_NAME.test(name)) out.push(QUALIFIED_NAME_MESSAGE);
  return out;
}

/** validation.IsValidLabelValue */
export function labelValueProblems(value: string): string[] {
  const out: string[] = [];
  if (value.length > 63) out.push('must be no more than 63 characters');
  if (!LABEL_VALUE.test(value)) out.push(LABEL_VALUE_MESSAGE);
  return out;
}

/** unversionedvalidation.ValidateLabels: label keys are qualified names, values label values. */
export function validateLabels(labels: Record<string, string> | undefined, field: string): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const msg of qualifiedNameProblems(k)) causes.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(k)}: ${msg}` });
    for (const msg of labelValueProblems(typeof v === 'string' ? v : String(v))) causes.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(v)}: ${msg}` });
  }
  return causes;
}

function validateMetaFields(meta: KObject['metadata'], causes: StatusCause[]): void {
  causes.push(...validateLabels(meta.labels, 'metadata.labels'));
  for (const k of Object.keys(meta.annotations ?? {})) {
    if (!qualifiedNameValid(k.toLowerCase())) {
      causes.push({ reason: 'FieldValueInvalid', field: 'metadata.annotations', message: `Invalid value: ${JSON.stringify(k)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')` });
    }
  }
  (meta.finalizers ?? []).forEach((f, i) => {
    if (typeof f !== 'string' || !qualifiedNameValid(f)) {
      causes.push({ reason: 'FieldValueInvalid', field: `metadata.finalizers[${i}]`, message: `Invalid value: ${JSON.stringify(f)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')` });
    }
  });
  if (typeof meta.generation === 'number' && meta.generation < 0) {
    causes.push({ reason: 'FieldValueInvalid', field: 'metadata.generation', message: `Invalid value: ${meta.generation}: must be greater than or equal to 0` });
  }
}

/** ObjectMeta validation on create: generateName, name, labels, annotations, finalizers (texts as kube-apiserver words them). */
/** How a kind's names are validated: DNS subdomain (most), DNS label (namespaces), path segment (RBAC). */
export type NameRule = 'subdomain' | 'label' | 'path';

export { DNS_LABEL, LABEL_MESSAGE as DNS_LABEL_MESSAGE, LABEL_VALUE };

export function validateObjectMeta(obj: KObject, nameRule: NameRule, _namespaced = true): StatusCause[] {
  const causes: StatusCause[] = [];
  const meta = obj.metadata;
  const name = meta.name ?? '';
  if (meta.generateName) {
    const problem = nameProblems(meta.generateName, nameRule, true);
    if (problem) causes.push({ reason: 'FieldValueInvalid', field: 'metadata.generateName', message: `Invalid value: ${JSON.stringify(meta.generateName)}: ${problem}` });
  }
  if (!name) {
    causes.push({ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' });
  } else {
    const problem = nameProblems(name, nameRule, false);
    if (problem) causes.push({ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: ${JSON.stringify(name)}: ${problem}` });
  }
  validateMetaFields(meta, causes);
  return causes;
}

/** ObjectMeta validation on update: the create rules plus the immutable fields. */
export function validateObjectMetaUpdate(obj: KObject, old: KObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const meta = obj.metadata;
  const om = old.metadata;
  const immutable = (field: string, now: unknown, before: unknown) => {
    if (now !== before) causes.push({ reason: 'FieldValueInvalid', field: `metadata.${field}`, message: `Invalid value: ${JSON.stringify(now ?? '')}: field is immutable` });
  };
  immutable('name', meta.name, om.name);
  immutable('namespace', meta.namespace ?? '', om.namespace ?? '');
  immutable('uid', meta.uid, om.uid);
  validateMetaFields(meta, causes);
  return causes;
}

/** The object without the fields that change on every write, for no-op and generation comparisons. */
export function comparable(obj: KObject, dropStatus: boolean, dropMetadata: boolean): unknown {
  const copy: Record<string, unknown> = { ...obj };
  delete copy.apiVersion;
  if (dropStatus) delete copy.status;
  if (dropMetadata) delete copy.metadata;
  else {
    const meta = { ...obj.metadata };
    delete meta.resourceVersion;
    delete meta.managedFields;
    copy.metadata = meta;
  }
  return copy;
}

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const ak = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const bk = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
