/**
 * JSON -> Go struct -> JSON, as kube-apiserver's decoder and encoder do for built-in kinds: the
 * result is the object exactly as the server would store and return it (fields in struct order,
 * omitempty, zero values of non-pointer structs, canonical times), plus the unknown fields the
 * decoder dropped (for fieldValidation Strict/Warn).
 */
import { formatMicroTime, formatTime, GoTimeParseError, parseGoTime } from './gotime';
import { canonicalQuantity, QuantityError } from './quantity';
import { resolve, type FieldDef, type ScalarKind, type StructType, type TypeNode } from './types';

/** A decode failure; the message is Go's (e.g. `json: cannot unmarshal ...`, `parsing time ...`, `illegal base64 data ...`). */
export class DecodeError extends Error {}

export interface DecodeResult {
  value: Record<string, unknown>;
  /** Dotted paths of fields the type does not have (`spec.bogus`, `data[0].x`). */
  unknownFields: string[];
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function jsonKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

function goTypeName(node: TypeNode): string {
  const n = resolve(node);
  switch (n.t) {
    case 'scalar':
      return ({ string: 'string', int32: 'int32', int64: 'int64', float64: 'float64', bool: 'bool', time: 'v1.Time', microtime: 'v1.MicroTime', bytes: '[]uint8', intorstring: 'intstr.IntOrString', quantity: 'resource.Quantity', duration: 'v1.Duration' } as Record<ScalarKind, string>)[n.scalar];
    case 'struct':
      return `v1.${n.name}`;
    case 'map':
      return `map[string]${goTypeName(n.values)}`;
    case 'list':
      return `[]${goTypeName(n.items)}`;
    default:
      return 'interface {}';
  }
}

interface Ctx {
  unknown: string[];
  /** The value was decoded before (re-encoding a stored object): skip the checks of scalars. */
  trusted?: boolean;
  /** Innermost struct type name and the field path, for Go's UnmarshalTypeError text. */
  structName: string;
}

function typeError(ctx: Ctx, path: string, value: unknown, node: TypeNode, detail?: string): DecodeError {
  const what = detail ?? jsonKind(value);
  if (!path) return new DecodeError(`json: cannot unmarshal ${what} into Go value of type ${goTypeName(node)}`);
  return new DecodeError(`json: cannot unmarshal ${what} into Go struct field ${ctx.structName}.${path} of type ${goTypeName(node)}`);
}

const BASE64 = /^[A-Za-z0-9+/]$/;
/** Canonical standard base64 (what Go would re-encode unchanged). */
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Go's base64.StdEncoding.DecodeString validity, with its `illegal base64 data at input byte N` errors. */
export function checkBase64(text: string): void {
  if (CANONICAL_BASE64.test(text)) return;
  let quantum = 0;
  let padding = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\r' || c === '\n') continue;
    if (padding > 0) {
      if (c !== '=' || quantum + padding >= 4) throw new DecodeError(`illegal base64 data at input byte ${i}`);
      padding++;
      continue;
    }
    if (c === '=') {
      if (quantum < 2) throw new DecodeError(`illegal base64 data at input byte ${i}`);
      padding = 1;
      continue;
    }
    if (!BASE64.test(c)) throw new DecodeError(`illegal base64 data at input byte ${i}`);
    quantum = (quantum + 1) % 4;
  }
  if (padding > 0 && quantum + padding !== 4) throw new DecodeError(`illegal base64 data at input byte ${text.length}`);
  if (padding === 0 && quantum !== 0) throw new DecodeError(`illegal base64 data at input byte ${text.length}`);
}


function decodeScalar(kind: ScalarKind, raw: unknown, ctx: Ctx, path: string, node: TypeNode): unknown {
  switch (kind) {
    case 'string':
      if (typeof raw !== 'string') throw typeError(ctx, path, raw, node);
      return raw;
    case 'int32':
    case 'int64': {
      if (typeof raw !== 'number') throw typeError(ctx, path, raw, node);
      const limit = kind === 'int32' ? 2 ** 31 : 2 ** 63;
      if (!Number.isInteger(raw) || raw >= limit || raw < -limit) throw typeError(ctx, path, raw, node, `number ${String(raw)}`);
      return raw;
    }
    case 'float64':
      if (typeof raw !== 'number') throw typeError(ctx, path, raw, node);
      return raw;
    case 'bool':
      if (typeof raw !== 'boolean') throw typeError(ctx, path, raw, node);
      return raw;
    case 'time':
    case 'microtime':
      if (ctx.trusted && typeof raw === 'string') return raw;
      if (typeof raw !== 'string') throw new DecodeError(`json: cannot unmarshal ${jsonKind(raw)} into Go value of type string`);
      try {
        const t = parseGoTime(raw, kind === 'microtime');
        return kind === 'microtime' ? formatMicroTime(t) : formatTime(t);
      } catch (err) {
        if (err instanceof GoTimeParseError) throw new DecodeError(err.message);
        throw err;
      }
    case 'bytes':
      if (typeof raw !== 'string') throw typeError(ctx, path, raw, node);
      if (ctx.trusted || CANONICAL_BASE64.test(raw)) return raw;
      checkBase64(raw);
      return Buffer.from(raw.replace(/[\r\n]/g, ''), 'base64').toString('base64');
    case 'intorstring':
      if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
      if (typeof raw === 'string') return raw;
      throw new DecodeError(`json: cannot unmarshal ${jsonKind(raw)} into Go value of type string`);
    case 'quantity': {
      const text = typeof raw === 'number' ? String(raw) : raw;
      if (typeof text !== 'string') throw new DecodeError(`json: cannot unmarshal ${jsonKind(raw)} into Go value of type string`);
      if (ctx.trusted) return text;
      try {
        return canonicalQuantity(text.trim());
      } catch (err) {
        if (err instanceof QuantityError) throw new DecodeError(err.message);
        throw err;
      }
    }
    case 'duration':
      if (typeof raw !== 'string') throw new DecodeError(`json: cannot unmarshal ${jsonKind(raw)} into Go value of type string`);
      return raw;
  }
}

/** The encoded zero value of a non-pointer Go value of this type. */
export function zeroValue(node: TypeNode): unknown {
  const n = resolve(node);
  switch (n.t) {
    case 'scalar':
      switch (n.scalar) {
        case 'string':
          return '';
        case 'int32':
        case 'int64':
        case 'float64':
        case 'intorstring':
          return 0;
        case 'bool':
          return false;
        case 'quantity':
          return '0';
        case 'duration':
          return '0s';
        default:
          return null;
      }
    case 'struct':
      return encodeStruct(n, {});
    default:
      return null;
  }
}

/** encoding/json's isEmptyValue for omitempty (structs, times, quantities are never empty). */
function isEmpty(node: TypeNode, v: unknown): boolean {
  const n = resolve(node);
  if (n.t === 'struct') return false;
  if (n.t === 'scalar') {
    if (n.scalar === 'time' || n.scalar === 'microtime' || n.scalar === 'intorstring' || n.scalar === 'quantity' || n.scalar === 'duration') return false;
    return v === '' || v === 0 || v === false || v === null || v === undefined;
  }
  if (v === null || v === undefined) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isMap(v)) return Object.keys(v).length === 0;
  return false;
}

function childPath(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

function decodeValue(node: TypeNode, raw: unknown, ctx: Ctx, path: string): unknown {
  const n = resolve(node);
  switch (n.t) {
    case 'scalar':
      return decodeScalar(n.scalar, raw, ctx, path, node);
    case 'untyped':
      return structuredClone(raw);
    case 'map': {
      if (!isMap(raw)) throw typeError(ctx, path, raw, node);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(raw)) out[k] = v === null ? zeroValue(n.values) : decodeValue(n.values, v, ctx, path);
      return out;
    }
    case 'list': {
      if (!Array.isArray(raw)) throw typeError(ctx, path, raw, node);
      return raw.map((v, i) => (v === null ? zeroValue(n.items) : decodeValue(n.items, v, ctx, `${path}[${i}]`)));
    }
    case 'struct':
      if (!isMap(raw)) throw typeError(ctx, path, raw, node);
      return decodeStruct(n, raw, { ...ctx, structName: n.name }, path);
  }
}

function decodeField(field: FieldDef, raw: unknown, ctx: Ctx, path: string, out: Record<string, unknown>): void {
  if (field.pointer) {
    if (raw === undefined || raw === null) {
      if (!field.omitempty) out[field.name] = null;
      return;
    }
    out[field.name] = decodeValue(field.type, raw, ctx, path);
    return;
  }
  const v = raw === undefined || raw === null ? zeroValue(field.type) : decodeValue(field.type, raw, ctx, path);
  if (field.omitempty && isEmpty(field.type, v)) return;
  if (field.omitzero && v === null) return;
  out[field.name] = v;
}

function decodeStruct(t: StructType, raw: Record<string, unknown>, ctx: Ctx, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of t.fields) decodeField(field, raw[field.name], ctx, childPath(path, field.name), out);
  for (const [k, v] of Object.entries(raw)) {
    if (t.byName.has(k)) continue;
    if (t.open) out[k] = structuredClone(v);
    else ctx.unknown.push(childPath(path, k));
  }
  return out;
}

/** Encodes an already-canonical struct value (fills zero values, drops empty omitempty fields). */
function encodeStruct(t: StructType, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of t.fields) {
    const v = value[field.name];
    if (field.pointer) {
      if (v === undefined || v === null) {
        if (!field.omitempty) out[field.name] = null;
      } else out[field.name] = v;
      continue;
    }
    const encoded = v === undefined || v === null ? zeroValue(field.type) : v;
    if (field.omitempty && isEmpty(field.type, encoded)) continue;
    if (field.omitzero && encoded === null) continue;
    out[field.name] = encoded;
  }
  if (t.open) for (const [k, v] of Object.entries(value)) if (!t.byName.has(k)) out[k] = v;
  return out;
}

/**
 * Decodes a JSON object into the Go type and encodes it back: the server's canonical form.
 * Throws DecodeError with Go's message when the JSON does not fit the type.
 */
export function roundTrip(type: StructType, raw: Record<string, unknown>, trusted = false): DecodeResult {
  const ctx: Ctx = { unknown: [], structName: type.name, trusted };
  const value = decodeStruct(type, raw, ctx, '');
  return { value, unknownFields: ctx.unknown };
}

/** An empty object of the type, as Go's `new(T)` encodes (the "before" of a create for managedFields). */
export function emptyObject(type: StructType): Record<string, unknown> {
  return encodeStruct(type, {});
}
