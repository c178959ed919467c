/**
 * The main checks kube-apiserver makes on a CRD version's schema before accepting the CRD:
 * structural-schema rules (types everywhere, metadata restrictions, list/map extensions),
 * forbidden keywords, valid patterns and defaults, and CEL rules that compile.
 */
import type { StatusCause } from '../errors';
import { applyFieldPath, compileRule, ruleReasons, type ValidationRule } from './cel';
import { fieldError, forbidden, goQuote, invalid, notSupported, required } from './field-errors';
import { isObject } from './json';
import { compilePattern, validateOpenAPI } from './openapi';
import { pruneValue } from './prune';
import type { JSONSchemaProps } from './types';

/** Go `%#v` of an apiextensions.ValidationRule, the bad value kube-apiserver prints for a rule. */
function ruleValue(rule: ValidationRule): string {
  const reason = rule.reason ? '(*apiextensions.FieldValueErrorReason)(0xc000000000)' : '(*apiextensions.FieldValueErrorReason)(nil)';
  const optional = rule.optionalOldSelf === undefined ? '(*bool)(nil)' : '(*bool)(0xc000000000)';
  return (
    `apiextensions.ValidationRule{Rule:${goQuote(rule.rule ?? '')}, Message:${goQuote(rule.message ?? '')}, ` +
    `MessageExpression:${goQuote(rule.messageExpression ?? '')}, Reason:${reason}, FieldPath:${goQuote(rule.fieldPath ?? '')}, ` +
    `OptionalOldSelf:${optional}}`
  );
}

/** An Invalid cause whose bad value is printed verbatim (not quoted). */
const invalidRaw = (field: string, rawValue: string, detail: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  field,
  message: `Invalid value: ${rawValue}: ${detail}`,
});

interface Ctx {
  /** API validation of the schema (keywords CRDs do not allow), in traversal order. */
  api: StatusCause[];
  /** Structural-schema violations, sorted like kube-apiserver sorts them. */
  structural: StatusCause[];
  /** Defaults and CEL rules. */
  late: StatusCause[];
}

/**
 * Checks a CRD version's `openAPIV3Schema`; every problem is a cause whose field starts with
 * `basePath` (as kube-apiserver reports it for `spec.versions[i].schema.openAPIV3Schema`).
 * Empty means the schema is acceptable.
 */
export function checkCrdSchema(schema: JSONSchemaProps, basePath = 'spec.versions[0].schema.openAPIV3Schema'): StatusCause[] {
  const ctx: Ctx = { api: [], structural: [], late: [] };
  checkApi(schema, basePath, ctx);
  checkStructural(schema, 'root', basePath, ctx);
  checkLate(schema, basePath, ctx, true);
  const text = (c: StatusCause) => `${c.field}: ${c.message}`;
  ctx.structural.sort((a, b) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0));
  return [...ctx.api, ...ctx.structural, ...ctx.late];
}

/** Every schema node, junctors included, with its path. */
function eachNode(s: JSONSchemaProps, path: string, visit: (s: JSONSchemaProps, path: string) => void): void {
  visit(s, path);
  for (const [name, sub] of Object.entries(s.properties ?? {})) eachNode(sub, `${path}.properties[${name}]`, visit);
  if (isObject(s.additionalProperties)) eachNode(s.additionalProperties as JSONSchemaProps, `${path}.additionalProperties`, visit);
  if (s.items) eachNode(s.items, `${path}.items`, visit);
  for (const junctor of ['allOf', 'anyOf', 'oneOf'] as const) (s[junctor] ?? []).forEach((sub, i) => eachNode(sub, `${path}.${junctor}[${i}]`, visit));
  if (s.not) eachNode(s.not, `${path}.not`, visit);
}

/** Keywords the CRD API rejects wherever they appear. */
function checkApi(schema: JSONSchemaProps, basePath: string, ctx: Ctx): void {
  eachNode(schema, basePath, (s, path) => {
    const out = ctx.api;
    if ('$ref' in s) out.push(forbidden(`${path}.$ref`, '$ref is not supported'));
    if (s.uniqueItems) out.push(forbidden(`${path}.uniqueItems`, 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
    if (s.additionalProperties === false) out.push(forbidden(`${path}.additionalProperties`, 'additionalProperties cannot be set to false'));
    if (s.properties && s.additionalProperties !== undefined && s.additionalProperties !== false) {
      out.push(forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
    }
    if (s['x-kubernetes-preserve-unknown-fields'] === false) {
      out.push(fieldError('FieldValueInvalid', `${path}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'));
    }
    if (s['x-kubernetes-int-or-string'] && s.type) out.push(invalid(`${path}.type`, s.type, 'must be empty if x-kubernetes-int-or-string is true'));
    checkListType(s, path, ctx);
  });
}

type Level = 'root' | 'item' | 'field';

/** Structural-schema invariants of the spine (validateStructuralInvariants). */
function checkStructural(s: JSONSchemaProps, level: Level, path: string, ctx: Ctx): void {
  const out = ctx.structural;
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;

  if (s.type === 'array' && !s.items) out.push(required(`${path}.items`, 'must be specified'));
  if (s.items) checkStructural(s.items, 'item', `${path}.items`, ctx);
  for (const [name, sub] of Object.entries(s.properties ?? {})) checkStructural(sub, 'field', `${path}.properties[${name}]`, ctx);
  if (s.additionalProperties !== undefined && s.additionalProperties !== false) {
    if (level === 'root') out.push(forbidden(`${path}.additionalProperties`, 'must not be used at the root'));
    if (isObject(s.additionalProperties)) checkStructural(s.additionalProperties as JSONSchemaProps, 'field', `${path}.additionalProperties`, ctx);
  }
  if (intOrString && preserve) out.push(fieldError('FieldValueInvalid', `${path}.x-kubernetes-preserve-unknown-fields`, true, 'must be false if x-kubernetes-int-or-string is true'));
  if (intOrString && embedded) out.push(fieldError('FieldValueInvalid', `${path}.x-kubernetes-embedded-resource`, true, 'must be false if x-kubernetes-int-or-string is true'));

  const skipAnyOf = intOrString && isIntOrStringAnyOf(s.anyOf);
  const skipFirstAllOfAnyOf = intOrString && isIntOrStringAnyOf(s.allOf?.[0]?.anyOf);
  checkValueValidation(s, skipAnyOf, skipFirstAllOfAnyOf, path, ctx);

  if (embedded && s.type !== 'object') {
    if (!s.type) out.push(required(`${path}.type`, 'must be object if x-kubernetes-embedded-resource is true'));
    else out.push(invalid(`${path}.type`, s.type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (!s.type && !intOrString && !preserve) {
    const detail = { root: 'must not be empty at the root', item: 'must not be empty for specified array items', field: 'must not be empty for specified object fields' }[level];
    out.push(required(`${path}.type`, detail));
  }
  if (embedded && s.additionalProperties !== undefined) out.push(forbidden(`${path}.additionalProperties`, 'must not be used if x-kubernetes-embedded-resource is set'));
  if (level === 'root' && s.type && s.type !== 'object') out.push(invalid(`${path}.type`, s.type, 'must be object at the root'));

  const checkMetadata = level === 'root' || embedded;
  const props = s.properties ?? {};
  if (checkMetadata) {
    for (const [k, want] of [['kind', 'string'], ['apiVersion', 'string'], ['metadata', 'object']] as const) {
      if (props[k] && props[k].type !== want) out.push(invalid(`${path}.properties[${k}].type`, props[k].type ?? '', `must be ${want}`));
    }
  }
  if (level === 'root' && props.metadata && !onlyRestrictsNames(props.metadata)) {
    out.push(forbidden(`${path}.properties[metadata]`, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
  }
  if (embedded && !preserve && !Object.keys(props).length) {
    out.push(required(`${path}.properties`, 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
}

/** Root metadata may only be `type: object` plus restrictions of name and generateName. */
function onlyRestrictsNames(meta: JSONSchemaProps): boolean {
  const names = Object.keys(meta.properties ?? {});
  const onlyNames = names.every((n) => n === 'name' || n === 'generateName');
  return onlyNames && Object.keys(meta).every((k) => k === 'type' || k === 'default' || (k === 'properties' && onlyNames));
}

/** `anyOf: [{type: integer}, {type: string}]`, the value validation int-or-string fields may carry. */
function isIntOrStringAnyOf(anyOf: JSONSchemaProps[] | undefined): boolean {
  if (anyOf?.length !== 2) return false;
  const only = (x: JSONSchemaProps, type: string) => x.type === type && Object.keys(x).length === 1;
  return only(anyOf[0], 'integer') && only(anyOf[1], 'string');
}

function checkValueValidation(s: JSONSchemaProps, skipAnyOf: boolean, skipFirstAllOfAnyOf: boolean, path: string, ctx: Ctx): void {
  if (!skipAnyOf) (s.anyOf ?? []).forEach((sub, i) => checkNested(sub, false, `${path}.anyOf[${i}]`, ctx));
  (s.allOf ?? []).forEach((sub, i) => checkNested(sub, skipFirstAllOfAnyOf && i === 0, `${path}.allOf[${i}]`, ctx));
  (s.oneOf ?? []).forEach((sub, i) => checkNested(sub, false, `${path}.oneOf[${i}]`, ctx));
  if (s.not) checkNested(s.not, false, `${path}.not`, ctx);
  if (s.pattern !== undefined && !compilePattern(s.pattern)) {
    ctx.structural.push(invalid(`${path}.pattern`, s.pattern, "must be a valid regular expression, but isn't: error parsing regexp"));
  }
}

/** Inside allOf/anyOf/oneOf/not only value validations are allowed (validateNestedValueValidation). */
function checkNested(s: JSONSchemaProps, skipAnyOf: boolean, path: string, ctx: Ctx): void {
  const out = ctx.structural;
  checkValueValidation(s, skipAnyOf, false, path, ctx);
  if (s.items) checkNested(s.items, false, `${path}.items`, ctx);
  for (const [name, sub] of Object.entries(s.properties ?? {})) checkNested(sub, false, `${path}.properties[${name}]`, ctx);
  const forbid = (key: string, detail: string) => out.push(forbidden(`${path}.${key}`, detail));
  if (s.type) forbid('type', 'must be empty to be structural');
  if (s.additionalProperties !== undefined) forbid('additionalProperties', 'must be undefined to be structural');
  if (s.default !== undefined) forbid('default', 'must be undefined to be structural');
  if ((s as { title?: string }).title) forbid('title', 'must be empty to be structural');
  if (s.description) forbid('description', 'must be empty to be structural');
  if (s.nullable) forbid('nullable', 'must be false to be structural');
  if (s['x-kubernetes-preserve-unknown-fields']) forbid('x-kubernetes-preserve-unknown-fields', 'must be false to be structural');
  if (s['x-kubernetes-embedded-resource']) forbid('x-kubernetes-embedded-resource', 'must be false to be structural');
  if (s['x-kubernetes-int-or-string']) forbid('x-kubernetes-int-or-string', 'must be false to be structural');
  if (s['x-kubernetes-list-map-keys']?.length) forbid('x-kubernetes-list-map-keys', 'must be empty to be structural');
  if (s['x-kubernetes-list-type'] !== undefined) forbid('x-kubernetes-list-type', 'must be undefined to be structural');
  if (s.properties?.metadata) forbid('properties[metadata]', 'must not be specified in a nested context');
}

/** Defaults and CEL rules of the spine. */
function checkLate(s: JSONSchemaProps, path: string, ctx: Ctx, isRoot: boolean): void {
  if (s.default !== undefined) checkDefault(s, path, ctx);
  checkRules(s, s, path, ctx, isRoot);
  (s.allOf ?? []).forEach((sub, i) => checkRules(sub, s, `${path}.allOf[${i}]`, ctx, isRoot));
  for (const [name, sub] of Object.entries(s.properties ?? {})) checkLate(sub, `${path}.properties[${name}]`, ctx, false);
  if (isObject(s.additionalProperties)) checkLate(s.additionalProperties as JSONSchemaProps, `${path}.additionalProperties`, ctx, false);
  if (s.items) checkLate(s.items, `${path}.items`, ctx, false);
}

function checkListType(s: JSONSchemaProps, path: string, ctx: Ctx): void {
  const listType = s['x-kubernetes-list-type'];
  const keys = s['x-kubernetes-list-map-keys'];
  if (listType !== undefined && !['atomic', 'set', 'map'].includes(listType)) {
    ctx.api.push(notSupported(`${path}.x-kubernetes-list-type`, listType, ['atomic', 'set', 'map']));
  }
  if (listType && s.type !== 'array') ctx.api.push(invalid(`${path}.type`, s.type ?? '', 'must be array if x-kubernetes-list-type is specified'));
  if (listType === 'map') {
    if (!keys?.length) {
      ctx.api.push(required(`${path}.x-kubernetes-list-map-keys`, 'must not be empty if x-kubernetes-list-type is map'));
    } else {
      const item = s.items;
      if (item?.type !== 'object') ctx.api.push(invalid(`${path}.items.type`, item?.type ?? '', 'must be object if parent array\'s x-kubernetes-list-type is map'));
      for (const k of keys) {
        const keySchema = item?.properties?.[k];
        if (!keySchema) {
          ctx.api.push(required(`${path}.items.properties[${k}]`, 'entries for all x-kubernetes-list-map-keys must be specified'));
        } else if (!(item?.required ?? []).includes(k) && keySchema.default === undefined) {
          ctx.api.push(required(`${path}.items.required`, `all map keys must be required or have a default value, but ${goQuote(k)} is neither`));
        }
      }
    }
  } else if (keys?.length) {
    ctx.api.push(forbidden(`${path}.x-kubernetes-list-map-keys`, 'must not be set if x-kubernetes-list-type is not map'));
  }
  if (listType === 'set' && s.items && s.items.type === 'object') {
    ctx.api.push(invalid(`${path}.items.type`, 'object', 'must be a scalar or atomic list if x-kubernetes-list-type is set'));
  }
}

function checkDefault(s: JSONSchemaProps, path: string, ctx: Ctx): void {
  const field = `${path}.default`;
  const copy = JSON.parse(JSON.stringify(s.default)) as unknown;
  const pruned: string[] = [];
  pruneValue(copy, s, '', !!s['x-kubernetes-embedded-resource'], pruned);
  if (pruned.length) {
    ctx.late.push(invalid(field, s.default, `must not have unknown fields, got: ${pruned.join(', ')}`));
    return;
  }
  const causes: StatusCause[] = [];
  validateOpenAPI(s, s.default, '', causes);
  for (const c of causes) ctx.late.push({ ...c, field: c.field === '<nil>' || c.field === '' ? field : `${field}.${c.field}` });
}

function checkRules(s: JSONSchemaProps, node: JSONSchemaProps, path: string, ctx: Ctx, isRoot: boolean): void {
  (s['x-kubernetes-validations'] ?? []).forEach((rule, i) => {
    const at = `${path}.x-kubernetes-validations[${i}]`;
    if (!rule.rule?.trim()) {
      ctx.late.push(required(`${at}.rule`));
      return;
    }
    if (rule.reason !== undefined && !ruleReasons.includes(rule.reason)) ctx.late.push(notSupported(`${at}.reason`, rule.reason, ruleReasons));
    if (rule.message !== undefined) {
      if (!rule.message.trim()) ctx.late.push(required(`${at}.message`, 'message must be non-empty if specified'));
      else if (/[\r\n]/.test(rule.message)) ctx.late.push(invalid(`${at}.message`, rule.message, 'message must not contain line breaks'));
    }
    if (rule.fieldPath && !applyFieldPath('', rule.fieldPath, node)) {
      ctx.late.push(invalid(`${at}.fieldPath`, rule.fieldPath, 'fieldPath must be a valid path'));
    }
    const { errors } = compileRule(rule, node, isRoot);
    for (const e of errors) {
      if (e.property === 'rule') ctx.late.push(invalidRaw(`${at}.rule`, ruleValue(rule), e.detail));
      else ctx.late.push(invalid(`${at}.messageExpression`, rule.messageExpression, e.detail));
    }
  });
}
