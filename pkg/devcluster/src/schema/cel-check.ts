/**
 * The part of cel-go's type checker that matters most for CRD rules, on the parsed AST:
 * selections of fields the schema does not declare (`undefined field 'x'`) and operators
 * applied to operands of clearly incompatible types (`found no matching overload for '_>_'
 * applied to '(int, string)'`). Issues are worded and located like cel-go prints them.
 */
import type { parse } from '@bufbuild/cel';
import { escapeProperty } from './cel-values';
import { isObject } from './json';
import type { JSONSchemaProps } from './types';

type Expr = ReturnType<typeof parse>['expr'];

export interface ExprLike {
  id: bigint;
  exprKind: { case: string | undefined; value?: unknown };
}

/** Visits every sub-expression. */
export function walk(e: ExprLike | undefined, visit: (e: ExprLike) => void): void {
  if (!e) return;
  visit(e);
  const v = e.exprKind.value as Record<string, unknown> | undefined;
  if (!v) return;
  for (const key of ['operand', 'target', 'iterRange', 'accuInit', 'loopCondition', 'loopStep', 'result']) {
    walk(v[key] as ExprLike | undefined, visit);
  }
  for (const arg of (v.args as ExprLike[] | undefined) ?? []) walk(arg, visit);
  for (const el of (v.elements as ExprLike[] | undefined) ?? []) walk(el, visit);
  for (const entry of (v.entries as { mapKey?: ExprLike; value?: ExprLike }[] | undefined) ?? []) {
    walk(entry.mapKey, visit);
    walk(entry.value, visit);
  }
}

/** `ERROR: <input>:line:col: message` plus the source line and a caret, as cel-go formats issues. */
function issue(text: string, offset: number, message: string): string {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.split('\n').length;
  const column = offset - lineStart + 1;
  const lineEnd = text.indexOf('\n', offset);
  const source = text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
  return `ERROR: <input>:${line}:${column}: ${message}\n | ${source}\n | ${'.'.repeat(column - 1)}^`;
}

/** `self.a.b` -> root `self`, fields [a, b], for a plain select chain. */
function selectChain(e: ExprLike): { root: string; fields: string[] } | undefined {
  const fields: string[] = [];
  let cur: ExprLike = e;
  while (cur.exprKind.case === 'selectExpr') {
    const sel = cur.exprKind.value as { operand: ExprLike; field: string };
    fields.unshift(sel.field);
    cur = sel.operand;
  }
  if (cur.exprKind.case !== 'identExpr' || !fields.length) return undefined;
  return { root: (cur.exprKind.value as { name: string }).name, fields };
}

/** The schema a field selection on a node leads to; undefined for dynamic values, null when the field cannot exist. */
function selectField(schema: JSONSchemaProps, field: string, isResource: boolean): JSONSchemaProps | undefined | null {
  const embedded = isResource || schema['x-kubernetes-embedded-resource'];
  if (embedded && (field === 'apiVersion' || field === 'kind')) return { type: 'string' };
  if (embedded && field === 'metadata') return { type: 'object', properties: { name: { type: 'string' }, generateName: { type: 'string' } } };
  for (const [k, sub] of Object.entries(schema.properties ?? {})) if (escapeProperty(k) === field) return sub;
  if (isObject(schema.additionalProperties)) return schema.additionalProperties as JSONSchemaProps;
  if (schema['x-kubernetes-preserve-unknown-fields'] || schema.additionalProperties === true) return undefined;
  return null;
}

/** Resolves a select chain on self/oldSelf to its schema; null with the failing field when undeclared. */
function resolveChain(chain: { root: string; fields: string[] }, schema: JSONSchemaProps, isResource: boolean): { schema?: JSONSchemaProps; undefinedField?: string } {
  let node: JSONSchemaProps | undefined = schema;
  let resource = isResource;
  for (const f of chain.fields) {
    if (!node) return {};
    const next = selectField(node, f, resource);
    if (next === null) return { undefinedField: f };
    node = next;
    resource = false;
  }
  return { schema: node };
}

/** The CEL type name of a schema node, or undefined when dynamic or structured. */
function celTypeOf(s: JSONSchemaProps | undefined): string | undefined {
  if (!s || s['x-kubernetes-int-or-string']) return undefined;
  switch (s.type) {
    case 'integer':
      return 'int';
    case 'number':
      return 'double';
    case 'boolean':
      return 'bool';
    case 'string':
      if (s.format === 'byte') return 'bytes';
      if (s.format === 'duration') return 'google.protobuf.Duration';
      if (s.format === 'date' || s.format === 'date-time' || s.format === 'datetime') return 'google.protobuf.Timestamp';
      return 'string';
    default:
      return undefined;
  }
}

const constTypes: Record<string, string> = {
  int64Value: 'int',
  uint64Value: 'uint',
  doubleValue: 'double',
  stringValue: 'string',
  boolValue: 'bool',
  bytesValue: 'bytes',
  nullValue: 'null_type',
};

const numeric = new Set(['int', 'uint', 'double']);
const ordered = new Set(['int', 'uint', 'double', 'string', 'bool', 'bytes', 'google.protobuf.Timestamp', 'google.protobuf.Duration']);

/** Whether cel-go has an overload of `fn` for the two operand types (both known). */
function hasOverload(fn: string, a: string, b: string): boolean {
  switch (fn) {
    case '_==_':
    case '_!=_':
      return a === b || (numeric.has(a) && numeric.has(b)) || a === 'null_type' || b === 'null_type';
    case '_<_':
    case '_<=_':
    case '_>_':
    case '_>=_':
      return (a === b && ordered.has(a)) || (numeric.has(a) && numeric.has(b));
    case '_+_':
      if (a === 'google.protobuf.Timestamp' || b === 'google.protobuf.Timestamp') {
        return (a === 'google.protobuf.Duration' || b === 'google.protobuf.Duration') && a !== b;
      }
      return a === b && ['int', 'uint', 'double', 'string', 'bytes', 'google.protobuf.Duration'].includes(a);
    case '_-_':
      if (a === 'google.protobuf.Timestamp') return b === 'google.protobuf.Timestamp' || b === 'google.protobuf.Duration';
      return a === b && ['int', 'uint', 'double', 'google.protobuf.Duration'].includes(a);
    case '_*_':
    case '_/_':
      return a === b && numeric.has(a);
    case '_%_':
      return a === b && (a === 'int' || a === 'uint');
    case '_&&_':
    case '_||_':
      return a === 'bool' && b === 'bool';
    default:
      return true;
  }
}

/**
 * Returns the first cel-go style issue of a parsed rule against the schema of its node, or
 * undefined when none is found. Only types that are certain are compared.
 */
export function checkExpr(expr: Expr, text: string, positions: Record<string, number>, schema: JSONSchemaProps, isResource: boolean): string | undefined {
  let found: string | undefined;
  const at = (e: ExprLike) => positions[String(e.id)] ?? 0;

  const typeOf = (e: ExprLike): string | undefined => {
    if (e.exprKind.case === 'constExpr') {
      const k = (e.exprKind.value as { constantKind: { case?: string } }).constantKind.case;
      return k ? constTypes[k] : undefined;
    }
    if (e.exprKind.case === 'selectExpr') {
      const chain = selectChain(e);
      if (!chain || (chain.root !== 'self' && chain.root !== 'oldSelf') || (e.exprKind.value as { testOnly?: boolean }).testOnly) return undefined;
      return celTypeOf(resolveChain(chain, schema, isResource).schema);
    }
    if (e.exprKind.case === 'identExpr' && (e.exprKind.value as { name: string }).name === 'self') {
      return isResource ? undefined : celTypeOf(schema);
    }
    if (e.exprKind.case === 'callExpr') {
      const call = e.exprKind.value as { function: string; args: ExprLike[]; target?: ExprLike };
      if (call.function === 'size') return 'int';
      if (['_==_', '_!=_', '_<_', '_<=_', '_>_', '_>=_', '_&&_', '_||_', '!_', '@in'].includes(call.function)) return 'bool';
    }
    return undefined;
  };

  walk(expr as unknown as ExprLike, (e) => {
    if (found) return;
    if (e.exprKind.case === 'selectExpr') {
      const chain = selectChain(e);
      if (!chain || (chain.root !== 'self' && chain.root !== 'oldSelf')) return;
      const { undefinedField } = resolveChain(chain, schema, isResource);
      if (undefinedField !== undefined) found = issue(text, at(e), `undefined field '${undefinedField}'`);
      return;
    }
    if (e.exprKind.case !== 'callExpr') return;
    const call = e.exprKind.value as { function: string; args: ExprLike[]; target?: ExprLike };
    if (call.target || call.args.length !== 2) return;
    const [a, b] = call.args.map(typeOf);
    if (a && b && !hasOverload(call.function, a, b)) {
      // The parser records logical operators at the start of the expression; cel-go points at the operator.
      const token = { '_&&_': '&&', '_||_': '||' }[call.function];
      const offset = token ? Math.max(text.indexOf(token, at(call.args[0])), 0) : at(e);
      found = issue(text, offset, `found no matching overload for '${call.function}' applied to '(${a}, ${b})'`);
    }
  });
  return found;
}
