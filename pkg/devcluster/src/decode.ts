/**
 * Decoding a request body into an object of the endpoint's kind and version, as kube-apiserver's
 * codecs do: built-in kinds go through their Go types (unknown fields, type errors, MicroTime,
 * base64, defaults), custom resources through their structural schema (pruning, defaults).
 * Unknown fields are reported per `fieldValidation` (Strict: 400, Warn: Warning headers).
 */
import { badRequest, StatusError, type StatusCause } from './errors';
import { apiVersionOf, type ResourceType } from './registry';
import type { KObject } from './store';
import { DecodeError, roundTrip } from './typed/codec';
import { ObjectMeta } from './typed/kinds/meta';

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface DecodeOptions {
  /** Strict | Warn | Ignore (default Warn). */
  fieldValidation?: string;
  warnings?: string[];
}

/** `<Kind> in version "<v>" cannot be handled as a <Kind>: <reason>` (400), as the decoder words it. */
export function cannotBeHandled(type: ResourceType, bodyKind: string | undefined, message: string): StatusError {
  return badRequest(`${bodyKind || type.kind} in version ${JSON.stringify(type.version)} cannot be handled as a ${type.kind}: ${message}`);
}

function reportUnknown(type: ResourceType, bodyKind: string | undefined, unknown: string[], options: DecodeOptions): void {
  if (unknown.length === 0) return;
  const mode = options.fieldValidation ?? 'Warn';
  const list = [...unknown].sort().map((f) => `unknown field ${JSON.stringify(f)}`);
  if (mode === 'Strict') throw cannotBeHandled(type, bodyKind, `strict decoding error: ${list.join(', ')}`);
  if (mode === 'Warn') options.warnings?.push(...list);
}

/**
 * Checks apiVersion and kind of a body against the endpoint; returns it with both set: a copy,
 * unless `owned` (a body parsed for this request alone, which may be changed in place).
 */
export function checkTypeMeta(type: ResourceType, body: unknown, owned = false): KObject {
  if (!isMap(body)) throw badRequest('the body of the request must be an object');
  const obj = (owned ? body : structuredClone(body)) as KObject;
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersionOf(type)) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersionOf(type)})`);
  }
  if (obj.kind !== undefined && obj.kind !== type.kind) {
    if (type.crd) {
      const name = isMap(obj.metadata) && typeof obj.metadata.name === 'string' ? obj.metadata.name : '';
      const cause: StatusCause = { reason: 'FieldValueInvalid', field: 'kind', message: `Invalid value: ${JSON.stringify(obj.kind)}: must be ${type.kind}` };
      const qualified = `${String(obj.kind)}.${type.group}`;
      throw new StatusError(422, 'Invalid', `${qualified} ${JSON.stringify(name)} is invalid: kind: ${cause.message}`, { name, group: type.group, kind: String(obj.kind), causes: [cause] });
    }
    throw cannotBeHandled(type, String(obj.kind), `the kind in the data (${String(obj.kind)}) does not match the expected kind (${type.kind})`);
  }
  obj.apiVersion = apiVersionOf(type);
  obj.kind = type.kind;
  if (!isMap(obj.metadata)) obj.metadata = {};
  return obj;
}

/**
 * The object as the server holds it in the endpoint's version: built-ins decoded and re-encoded
 * through their Go type (then defaulted), custom resources pruned and defaulted.
 */
export function decodeObject(type: ResourceType, raw: KObject, options: DecodeOptions, report = true): KObject {
  const bodyKind = typeof raw.kind === 'string' ? raw.kind : undefined;
  if (type.goType) {
    let decoded: Record<string, unknown>;
    try {
      const result = roundTrip(type.goType, raw);
      decoded = result.value;
      if (report) reportUnknown(type, bodyKind, result.unknownFields, options);
    } catch (err) {
      if (err instanceof DecodeError) throw cannotBeHandled(type, bodyKind, err.message);
      throw err;
    }
    const obj = decoded as KObject;
    obj.kind = type.kind;
    obj.apiVersion = apiVersionOf(type);
    if (!isMap(obj.metadata)) obj.metadata = {};
    type.defaults?.(obj);
    return obj;
  }
  if (!type.schema) {
    type.defaults?.(raw);
    return raw;
  }
  const { object, unknownFields } = type.schema.prune(raw);
  if (report) reportUnknown(type, bodyKind, unknownFields, options);
  const defaulted = type.schema.applyDefaults(object) as KObject;
  // Like apiextensions' metadata coercion: ObjectMeta goes through its Go type (empty maps and lists drop out).
  try {
    defaulted.metadata = roundTrip(ObjectMeta, defaulted.metadata).value as KObject['metadata'];
  } catch (err) {
    if (err instanceof DecodeError) throw cannotBeHandled(type, bodyKind, err.message);
    throw err;
  }
  return defaulted;
}

/** Decodes without reporting: the Go type's canonical form of an object already accepted once. */
export function canonical(type: ResourceType, obj: KObject): KObject {
  if (!type.goType) return obj;
  try {
    const out = roundTrip(type.goType, obj, true).value as KObject;
    out.kind = type.kind;
    out.apiVersion = apiVersionOf(type);
    return out;
  } catch {
    return obj;
  }
}

/** ObjectMeta in Go's field order (values already valid). */
export function canonicalMeta(meta: KObject['metadata']): KObject['metadata'] {
  return roundTrip(ObjectMeta, meta, true).value as KObject['metadata'];
}

/** Parses a JSON body like Go's encoding/json, with its error texts. */
export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DecodeError(goJsonSyntaxError(text));
  }
}

/** Go's encoding/json syntax error for malformed input (the common cases). */
export function goJsonSyntaxError(text: string): string {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const fail = (context: string): never => {
    if (i >= text.length) throw new Error('unexpected end of JSON input');
    const c = text[i];
    throw new Error(`invalid character ${c === "'" ? "'\\''" : `'${c}'`} ${context}`);
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('looking for beginning of object key string');
        string();
        ws();
        if (text[i] !== ':') fail('after object key');
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail('after object key:value pair');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail('after array element');
      }
    }
    if (c === '"') return string();
    const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (m) {
      i += m[0].length;
      return;
    }
    fail('looking for beginning of value');
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('in string literal');
    i++;
  };
  try {
    value();
    ws();
    if (i < text.length) fail('after top-level value');
    return 'unexpected end of JSON input';
  } catch (err) {
    return (err as Error).message;
  }
}
