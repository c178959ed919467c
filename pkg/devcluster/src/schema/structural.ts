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
 * Checks a CRD version's `openAPIV3Schema` like ValidateCustomResourceDefinitionOpenAPISchema,
 * then the structural invariants, then (for structural schemas) the defaults. Every problem is
 * a cause whose field starts with `basePath` (`spec.versions[i].schema.openAPIV3Schema`).
 * Empty means the schema is acceptable.
 */
export function checkCrdSchema(schema: JSONSchemaProps, basePath = 'spec.versions[0].schema.openAPIV3Schema'): StatusCause[] {
  const ctx: Ctx = { api: [], structural: [], late: [] };
  if (schema.nullable) ctx.api.push(forbidden(`${basePath}.nullable`, 'nullable cannot be true at the root'));
  checkApi(schema, basePath, ctx, { isRoot: true, insideMeta: false, defaultsForbidden: undefined });
  checkStructural(schema, 'root', basePath, ctx);
  const text = (c: StatusCause) => `${c.field}: ${c.message}`;
  ctx.structural.sort((a, b) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0));
  if (!ctx.structural.length) checkDefaults(schema, basePath, ctx);
  return [...ctx.api, ...ctx.structural, ...ctx.late];
}

interface ApiWhere {
  isRoot: boolean;
  /** Inside the schema of apiVersion, kind or metadata of a resource. */
  insideMeta: boolean;
  /** Why defaults are forbidden here, when they are. */
  defaultsForbidden: string | undefined;
}

const openAPIV3Types = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const metaFields = new Set(['metadata', 'kind', 'apiVersion']);
const unsupportedKeywords = ['id', 'additionalItems', 'patternProperties', 'definitions', 'dependencies', '$ref'];

/** Keywords the CRD API rejects (specStandardValidatorV3 and ValidateCustomResourceDefinitionOpenAPISchema). */
function checkApi(s: JSONSchemaProps, path: string, ctx: Ctx, where: ApiWhere): void {
  const out = ctx.api;
  const raw = s as JSONSchemaProps & Record<string, unknown>;
  if (s.type && !openAPIV3Types.includes(s.type)) out.push(notSupported(`${path}.type`, s.type, openAPIV3Types));
  if (s.default !== undefined && where.defaultsForbidden !== undefined) out.push(forbidden(`${path}.default`, `must not be set ${where.defaultsForbidden}`));
  for (const key of unsupportedKeywords) if (raw[key] !== undefined) out.push(forbidden(`${path}.${key}`, `${key} is not supported`));
  if ((s.type as string) === 'null') out.push(forbidden(`${path}.type`, 'type cannot be set to null, use nullable as an alternative'));
  if (Array.isArray(s.items)) out.push(forbidden(`${path}.items`, 'items must be a schema object and not an array'));
  if (where.insideMeta && s['x-kubernetes-embedded-resource']) out.push(forbidden(`${path}.x-kubernetes-embedded-resource`, 'must not be used inside of resource meta'));

  if (s.uniqueItems) out.push(forbidden(`${path}.uniqueItems`, 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  if (s.additionalProperties !== undefined) {
    if (Object.keys(s.properties ?? {}).length && s.additionalProperties !== true) {
      out.push(forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
    }
    if (isObject(s.additionalProperties)) {
      const sub: ApiWhere = { ...where, isRoot: false };
      if (where.insideMeta) sub.defaultsForbidden = 'inside additionalProperties applying to object metadata';
      checkApi(s.additionalProperties as JSONSchemaProps, `${path}.additionalProperties`, ctx, sub);
    }
  }
  for (const [name, sub] of Object.entries(s.properties ?? {})) {
    const subWhere: ApiWhere = { ...where, isRoot: false };
    if ((where.isRoot || s['x-kubernetes-embedded-resource']) && metaFields.has(name)) {
      subWhere.insideMeta = true;
      if (where.isRoot) subWhere.defaultsForbidden = `in top-level ${name}`;
    }
    checkApi(sub, `${path}.properties[${name}]`, ctx, subWhere);
  }
  const nested: ApiWhere = { ...where, isRoot: false };
  if (s.not) checkApi(s.not, `${path}.not`, ctx, nested);
  for (const junctor of ['allOf', 'oneOf', 'anyOf'] as const) (s[junctor] ?? []).forEach((sub, i) => checkApi(sub, `${path}.${junctor}[${i}]`, ctx, nested));
  if (s.items && !Array.isArray(s.items)) checkApi(s.items, `${path}.items`, ctx, nested);

  if (s['x-kubernetes-preserve-unknown-fields'] === false) {
    out.push(fieldError('FieldValueInvalid', `${path}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'));
  }
  if (s['x-kubernetes-int-or-string'] && s.type) out.push(invalid(`${path}.type`, s.type, 'must be empty if x-kubernetes-int-or-string is true'));
  checkListAndMapType(s, path, ctx);
  checkRules(s, s, path, ctx, where.isRoot);
  (s.allOf ?? []).forEach((sub, i) => checkRules(sub, s, `${path}.allOf[${i}]`, ctx, where.isRoot));
  checkMapListKeysMapSet(s, path, ctx);
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

/** Defaults of the spine (ValidateDefaults), not below additionalProperties. */
function checkDefaults(s: JSONSchemaProps, path: string, ctx: Ctx): void {
  if (s.default !== undefined) checkDefault(s, path, ctx);
  if (s.items) checkDefaults(s.items, `${path}.items`, ctx);
  for (const [name, sub] of Object.entries(s.properties ?? {})) checkDefaults(sub, `${path}.properties[${name}]`, ctx);
}

/** Required when the type is empty, Invalid otherwise, as kube-apiserver words type prerequisites. */
function typeMustBe(s: JSONSchemaProps, path: string, detail: string): StatusCause {
  return s.type ? invalid(`${path}.type`, s.type, detail) : required(`${path}.type`, detail);
}

/** Go `%#v` of a []string. */
const goStrings = (list: string[]) => `[]string{${list.map(goQuote).join(', ')}}`;

function checkListAndMapType(s: JSONSchemaProps, path: string, ctx: Ctx): void {
  const out = ctx.api;
  const mapType = s['x-kubernetes-map-type'];
  const listType = s['x-kubernetes-list-type'];
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  if (mapType !== undefined && s.type !== 'object') out.push(typeMustBe(s, path, 'must be object if x-kubernetes-map-type is specified'));
  if (mapType !== undefined && mapType !== 'atomic' && mapType !== 'granular') out.push(notSupported(`${path}.x-kubernetes-map-type`, mapType, ['atomic', 'granular']));
  if (listType !== undefined && s.type !== 'array') {
    out.push(typeMustBe(s, path, 'must be array if x-kubernetes-list-type is specified'));
  } else if (listType === 'set' && s.items) {
    const items = s.items;
    if (items.type === 'array' && items['x-kubernetes-list-type'] !== undefined && items['x-kubernetes-list-type'] !== 'atomic') {
      out.push(invalid(`${path}.items.x-kubernetes-list-type`, items['x-kubernetes-list-type'], 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    }
    if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
      // kube-apiserver prints the items' list type as the bad value here, which objects do not have.
      out.push(invalid(`${path}.items.x-kubernetes-map-type`, items['x-kubernetes-list-type'] ?? null, 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    }
  }
  if (listType !== undefined && !['atomic', 'set', 'map'].includes(listType)) out.push(notSupported(`${path}.x-kubernetes-list-type`, listType, ['atomic', 'set', 'map']));
  if (keys.length) {
    if (listType === undefined) out.push(required(`${path}.x-kubernetes-list-type`, 'must be map if x-kubernetes-list-map-keys is non-empty'));
    else if (listType !== 'map') out.push(invalid(`${path}.x-kubernetes-list-type`, listType, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  }
  if (listType !== 'map') return;
  if (!keys.length) out.push(required(`${path}.x-kubernetes-list-map-keys`, 'must not be empty if x-kubernetes-list-type is map'));
  const items = s.items;
  if (!items) {
    out.push(required(`${path}.items`, 'must have a schema if x-kubernetes-list-type is map'));
    return;
  }
  if (items.type !== 'object') {
    out.push(invalid(`${path}.items.type`, items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
    return;
  }
  const seen = new Set<string>();
  for (const k of keys) {
    const keySchema = items.properties?.[k];
    if (!keySchema) {
      out.push(invalidRaw(`${path}.x-kubernetes-list-map-keys`, goStrings(keys), 'entries must all be names of item properties'));
    } else if (keySchema.type === 'array' || keySchema.type === 'object') {
      out.push(invalid(`${path}.items.properties[${k}].type`, items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
    }
    if (seen.has(k)) out.push(invalidRaw(`${path}.x-kubernetes-list-map-keys`, goStrings(keys), 'must not contain duplicate entries'));
    seen.add(k);
  }
}

/** Items of set/map lists must not be nullable, map keys must be required or defaulted (validateMapListKeysMapSet). */
function checkMapListKeysMapSet(s: JSONSchemaProps, path: string, ctx: Ctx): void {
  const listType = s['x-kubernetes-list-type'];
  const items = s.items;
  if (!items || (listType !== 'set' && listType !== 'map')) return;
  if (items.nullable) ctx.api.push(forbidden(`${path}.items.nullable`, `cannot be nullable when x-kubernetes-list-type is ${listType}`));
  if (listType !== 'map') return;
  for (const k of s['x-kubernetes-list-map-keys'] ?? []) {
    const prop = items.properties?.[k];
    if (!prop) continue;
    if (!(items.required ?? []).includes(k) && prop.default === undefined) {
      ctx.api.push(required(`${path}.items.properties[${k}].default`, 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
    }
    if (prop.nullable) ctx.api.push(forbidden(`${path}.items.properties[${k}].nullable`, 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
  }
}

function checkDefault(s: JSONSchemaProps, path: string, ctx: Ctx): void {
  const field = `${path}.default`;
  const copy = JSON.parse(JSON.stringify(s.default)) as unknown;
  const pruned: string[] = [];
  pruneValue(copy, s, '', !!s['x-kubernetes-embedded-resource'], pruned);
  if (pruned.length) ctx.late.push(invalid(field, s.default, 'must not have unknown fields'));
  const causes: StatusCause[] = [];
  validateOpenAPI(s, s.default, '', causes);
  for (const c of causes) ctx.late.push({ ...c, field: c.field === '<nil>' || c.field === '' ? field : `${field}.${c.field}` });
}

/** Rule texts and messages, then compilation (in ValidateCustomResourceDefinitionOpenAPISchema). */
function checkRules(s: JSONSchemaProps, node: JSONSchemaProps, path: string, ctx: Ctx, isRoot: boolean): void {
  const out = ctx.api;
  const rules = s['x-kubernetes-validations'] ?? [];
  rules.forEach((rule, i) => {
    const at = `${path}.x-kubernetes-validations[${i}]`;
    const trimmedRule = (rule.rule ?? '').trim();
    const trimmedMsg = (rule.message ?? '').trim();
    if (!trimmedRule) out.push(required(`${at}.rule`, 'rule is not specified'));
    else if (rule.message && !trimmedMsg) out.push(invalid(`${at}.message`, rule.message, 'message must be non-empty if specified'));
    else if (/[\n\r]/.test(trimmedMsg)) out.push(invalid(`${at}.message`, rule.message, 'message must not contain line breaks'));
    else if (/[\n\r]/.test(trimmedRule) && !trimmedMsg) out.push(required(`${at}.message`, 'message must be specified if rule contains line breaks'));
  });
  rules.forEach((rule, i) => {
    const at = `${path}.x-kubernetes-validations[${i}]`;
    if (!(rule.rule ?? '').trim()) return;
    const { errors } = compileRule(rule, node, isRoot);
    for (const e of errors) {
      if (e.property === 'rule') out.push(invalidRaw(`${at}.rule`, ruleValue(rule), e.detail));
      else out.push(invalidRaw(`${at}.messageExpression`, ruleValue(rule), e.detail));
    }
    if (rule.fieldPath && !applyFieldPath('', rule.fieldPath, node)) out.push(invalid(`${at}.fieldPath`, rule.fieldPath, 'fieldPath must be a valid path'));
    if (rule.reason !== undefined && !ruleReasons.includes(rule.reason)) out.push(notSupported(`${at}.reason`, rule.reason, ruleReasons));
  });
}
