/**
 * Status causes worded like k8s.io/apimachinery `field.Error`: the cause message is the error
 * body (`<Type>: <value>: <detail>`), the field is the path as `field.Path` prints it.
 */
import type { StatusCause } from '../errors';

/** `field.Path.String()` of a nil path, used by kube-apiserver for causes that belong to no field. */
export const NIL_FIELD = '<nil>';

const typeText: Record<string, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** Marks a bad value that the message leaves out, like apimachinery's `omitValue`. */
export const OMIT = Symbol('omit');

/** Error types whose body never shows the bad value. */
const valueless = new Set(['FieldValueRequired', 'FieldValueForbidden', 'FieldValueTooLong', 'InternalError']);

/** Go's `%q` for a string (strconv.Quote): JSON escaping is the same for printable text. */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Go's `%v` of a float64/int64 decoded from JSON. */
export function goNumber(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const s = String(n);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Go's json.Marshal of a decoded JSON value (map keys sorted, HTML characters escaped). */
export function goJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goQuote(v).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
  if (typeof v === 'number' || typeof v === 'bigint') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  const entries = Object.keys(v as object)
    .sort()
    .map((k) => `${goJson(k)}:${goJson((v as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** The bad-value part of an error body, as `field.Error.ErrorBody` prints it (v1.36: JSON for anything but scalars). */
export function formatBadValue(v: unknown): string {
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'bigint') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  return goJson(v);
}

/** Builds one cause; `value` is left out of the message for valueless types or when OMIT. */
export function fieldError(reason: string, field: string, value: unknown, detail: string): StatusCause {
  let body = typeText[reason] ?? reason;
  if (!valueless.has(reason) && value !== OMIT) body += `: ${formatBadValue(value)}`;
  if (detail) body += `: ${detail}`;
  return { reason, message: body, field };
}

export const required = (field: string, detail = ''): StatusCause => fieldError('FieldValueRequired', field, '', detail);
export const invalid = (field: string, value: unknown, detail: string): StatusCause => fieldError('FieldValueInvalid', field, value, detail);
export const typeInvalid = (field: string, value: unknown, detail: string): StatusCause =>
  fieldError('FieldValueTypeInvalid', field, value, detail);
export const forbidden = (field: string, detail: string): StatusCause => fieldError('FieldValueForbidden', field, '', detail);
export const notFound = (field: string, value: unknown): StatusCause => fieldError('FieldValueNotFound', field, value, '');
export const duplicate = (field: string, value: unknown): StatusCause => fieldError('FieldValueDuplicate', field, value, '');

/** `field.NotSupported`: supported values are quoted strings (non-strings JSON-encoded first). */
export function notSupported(field: string, value: unknown, allowed: unknown[]): StatusCause {
  const quoted = allowed.map((a) => goQuote(typeof a === 'string' ? a : JSON.stringify(a)));
  return fieldError('FieldValueNotSupported', field, value, quoted.length ? `supported values: ${quoted.join(', ')}` : '');
}

/** `field.TooLong` as of Kubernetes 1.31+: the value is never shown. */
export function tooLong(field: string, max: number): StatusCause {
  const detail = max >= 0 ? `may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}` : 'value is too long';
  return fieldError('FieldValueTooLong', field, OMIT, detail);
}

/** `field.TooMany`: `Too many: <actual>: must have at most <max> items`. */
export function tooMany(field: string, actual: number, max: number): StatusCause {
  const detail = max >= 0 ? `must have at most ${max} items` : 'has too many items';
  return fieldError('FieldValueTooMany', field, actual >= 0 ? actual : OMIT, detail);
}
