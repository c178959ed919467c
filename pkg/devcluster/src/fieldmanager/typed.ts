/**
 * Typed walks over objects for managedFields, following structured-merge-diff's semantics: the
 * field set an object (or an applied configuration) sets, the comparison of two versions (added,
 * modified, removed paths), the merge of an applied configuration into the live object, and the
 * removal of owned items. Atomic structs and lists are single leaves; list-type map items are
 * keyed (`k:{...}`), list-type set items by value (`v:...`).
 */
import { resolve, type TypeNode } from '../typed/types';
import { FieldSet, fieldPE, type PathElement } from './fieldset';

type JsonMap = Record<string, unknown>;

function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Go's encoding/json string escaping (HTML characters too), for `k:` and `v:` path elements. */
function goJson(v: unknown): string {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const ak = Object.keys(a as object);
  const bk = Object.keys(b as object);
  return ak.length === bk.length && ak.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual((a as JsonMap)[k], (b as JsonMap)[k]));
}

/** How a node behaves for field tracking. */
type Shape =
  | { kind: 'leaf' }
  | { kind: 'map'; fields?: Map<string, TypeNode>; element: TypeNode | undefined; atomic: boolean }
  | { kind: 'list'; element: TypeNode; listType: 'atomic' | 'set' | 'map'; keys: string[] };

const UNTYPED: TypeNode = { t: 'untyped' };

function shapeOf(node: TypeNode, value: unknown): Shape {
  const n = resolve(node);
  switch (n.t) {
    case 'scalar':
      return { kind: 'leaf' };
    case 'struct': {
      const fields = new Map<string, TypeNode>();
      for (const f of n.fields) fields.set(f.name, f.type);
      return { kind: 'map', fields, element: n.open ? UNTYPED : undefined, atomic: !!n.atomic };
    }
    case 'map':
      return { kind: 'map', element: n.values, atomic: !!n.atomic };
    case 'list':
      return { kind: 'list', element: n.items, listType: n.listType, keys: n.keys ?? [] };
    case 'untyped':
      // structured-merge-diff's deduced type: maps are granular, lists atomic.
      return isMap(value) ? { kind: 'map', element: UNTYPED, atomic: false } : { kind: 'leaf' };
  }
}

function childType(shape: Extract<Shape, { kind: 'map' }>, key: string): TypeNode {
  return shape.fields?.get(key) ?? shape.element ?? UNTYPED;
}

function isDeclared(shape: Extract<Shape, { kind: 'map' }>, key: string): boolean {
  return !!shape.fields?.has(key);
}

/** The path element of a list item (list-type map: its keys; set: its value). */
export function listItemPE(shape: Extract<Shape, { kind: 'list' }>, item: unknown, index: number): PathElement {
  if (shape.listType === 'map' && shape.keys.length > 0 && isMap(item)) {
    const keys: JsonMap = {};
    for (const k of [...shape.keys].sort()) if (item[k] !== undefined) keys[k] = item[k];
    if (Object.keys(keys).length > 0) return `k:${goJson(keys)}`;
    return `i:${index}`;
  }
  if (shape.listType === 'set') return `v:${goJson(item)}`;
  return `i:${index}`;
}

const emptyContainer = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isMap(v) && Object.keys(v).length === 0);

// ---------------------------------------------------------------------------------------------
// ToFieldSet

/** The set of fields a value sets (structured-merge-diff's ToFieldSet). */
export function toFieldSet(node: TypeNode, value: unknown): FieldSet {
  const set = new FieldSet();
  walkFieldSet(node, value, [], set);
  return set;
}

function walkFieldSet(node: TypeNode, value: unknown, path: PathElement[], set: FieldSet): void {
  const shape = shapeOf(node, value);
  if (shape.kind === 'leaf') {
    set.insert(path);
    return;
  }
  if (shape.kind === 'list') {
    if (shape.listType === 'atomic' || !Array.isArray(value)) {
      set.insert(path);
      return;
    }
    const seen = new Set<PathElement>();
    value.forEach((item, i) => {
      const pe = listItemPE(shape, item, i);
      if (seen.has(pe)) return;
      seen.add(pe);
      const p = [...path, pe];
      walkFieldSet(shape.element, item, p, set);
      set.insert(p);
    });
    return;
  }
  if (shape.atomic || !isMap(value)) {
    set.insert(path);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const p = [...path, fieldPE(k)];
    walkFieldSet(childType(shape, k), v, p, set);
    if (v === null || (isMap(v) && Object.keys(v).length === 0)) set.insert(p);
    else if (!isDeclared(shape, k)) set.insert(p);
  }
}

// ---------------------------------------------------------------------------------------------
// Compare

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** What changed from `lhs` to `rhs` (structured-merge-diff's Compare). `undefined` means absent. */
export function compare(node: TypeNode, lhs: unknown, rhs: unknown): Comparison {
  const out: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare(node, lhs, rhs, [], out);
  return out;
}

function leafChange(lhs: unknown, rhs: unknown, path: PathElement[], out: Comparison): void {
  if (lhs === undefined) out.added.insert(path);
  else if (rhs === undefined) out.removed.insert(path);
  else if (!jsonEqual(lhs, rhs)) out.modified.insert(path);
}

function walkCompare(node: TypeNode, lhs: unknown, rhs: unknown, path: PathElement[], out: Comparison): void {
  const shape = shapeOf(node, rhs !== undefined && rhs !== null ? rhs : lhs);
  const lhsMapShape = shapeOf(node, lhs);
  if (shape.kind === 'leaf' || (shape.kind === 'map' && lhsMapShape.kind === 'leaf' && lhs !== undefined)) {
    leafChange(lhs, rhs, path, out);
    return;
  }
  if (shape.kind === 'list') {
    if (shape.listType === 'atomic' || (emptyContainer(lhs) && emptyContainer(rhs)) || (lhs !== undefined && lhs !== null && !Array.isArray(lhs)) || (rhs !== undefined && rhs !== null && !Array.isArray(rhs))) {
      leafChange(lhs, rhs, path, out);
      return;
    }
    compareListItems(shape, Array.isArray(lhs) ? lhs : [], Array.isArray(rhs) ? rhs : [], path, out);
  } else {
    if (shape.atomic || (emptyContainer(lhs) && emptyContainer(rhs)) || (lhs !== undefined && lhs !== null && !isMap(lhs)) || (rhs !== undefined && rhs !== null && !isMap(rhs))) {
      leafChange(lhs, rhs, path, out);
      return;
    }
    const l = isMap(lhs) ? lhs : {};
    const r = isMap(rhs) ? rhs : {};
    for (const k of new Set([...Object.keys(l), ...Object.keys(r)])) {
      walkCompare(childType(shape, k), l[k], r[k], [...path, fieldPE(k)], out);
    }
  }
  if (lhs === undefined) out.added.insert(path);
  else if (rhs === undefined) out.removed.insert(path);
}

function compareListItems(shape: Extract<Shape, { kind: 'list' }>, lhs: unknown[], rhs: unknown[], path: PathElement[], out: Comparison): void {
  const index = (list: unknown[]) => {
    const m = new Map<PathElement, unknown[]>();
    const order: PathElement[] = [];
    list.forEach((item, i) => {
      const pe = listItemPE(shape, item, i);
      const have = m.get(pe);
      if (have) have.push(item);
      else {
        m.set(pe, [item]);
        order.push(pe);
      }
    });
    return { m, order };
  };
  const l = index(lhs);
  const r = index(rhs);
  const all = [...l.order, ...r.order.filter((pe) => !l.m.has(pe))];
  for (const pe of all) {
    const ll = l.m.get(pe) ?? [];
    const rl = r.m.get(pe) ?? [];
    const p = [...path, pe];
    if (ll.length <= 1 && rl.length <= 1) walkCompare(shape.element, ll[0], rl[0], p, out);
    else if (ll.length >= 2 && rl.length >= 2) {
      if (!jsonEqual(ll, rl)) out.modified.insert(p);
    } else if (ll.length >= 2) {
      if (rl.length) walkCompare(shape.element, undefined, rl[0], p, out);
      out.removed.insert(p);
    } else {
      if (ll.length) walkCompare(shape.element, ll[0], undefined, p, out);
      out.added.insert(p);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Merge (apply)

/** Merges an applied configuration into the live object (structured-merge-diff's Merge). */
export function merge(node: TypeNode, lhs: unknown, rhs: unknown): unknown {
  const shape = shapeOf(node, rhs !== undefined ? rhs : lhs);
  const leaf = () => (rhs !== undefined ? structuredClone(rhs) : structuredClone(lhs));
  if (shape.kind === 'leaf') return leaf();
  if (shape.kind === 'list') {
    if (shape.listType === 'atomic' || (emptyContainer(lhs) && emptyContainer(rhs)) || !Array.isArray(rhs ?? lhs) || (lhs !== undefined && lhs !== null && !Array.isArray(lhs))) return leaf();
    return mergeListItems(shape, Array.isArray(lhs) ? lhs : [], Array.isArray(rhs) ? rhs : []);
  }
  if (shape.atomic || (emptyContainer(lhs) && emptyContainer(rhs)) || !isMap(rhs ?? lhs) || (lhs !== undefined && lhs !== null && !isMap(lhs))) return leaf();
  const l = isMap(lhs) ? lhs : {};
  const r = isMap(rhs) ? rhs : {};
  const out: JsonMap = {};
  for (const k of new Set([...Object.keys(l), ...Object.keys(r)])) {
    const v = merge(childType(shape, k), l[k], r[k]);
    if (v !== undefined) out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Item order of a merged keyed list: live order, with applied items kept in their applied order. */
function mergeListItems(shape: Extract<Shape, { kind: 'list' }>, lhs: unknown[], rhs: unknown[]): unknown[] | undefined {
  const lpes = lhs.map((item, i) => listItemPE(shape, item, i));
  const rpes = rhs.map((item, i) => listItemPE(shape, item, i));
  const lByPe = new Map<PathElement, unknown>();
  lpes.forEach((pe, i) => lByPe.set(pe, lByPe.has(pe) ? null : lhs[i]));
  const rByPe = new Map<PathElement, unknown>();
  rpes.forEach((pe, i) => rByPe.set(pe, rhs[i]));
  const shared = rpes.filter((pe) => lByPe.has(pe));
  let nextShared = shared.shift();
  const merged = new Set<PathElement>();
  const out: unknown[] = [];
  let li = 0;
  let ri = 0;
  const push = (v: unknown) => {
    if (v !== undefined) out.push(v);
  };
  while (li < lpes.length || ri < rpes.length) {
    if (li < lpes.length && ri < rpes.length) {
      const pe = lpes[li];
      if (pe === rpes[ri]) {
        merged.add(pe);
        push(merge(shape.element, lByPe.get(pe) ?? undefined, rByPe.get(pe)));
        li++;
        ri++;
        nextShared = shared.shift();
        continue;
      }
      if (rByPe.has(pe) && nextShared !== undefined && nextShared !== pe) {
        li++;
        continue;
      }
    }
    if (li < lpes.length) {
      const pe = lpes[li];
      if (!rByPe.has(pe)) {
        push(merge(shape.element, lhs[li], undefined));
        li++;
        continue;
      } else if (merged.has(pe)) {
        li++;
      }
    }
    if (ri < rpes.length) {
      const pe = rpes[ri];
      merged.add(pe);
      push(merge(shape.element, lByPe.get(pe) ?? undefined, rByPe.get(pe)));
      ri++;
      if (nextShared !== undefined && nextShared === pe) nextShared = shared.shift();
    }
  }
  return out.length ? out : undefined;
}

// ---------------------------------------------------------------------------------------------
// RemoveItems and EnsureNamedFieldsAreMembers

/** The value without the items (map fields, list items) that are members of `set`. */
export function removeItems(node: TypeNode, value: unknown, set: FieldSet): unknown {
  const shape = shapeOf(node, value);
  if (shape.kind === 'leaf') return value;
  if (shape.kind === 'list') {
    if (!Array.isArray(value) || value.length === 0 || shape.listType === 'atomic') return value;
    const items: unknown[] = [];
    value.forEach((item, i) => {
      const pe = listItemPE(shape, item, i);
      if (set.members.has(pe)) return;
      const sub = set.withPrefix(pe);
      items.push(sub && !sub.isEmpty() ? removeItems(shape.element, item, sub) : item);
    });
    return items.length ? items : undefined;
  }
  if (!isMap(value) || Object.keys(value).length === 0 || shape.atomic) return value;
  const out: JsonMap = {};
  for (const [k, v] of Object.entries(value)) {
    const pe = fieldPE(k);
    if (set.members.has(pe)) continue;
    const sub = set.withPrefix(pe);
    if (!sub || sub.isEmpty()) {
      out[k] = v;
      continue;
    }
    const kept = removeItems(childType(shape, k), v, sub);
    if (kept !== undefined) out[k] = kept;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Adds every declared struct field that has owned children as a member itself. */
export function ensureNamedFieldsAreMembers(node: TypeNode, set: FieldSet, value?: unknown): FieldSet {
  const out = new FieldSet();
  for (const m of set.members) out.members.add(m);
  const shape = shapeOf(node, value);
  for (const [pe, child] of set.children) {
    let childNode: TypeNode = UNTYPED;
    if (shape.kind === 'map' && pe.startsWith('f:')) {
      const name = pe.slice(2);
      childNode = childType(shape, name);
      if (isDeclared(shape, name)) out.members.add(pe);
    } else if (shape.kind === 'list') {
      childNode = shape.element;
    }
    const childValue = isMap(value) && pe.startsWith('f:') ? value[pe.slice(2)] : undefined;
    out.children.set(pe, ensureNamedFieldsAreMembers(childNode, child, childValue));
  }
  return out;
}
