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
  out: StatusCause[];
}

/**
 * Checks a CRD version's `openAPIV3Schema`; every problem is a cause whose field starts with
 * `basePath` (as kube-apiserver reports it for `spec.versions[i].schema.openAPIV3Schema`).
 * Empty means the schema is acceptable.
 */
export function checkCrdSchema(schema: JSONSchemaProps, basePath = 'spec.versions[0].schema.openAPIV3Schema'): StatusCause[] {
  const ctx: Ctx = { out: [] };
  if (schema.type !== 'object') {
    if (schema.type) ctx.out.push(invalid(`${basePath}.type`, schema.type, 'must be object at the root'));
    else ctx.out.push(required(`${basePath}.type`, 'must not be empty at the root'));
  }
  const meta = schema.properties?.metadata;
  if (meta) checkRootMetadata(meta, `${basePath}.properties[metadata]`, ctx);
  checkNode(schema, basePath, ctx, { isRoot: true, inJunctor: false });
  return ctx.out;
}

function checkRootMetadata(meta: JSONSchemaProps, path: string, ctx: Ctx): void {
  const allowed = new Set(['type', 'properties', 'description']);
  const extra = Object.keys(meta).filter((k) => !allowed.has(k));
  const props = Object.keys(meta.properties ?? {}).filter((k) => k !== 'name' && k !== 'generateName');
  if (extra.length || props.length || (meta.type && meta.type !== 'object')) {
    ctx.out.push(forbidden(path, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
  }
}

interface Where {
  isRoot: boolean;
  /** Inside allOf/anyOf/oneOf/not, where only value validations are allowed. */
  inJunctor: boolean;
}

function checkNode(s: JSONSchemaProps, path: string, ctx: Ctx, where: Where): void {
  const { out } = ctx;
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;

  if (where.inJunctor) {
    for (const k of ['type', 'default', 'nullable', 'additionalProperties', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource'] as const) {
      if (s[k] !== undefined) out.push(forbidden(`${path}.${k}`, 'must be empty to be structural'));
    }
  } else if (!s.type && !intOrString && !preserve && !where.isRoot) {
    const what = s.items ? 'must not be empty for specified array items' : 'must not be empty for specified object fields';
    out.push(required(`${path}.type`, what));
  }

  if (intOrString && s.type) out.push(invalid(`${path}.type`, s.type, 'must be empty if x-kubernetes-int-or-string is true'));
  if (s['x-kubernetes-preserve-unknown-fields'] === false) {
    out.push(fieldError('FieldValueInvalid', `${path}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'));
  }
  if (s['x-kubernetes-embedded-resource'] && s.type !== 'object') {
    out.push(invalid(`${path}.type`, s.type ?? '', 'must be object if x-kubernetes-embedded-resource is true'));
  }
  if (s['x-kubernetes-embedded-resource'] && !preserve && !Object.keys(s.properties ?? {}).length) {
    out.push(required(`${path}.properties`, 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
  if (s.type === 'array' && !s.items && !where.inJunctor) out.push(required(`${path}.items`, 'must be specified'));
  if (s.properties && isObject(s.additionalProperties)) {
    out.push(forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
  }
  if (s.additionalProperties === false) out.push(forbidden(`${path}.additionalProperties`, 'additionalProperties cannot be set to false'));
  if (s.uniqueItems) out.push(forbidden(`${path}.uniqueItems`, 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  if (s.pattern !== undefined && !compilePattern(s.pattern)) {
    out.push(invalid(`${path}.pattern`, s.pattern, 'must be a valid regular expression'));
  }
  checkListType(s, path, ctx);
  if (s.default !== undefined && !where.inJunctor) checkDefault(s, path, ctx);
  checkRules(s, path, ctx, where.isRoot);

  for (const [name, sub] of Object.entries(s.properties ?? {})) {
    checkNode(sub, `${path}.properties[${name}]`, ctx, { isRoot: false, inJunctor: where.inJunctor });
  }
  if (isObject(s.additionalProperties)) {
    checkNode(s.additionalProperties as JSONSchemaProps, `${path}.additionalProperties`, ctx, { ...where, isRoot: false });
  }
  if (s.items) checkNode(s.items, `${path}.items`, ctx, { ...where, isRoot: false });
  for (const junctor of ['allOf', 'anyOf', 'oneOf'] as const) {
    (s[junctor] ?? []).forEach((sub, i) => {
      if (intOrString && isIntOrStringAnyOf(junctor === 'anyOf' ? s.anyOf : sub.anyOf)) return;
      checkNode(sub, `${path}.${junctor}[${i}]`, ctx, { isRoot: false, inJunctor: true });
    });
  }
  if (s.not) checkNode(s.not, `${path}.not`, ctx, { isRoot: false, inJunctor: true });
}

/** `anyOf: [{type: integer}, {type: string}]`, the value validation int-or-string fields may carry. */
function isIntOrStringAnyOf(anyOf: JSONSchemaProps[] | undefined): boolean {
  if (anyOf?.length !== 2) return false;
  const only = (x: JSONSchemaProps, type: string) => x.type === type && Object.keys(x).length === 1;
  return only(anyOf[0], 'integer') && only(anyOf[1], 'string');
}

function checkListType(s: JSONSchemaProps, path: string, ctx: Ctx): void {
  const listType = s['x-kubernetes-list-type'];
  const keys = s['x-kubernetes-list-map-keys'];
  if (listType !== undefined && !['atomic', 'set', 'map'].includes(listType)) {
    ctx.out.push(notSupported(`${path}.x-kubernetes-list-type`, listType, ['atomic', 'set', 'map']));
  }
  if (listType && s.type !== 'array') ctx.out.push(invalid(`${path}.type`, s.type ?? '', 'must be array if x-kubernetes-list-type is specified'));
  if (listType === 'map') {
    if (!keys?.length) {
      ctx.out.push(required(`${path}.x-kubernetes-list-map-keys`, 'must not be empty if x-kubernetes-list-type is map'));
    } else {
      const item = s.items;
      if (item?.type !== 'object') ctx.out.push(invalid(`${path}.items.type`, item?.type ?? '', 'must be object if parent array\'s x-kubernetes-list-type is map'));
      for (const k of keys) {
        const keySchema = item?.properties?.[k];
        if (!keySchema) {
          ctx.out.push(required(`${path}.items.properties[${k}]`, 'entries for all x-kubernetes-list-map-keys must be specified'));
        } else if (!(item?.required ?? []).includes(k) && keySchema.default === undefined) {
          ctx.out.push(required(`${path}.items.required`, `all map keys must be required or have a default value, but ${goQuote(k)} is neither`));
        }
      }
    }
  } else if (keys?.length) {
    ctx.out.push(forbidden(`${path}.x-kubernetes-list-map-keys`, 'must not be set if x-kubernetes-list-type is not map'));
  }
  if (listType === 'set' && s.items && s.items.type === 'object') {
    ctx.out.push(invalid(`${path}.items.type`, 'object', 'must be a scalar or atomic list if x-kubernetes-list-type is set'));
  }
}

function checkDefault(s: JSONSchemaProps, path: string, ctx: Ctx): void {
  const field = `${path}.default`;
  const copy = JSON.parse(JSON.stringify(s.default)) as unknown;
  const pruned: string[] = [];
  pruneValue(copy, s, '', !!s['x-kubernetes-embedded-resource'], pruned);
  if (pruned.length) {
    ctx.out.push(invalid(field, s.default, `must not have unknown fields, got: ${pruned.join(', ')}`));
    return;
  }
  const causes: StatusCause[] = [];
  validateOpenAPI(s, s.default, '', causes);
  for (const c of causes) ctx.out.push({ ...c, field: c.field === '<nil>' || c.field === '' ? field : `${field}.${c.field}` });
}

function checkRules(s: JSONSchemaProps, path: string, ctx: Ctx, isRoot: boolean): void {
  (s['x-kubernetes-validations'] ?? []).forEach((rule, i) => {
    const at = `${path}.x-kubernetes-validations[${i}]`;
    if (!rule.rule?.trim()) {
      ctx.out.push(required(`${at}.rule`));
      return;
    }
    if (rule.reason !== undefined && !ruleReasons.includes(rule.reason)) ctx.out.push(notSupported(`${at}.reason`, rule.reason, ruleReasons));
    if (rule.message !== undefined) {
      if (!rule.message.trim()) ctx.out.push(required(`${at}.message`, 'message must be non-empty if specified'));
      else if (/[\r\n]/.test(rule.message)) ctx.out.push(invalid(`${at}.message`, rule.message, 'message must not contain line breaks'));
    }
    if (rule.fieldPath !== undefined && !applyFieldPath('', rule.fieldPath, s)) {
      ctx.out.push(invalid(`${at}.fieldPath`, rule.fieldPath, 'fieldPath must be a valid path'));
    }
    const { errors } = compileRule(rule, s, isRoot);
    for (const e of errors) {
      if (e.property === 'rule') ctx.out.push(invalidRaw(`${at}.rule`, ruleValue(rule), e.detail));
      else ctx.out.push(invalid(`${at}.messageExpression`, rule.messageExpression, e.detail));
    }
  });
}
