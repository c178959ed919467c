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

/** ObjectMeta validation: name format, labels, annotation keys (field causes as kube-apiserver words them). */
export function validateObjectMeta(obj: KObject, nameRule: 'subdomain' | 'label'): StatusCause[] {
  const causes: StatusCause[] = [];
  const meta = obj.metadata;
  const name = meta.name ?? '';
  if (!name) {
    causes.push({ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' });
  } else if (nameRule === 'label' ? !DNS_LABEL.test(name) || name.length > 63 : !DNS_SUBDOMAIN.test(name) || name.length > 253) {
    causes.push({ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: ${JSON.stringify(name)}: ${nameRule === 'label' ? LABEL_MESSAGE : SUBDOMAIN_MESSAGE}` });
  }
  for (const [k, v] of Object.entries(meta.labels ?? {})) {
    if (!qualifiedNameValid(k)) {
      causes.push({ reason: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: ${JSON.stringify(k)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character` });
    }
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
      causes.push({ reason: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: ${JSON.stringify(v)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character` });
    }
  }
  for (const k of Object.keys(meta.annotations ?? {})) {
    if (!qualifiedNameValid(k)) {
      causes.push({ reason: 'FieldValueInvalid', field: 'metadata.annotations', message: `Invalid value: ${JSON.stringify(k)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character` });
    }
  }
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
