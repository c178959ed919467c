/**
 * A model of Go API types, enough to behave like kube-apiserver's typed objects: decoding JSON into
 * the Go struct (unknown fields, type errors, time formats, base64), encoding it back the way
 * encoding/json does (field order, omitempty, zero values such as `null` times and `{}` structs),
 * and the structured-merge-diff schema (atomic structs, list types and keys) that managedFields
 * and server-side apply use.
 */

/** Leaf kinds. `time` is metav1.Time (RFC 3339, seconds), `microtime` metav1.MicroTime (six fractional digits). */
export type ScalarKind = 'string' | 'int32' | 'int64' | 'float64' | 'bool' | 'time' | 'microtime' | 'bytes' | 'intorstring' | 'quantity' | 'duration';

export interface ScalarType {
  t: 'scalar';
  scalar: ScalarKind;
}

export interface FieldDef {
  /** The JSON name. */
  name: string;
  type: TypeNode;
  omitempty?: boolean;
  /** `omitzero`: left out when it is the zero value (metav1.Time creationTimestamp). */
  omitzero?: boolean;
  /** A Go pointer (or interface): nil when absent, `null` when encoded without omitempty. */
  pointer?: boolean;
}

export interface StructType {
  t: 'struct';
  /** The Go type name (decode error messages). */
  name: string;
  fields: FieldDef[];
  byName: Map<string, FieldDef>;
  /** `+structType=atomic`: owned and compared as one value. */
  atomic?: boolean;
  /** Not fully modelled here: unknown fields are kept as they are (no warning, no pruning). */
  open?: boolean;
}

export interface MapType {
  t: 'map';
  values: TypeNode;
  atomic?: boolean;
}

export interface ListType {
  t: 'list';
  items: TypeNode;
  listType: 'atomic' | 'set' | 'map';
  keys?: string[];
}

/** Any JSON (RawExtension, JSON, unmodelled parts): maps granular, lists atomic, as structured-merge-diff deduces. */
export interface UntypedType {
  t: 'untyped';
}

/** A reference resolved on first use (recursive types). */
export interface LazyType {
  t: 'lazy';
  resolve: () => TypeNode;
}

export type TypeNode = ScalarType | StructType | MapType | ListType | UntypedType | LazyType;

export function resolve(node: TypeNode): Exclude<TypeNode, LazyType> {
  let n = node;
  while (n.t === 'lazy') n = n.resolve();
  return n;
}

const scalars = new Map<ScalarKind, ScalarType>();
export function scalar(kind: ScalarKind): ScalarType {
  let s = scalars.get(kind);
  if (!s) scalars.set(kind, (s = { t: 'scalar', scalar: kind }));
  return s;
}

export const str = scalar('string');
export const int32 = scalar('int32');
export const int64 = scalar('int64');
export const float64 = scalar('float64');
export const bool = scalar('bool');
export const time = scalar('time');
export const microTime = scalar('microtime');
export const bytes = scalar('bytes');
export const intOrString = scalar('intorstring');
export const quantity = scalar('quantity');
export const duration = scalar('duration');
export const untyped: UntypedType = { t: 'untyped' };

/**
 * A field: `f('name', str)` is `json:"name"`; options mirror the Go declaration (`omitempty`,
 * pointer). Most Kubernetes fields are `omitempty`, so that is the default here; `required`
 * fields (no omitempty) say `{ omitempty: false }`.
 */
export function f(name: string, type: TypeNode, options: { omitempty?: boolean; pointer?: boolean } = {}): FieldDef {
  return { name, type, omitempty: options.omitempty ?? true, pointer: options.pointer };
}

/** Adds `omitzero` to a field. */
export function omitZero(field: FieldDef): FieldDef {
  return { ...field, omitzero: true };
}

/** A non-omitempty field (`json:"name"`). */
export function req(name: string, type: TypeNode): FieldDef {
  return { name, type, omitempty: false };
}

/** An optional pointer field (`json:"name,omitempty"` on a `*T`). */
export function ptr(name: string, type: TypeNode): FieldDef {
  return { name, type, omitempty: true, pointer: true };
}

export function struct(name: string, fields: FieldDef[], options: { atomic?: boolean; open?: boolean } = {}): StructType {
  return { t: 'struct', name, fields, byName: new Map(fields.map((x) => [x.name, x])), ...options };
}

export function mapOf(values: TypeNode, options: { atomic?: boolean } = {}): MapType {
  return { t: 'map', values, ...options };
}

export function atomicList(items: TypeNode): ListType {
  return { t: 'list', items, listType: 'atomic' };
}

export function setList(items: TypeNode): ListType {
  return { t: 'list', items, listType: 'set' };
}

export function mapList(items: TypeNode, keys: string[]): ListType {
  return { t: 'list', items, listType: 'map', keys };
}

export function lazy(get: () => TypeNode): LazyType {
  let cached: TypeNode | undefined;
  return { t: 'lazy', resolve: () => (cached ??= get()) };
}
