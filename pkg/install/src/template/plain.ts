// Evaluates install documents against concrete values: the objects `kubeflash manifests` prints and
// `kubeflash dev` applies. Mirrors what Helm makes of the same documents (helm.ts), including Go template
// truthiness, so the two installs agree (tests compare them with a real helm).
import {
  CurrentItem,
  Format,
  Join,
  MergeMap,
  ReleaseNamespace,
  ValueRef,
  When,
  type Condition,
  type Document,
  type Node,
  type ScalarExpr,
  type ValuesPath,
} from './expr';

/** A plain JSON value. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
/** A plain Kubernetes object. */
export type PlainObject = { [key: string]: Json };

/** What the expressions are evaluated against. */
export interface EvaluationContext {
  values: { [key: string]: Json };
  namespace: string;
}

interface Scope extends EvaluationContext {
  item?: Json;
}

/** Raised when a document reads a values path that holds nothing or the wrong kind of value. */
export class ValuesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValuesError';
  }
}

/** The value at a dotted path, or undefined. */
export function valueAt(values: { [key: string]: Json }, path: ValuesPath): Json | undefined {
  let current: Json | undefined = values;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as { [key: string]: Json })[part];
  }
  return current;
}

/** Go template truthiness: false, 0, "", null, an empty list or map are false. */
export function truthy(value: Json | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value !== '';
  if (Array.isArray(value)) return value.length > 0;
  return Object.keys(value).length > 0;
}

/** Whether a condition holds for these values. */
export function holds(condition: Condition, values: { [key: string]: Json }): boolean {
  if ('truthy' in condition) return truthy(valueAt(values, condition.truthy));
  if ('not' in condition) return !holds(condition.not, values);
  if ('or' in condition) return condition.or.some((c) => holds(c, values));
  return condition.and.every((c) => holds(c, values));
}

function clone<T extends Json>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function scalar(expr: ScalarExpr, scope: Scope): Json {
  if (expr instanceof ValueRef) {
    const value = valueAt(scope.values, expr.path);
    if (value === undefined) throw new ValuesError(`values have nothing at ${expr.path}`);
    return clone(value);
  }
  if (expr instanceof ReleaseNamespace) return scope.namespace;
  if (expr instanceof CurrentItem) {
    if (scope.item === undefined) throw new ValuesError('item() used outside a repeated document');
    return scope.item;
  }
  const list = valueAt(scope.values, expr.path);
  if (!Array.isArray(list)) throw new ValuesError(`values at ${expr.path} must be a list to join, got ${JSON.stringify(list)}`);
  return list.map((x) => String(x)).join(expr.separator);
}

/** Marker for an entry or item left out by a false `when`. */
const ABSENT = Symbol('absent');

function evaluate(node: Node, scope: Scope): Json | typeof ABSENT {
  if (node === null || typeof node !== 'object') return node;
  if (node instanceof ValueRef || node instanceof ReleaseNamespace || node instanceof CurrentItem || node instanceof Join) return scalar(node, scope);
  if (node instanceof Format) return node.parts.map((p) => (typeof p === 'string' ? p : String(scalar(p, scope)))).join('');
  if (node instanceof When) {
    if (holds(node.condition, scope.values)) return evaluate(node.then, scope);
    return node.otherwise === undefined ? ABSENT : evaluate(node.otherwise, scope);
  }
  if (node instanceof MergeMap) {
    const base = evaluate(node.base, scope) as { [key: string]: Json };
    const extra = valueAt(scope.values, node.path);
    if (extra !== undefined && extra !== null && (typeof extra !== 'object' || Array.isArray(extra))) {
      throw new ValuesError(`values at ${node.path} must be a map, got ${JSON.stringify(extra)}`);
    }
    return { ...base, ...(extra ? clone(extra) : {}) };
  }
  if (Array.isArray(node)) {
    const out: Json[] = [];
    for (const n of node) {
      const value = evaluate(n, scope);
      if (value !== ABSENT) out.push(value);
    }
    return out;
  }
  const out: { [key: string]: Json } = {};
  for (const [key, n] of Object.entries(node)) {
    const value = evaluate(n, scope);
    if (value !== ABSENT) out[key] = value;
  }
  return out;
}

/** The plain objects of `documents` for these values and namespace, in order. */
export function evaluateDocuments(documents: readonly Document[], context: EvaluationContext): PlainObject[] {
  const out: PlainObject[] = [];
  for (const doc of documents) {
    if (doc.when && !holds(doc.when, context.values)) continue;
    if (doc.each === undefined) {
      out.push(evaluate(doc.object, context) as PlainObject);
      continue;
    }
    const items = valueAt(context.values, doc.each);
    if (!Array.isArray(items)) throw new ValuesError(`values at ${doc.each} must be a list, got ${JSON.stringify(items)}`);
    for (const item of items) out.push(evaluate(doc.object, { ...context, item }) as PlainObject);
  }
  return out;
}
