/**
 * `x-kubernetes-validations` (CEL) rules: compiled once per schema node, evaluated with `self`
 * (and `oldSelf` on update) bound to the value at the node, failures reported like
 * apiextensions-apiserver's CEL validator (`Invalid value: "<schema type>": <message>`).
 */
import { celEnv, isCelError, parse, plan, type CelResult } from '@bufbuild/cel';
import type { StatusCause } from '../errors';
import { celFuncs } from './cel-library';
import { checkExpr, walk, type ExprLike } from './cel-check';
import { OPTIONAL_NONE, rewriteOptionalSyntax } from './cel-optional';
import { toCel } from './cel-values';
import { duplicate, fieldError, forbidden, invalid, OMIT, required } from './field-errors';
import { deepEqual, isObject } from './json';
import { pathChild, pathIndex, pathKey } from './listtype';
import type { JSONSchemaProps } from './types';

export type ValidationRule = NonNullable<JSONSchemaProps['x-kubernetes-validations']>[number];

export const ruleReasons = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];

type Program = (bindings: Record<string, unknown>) => CelResult;

/** One rule ready to run. */
export interface CompiledRule {
  rule: ValidationRule;
  program: Program;
  messageProgram?: Program;
  /** The rule refers to `oldSelf` (a transition rule). */
  transition: boolean;
}

/** Where a rule or message expression failed to compile. */
export interface RuleCompileError {
  property: 'rule' | 'messageExpression';
  detail: string;
}

const env = celEnv({ funcs: celFuncs });

type Expr = ReturnType<typeof parse>['expr'];

function usesOldSelf(expr: Expr): boolean {
  let uses = false;
  walk(expr as unknown as ExprLike, (e) => {
    if (e.exprKind.case === 'identExpr' && (e.exprKind.value as { name: string }).name === 'oldSelf') uses = true;
  });
  return uses;
}

function compileExpr(text: string, schema: JSONSchemaProps, isResource: boolean): { program?: Program; expr?: Expr; error?: string } {
  const source = rewriteOptionalSyntax(text);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (e) {
    return { error: `ERROR: ${(e as Error).message}` };
  }
  const positions = Object.fromEntries(Object.entries(parsed.sourceInfo?.positions ?? {}).map(([k, v]) => [k, Number(v)]));
  const bad = checkExpr(parsed.expr, source, positions, schema, isResource);
  if (bad) return { error: bad };
  try {
    return { program: plan(env, parsed) as Program, expr: parsed.expr };
  } catch (e) {
    return { error: `ERROR: ${(e as Error).message}` };
  }
}

/** Compiles one rule of a schema node; errors say which property of the rule is wrong. */
export function compileRule(rule: ValidationRule, schema: JSONSchemaProps, isResource: boolean): { compiled?: CompiledRule; errors: RuleCompileError[] } {
  const errors: RuleCompileError[] = [];
  const main = compileExpr(rule.rule, schema, isResource);
  if (main.error) errors.push({ property: 'rule', detail: `compilation failed: ${main.error}` });
  let messageProgram: Program | undefined;
  if (rule.messageExpression) {
    const m = compileExpr(rule.messageExpression, schema, isResource);
    if (m.error) errors.push({ property: 'messageExpression', detail: `messageExpression compilation failed: ${m.error}` });
    messageProgram = m.program;
  }
  if (!main.program || errors.length) return { errors };
  return { compiled: { rule, program: main.program, messageProgram, transition: usesOldSelf(main.expr as Expr) }, errors };
}

/** A rule's own words: its message, or the rule text. */
function ruleErrorString(rule: ValidationRule): string {
  return rule.message?.trim() || rule.rule.trim();
}

function failureMessage(c: CompiledRule, bindings: Record<string, unknown>): string {
  const fallback = c.rule.message?.trim() ? c.rule.message.trim() : `failed rule: ${c.rule.rule.trim()}`;
  if (!c.messageProgram) return fallback;
  const m = c.messageProgram(bindings);
  if (typeof m !== 'string' || !m.trim() || m.includes('\n')) return fallback;
  return m.trim();
}

/** The cause for a failed rule, shaped by the rule's reason. */
function causeFor(reason: string | undefined, field: string, badValue: unknown, detail: string): StatusCause {
  switch (reason) {
    case 'FieldValueForbidden':
      return forbidden(field, detail);
    case 'FieldValueRequired':
      return required(field, detail);
    case 'FieldValueDuplicate':
      return duplicate(field, badValue);
    default:
      return invalid(field, badValue, detail);
  }
}

/**
 * Appends a rule's `fieldPath` (`.a.b`, `.m['key']`) to a field path, following the schema like
 * kube-apiserver's ValidFieldPath; undefined when it does not name a field of the schema.
 */
export function applyFieldPath(path: string, fieldPath: string, schema: JSONSchemaProps): string | undefined {
  const re = /\.([^.[\]']+)|\['((?:[^'\\]|\\.)*)'\]/y;
  let node: JSONSchemaProps | undefined = schema;
  let out = path;
  let pos = 0;
  if (!fieldPath) return undefined;
  while (pos < fieldPath.length) {
    re.lastIndex = pos;
    const m = re.exec(fieldPath);
    if (!m || !node) return undefined;
    pos = re.lastIndex;
    const name: string = m[1] ?? m[2].replace(/\\(.)/g, '$1');
    if (node.properties) {
      if (!Object.prototype.hasOwnProperty.call(node.properties, name)) return undefined;
      out = pathChild(out, name);
      node = node.properties[name];
    } else if (isObject(node.additionalProperties)) {
      out = pathKey(out, name);
      node = node.additionalProperties as JSONSchemaProps;
    } else {
      return undefined;
    }
  }
  return out;
}

/** Looks up (and caches) the compiled rules of `source` (a node or one of its allOf), typed by `node`. */
export type RulesOf = (source: JSONSchemaProps, node: JSONSchemaProps, isResource: boolean) => CompiledRule[];

type Old = { value: unknown } | undefined;

/** Where a node stands for ratcheting: its correlated old value, or the state of the nearest correlatable ancestor. */
interface Correlation {
  /** The node can be correlated with an old value (properties, map values, list-type=map items). */
  correlatable: boolean;
  old: Old;
  /** Whether the nearest correlatable ancestor is unchanged (for uncorrelatable nodes). */
  parentUnchanged: boolean;
}

function correlateItem(schema: JSONSchemaProps, item: unknown, old: Old): Old {
  if (!old || !Array.isArray(old.value) || schema['x-kubernetes-list-type'] !== 'map' || !isObject(item)) return undefined;
  const keys = schema['x-kubernetes-list-map-keys'] ?? [];
  const match = old.value.find((o) => isObject(o) && keys.every((k) => deepEqual(o[k], item[k])));
  return match === undefined ? undefined : { value: match };
}

/** cel-go's wording of runtime errors, as kube-apiserver embeds them. */
function evalErrorDetail(message: string, rule: ValidationRule): string {
  if (/^found no matching overload|^no such overload/.test(message)) {
    return `'no such overload': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(rule)}`;
  }
  return `${message.replace(/^field not found: /, 'no such key: ')} evaluating rule: ${ruleErrorString(rule)}`;
}

function runRules(rules: CompiledRule[], node: JSONSchemaProps, value: unknown, old: Old, unchanged: boolean, path: string, out: StatusCause[], isResource: boolean): void {
  if (!rules.length) return;
  const self = toCel(value, node, isResource);
  const oldSelf = old && old.value !== null && old.value !== undefined ? toCel(old.value, node, isResource) : undefined;
  // Rule failures show scalar values; objects and lists are left out of the message.
  const badValue = value !== null && typeof value === 'object' ? OMIT : value;
  for (const c of rules) {
    if (c.transition && oldSelf === undefined && !c.rule.optionalOldSelf) continue;
    const bindings: Record<string, unknown> = { self, oldSelf: oldSelf ?? (c.rule.optionalOldSelf ? OPTIONAL_NONE : null) };
    const result = c.program(bindings);
    if (isCelError(result)) {
      out.push(invalid(path || '<nil>', badValue, evalErrorDetail(result.message, c.rule)));
      continue;
    }
    if (result === true) continue;
    // Errors of unchanged values are ratcheted (kube-apiserver turns them into warnings), except for transition rules.
    if (!c.transition && unchanged) continue;
    const field = (c.rule.fieldPath && applyFieldPath(path, c.rule.fieldPath, node)) || path || '<nil>';
    if (typeof result !== 'boolean') out.push(fieldError('InternalError', field, '', `rule did not evaluate to a bool: ${c.rule.rule.trim()}`));
    else out.push(causeFor(c.rule.reason, field, badValue, failureMessage(c, bindings)));
  }
}

/**
 * Runs every rule in the schema tree against `value`. On update (`old` given at the root)
 * transition rules see `oldSelf`, and failures on values equal to their correlated old value
 * are ratcheted (dropped), as kube-apiserver does.
 */
export function validateCEL(
  schema: JSONSchemaProps,
  value: unknown,
  path: string,
  out: StatusCause[],
  rulesOf: RulesOf,
  old?: Old,
  isResource = false,
  correlation: Correlation = { correlatable: old !== undefined, old, parentUnchanged: false },
): void {
  if (value === null || value === undefined) return;
  const unchanged = correlation.correlatable ? !!old && deepEqual(value, old.value) : correlation.parentUnchanged;
  runRules(rulesOf(schema, schema, isResource), schema, value, old, unchanged, path, out, isResource);
  for (const sub of schema.allOf ?? []) {
    runRules(rulesOf(sub, schema, isResource), schema, value, old, correlation.parentUnchanged, path, out, isResource);
  }

  const child = (correlatable: boolean, childOld: Old): Correlation => ({ correlatable, old: childOld, parentUnchanged: unchanged });
  if (Array.isArray(value)) {
    const items = schema.items;
    if (!items) return;
    const mapList = schema['x-kubernetes-list-type'] === 'map';
    value.forEach((item, i) => {
      const itemOld = correlateItem(schema, item, old);
      validateCEL(items, item, pathIndex(path, i), out, rulesOf, itemOld, !!items['x-kubernetes-embedded-resource'], child(mapList && !!old, itemOld));
    });
    return;
  }
  if (!isObject(value)) return;
  const oldObj = old && isObject(old.value) ? old.value : undefined;
  const oldAt = (k: string): Old => (oldObj && Object.prototype.hasOwnProperty.call(oldObj, k) ? { value: oldObj[k] } : undefined);
  const props = schema.properties ?? {};
  const additional = isObject(schema.additionalProperties) ? (schema.additionalProperties as JSONSchemaProps) : undefined;
  for (const [k, v] of Object.entries(value)) {
    const sub = Object.prototype.hasOwnProperty.call(props, k) ? props[k] : additional;
    if (!sub) continue;
    const p = sub === additional && !Object.prototype.hasOwnProperty.call(props, k) ? pathKey(path, k) : pathChild(path, k);
    validateCEL(sub, v, p, out, rulesOf, oldAt(k), !!sub['x-kubernetes-embedded-resource'], child(!!old, oldAt(k)));
  }
}
