/**
 * OpenAPI v3 value validation the way k8s.io/kube-openapi's SchemaValidator does it for CRDs,
 * with its errors converted to causes as apiextensions-apiserver's kubeOpenAPIResultToFieldErrors
 * does. Property paths join with '.', list items use `[i]`, map entries `.key`; the path doubles
 * as the field of the cause and the subject of the message (`spec.x in body ...`).
 */
import type { StatusCause } from '../errors';
import {
  NIL_FIELD,
  fieldError,
  goNumber,
  goQuote,
  invalid,
  notSupported,
  required,
  tooLong,
  tooMany,
  typeInvalid,
} from './field-errors';
import { violatesFormat } from './formats';
import { deepEqual, isObject, jsonKind, runeCount } from './json';
import type { JSONSchemaProps } from './types';

/** Old value at the same place (update only), for validation ratcheting. */
type Old = { value: unknown } | undefined;

const childPath = (path: string, name: string) => (path ? `${path}.${name}` : name);
const fieldOf = (path: string) => path || NIL_FIELD;

const regexCache = new Map<string, RegExp | null>();

/** Compiles an ECMA-262 pattern in Unicode mode; null when it does not compile. */
export function compilePattern(pattern: string): RegExp | null {
  if (!regexCache.has(pattern)) {
    let re: RegExp | null;
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      try {
        re = new RegExp(pattern);
      } catch {
        re = null;
      }
    }
    regexCache.set(pattern, re);
  }
  return regexCache.get(pattern) ?? null;
}

/** Errors that are not kube-openapi `Validation` errors land on the nil path with an empty value. */
const composite = (message: string): StatusCause => invalid(NIL_FIELD, '', message);

function allowedTypes(s: JSONSchemaProps): string[] {
  if (s['x-kubernetes-int-or-string']) return ['integer', 'string'];
  return s.type ? [s.type] : [];
}

/**
 * Validates `value` against `schema`, appending causes to `out`. With `old` (update), a value
 * equal to its old counterpart is not validated again (CRD validation ratcheting).
 */
export function validateOpenAPI(schema: JSONSchemaProps, value: unknown, path: string, out: StatusCause[], old?: Old): void {
  if (old && deepEqual(value, old.value)) return;
  const name = path;
  const types = allowedTypes(schema);

  if (value === null || value === undefined) {
    if (types.length && !schema.nullable) {
      out.push(typeInvalid(fieldOf(path), 'null', `${name} in body must be of type ${types.join(',')}: "null"`));
    }
    // kube-openapi never matches null against an enum, whatever `nullable` says.
    if (schema.enum) out.push(notSupported(fieldOf(path), null, schema.enum));
    return;
  }

  const kind = jsonKind(value);
  const typeOk = types.length === 0 || types.includes(kind) || (kind === 'integer' && types.includes('number'));
  if (!typeOk) out.push(typeInvalid(fieldOf(path), kind, `${name} in body must be of type ${types.join(',')}: ${goQuote(kind)}`));

  validateComposition(schema, value, path, out);

  if (typeof value === 'string') {
    validateString(schema, value, path, out);
    if (schema.format && violatesFormat(schema.format, value)) {
      out.push(typeInvalid(fieldOf(path), value, `${name} in body must be of type ${schema.format}: ${goQuote(value)}`));
    }
  }
  if (typeof value === 'number' || typeof value === 'bigint') validateNumber(schema, Number(value), path, out);
  if (Array.isArray(value)) validateArray(schema, value, path, out, old);
  if (schema.enum && !schema.enum.some((e) => deepEqual(e, value))) out.push(notSupported(fieldOf(path), value, schema.enum));
  if (isObject(value)) validateObject(schema, value, path, out, old);
}

/** anyOf, oneOf, allOf and not, in kube-openapi's order (schemaPropsValidator). */
function validateComposition(schema: JSONSchemaProps, value: unknown, path: string, out: StatusCause[]): void {
  const quoted = goQuote(path);
  const run = (sub: JSONSchemaProps) => {
    const errs: StatusCause[] = [];
    validateOpenAPI(sub, value, path, errs);
    return errs;
  };
  if (schema.anyOf?.length) {
    let best: StatusCause[] | undefined;
    for (const sub of schema.anyOf) {
      const errs = run(sub);
      if (!errs.length) {
        best = undefined;
        break;
      }
      if (!best || errs.length < best.length) best = errs;
    }
    if (best) out.push(composite(`${quoted} must validate at least one schema (anyOf)`), ...best);
  }
  if (schema.oneOf?.length) {
    let valid = 0;
    let best: StatusCause[] | undefined;
    for (const sub of schema.oneOf) {
      const errs = run(sub);
      if (!errs.length) valid++;
      else if (valid === 0 && (!best || errs.length < best.length)) best = errs;
    }
    if (valid !== 1) {
      const detail = valid === 0 ? 'Found none valid' : `Found ${valid} valid alternatives`;
      out.push(composite(`${quoted} must validate one and only one schema (oneOf). ${detail}`), ...(valid === 0 ? (best ?? []) : []));
    }
  }
  if (schema.allOf?.length) {
    let validated = 0;
    for (const sub of schema.allOf) {
      const errs = run(sub);
      if (!errs.length) validated++;
      out.push(...errs);
    }
    if (validated !== schema.allOf.length) {
      out.push(composite(`${quoted} must validate all the schemas (allOf)${validated === 0 ? '. None validated' : ''}`));
    }
  }
  if (schema.not && !run(schema.not).length) out.push(composite(`${quoted} must not validate the schema (not)`));
}

function validateString(schema: JSONSchemaProps, value: string, path: string, out: StatusCause[]): void {
  const field = fieldOf(path);
  if (schema.maxLength !== undefined && runeCount(value) > schema.maxLength) {
    out.push(tooLong(field, schema.maxLength));
    return;
  }
  if (schema.minLength !== undefined && runeCount(value) < schema.minLength) {
    out.push(invalid(field, value, `${path} in body should be at least ${schema.minLength} chars long`));
    return;
  }
  if (schema.pattern !== undefined) {
    const re = compilePattern(schema.pattern);
    if (re && !re.test(value)) out.push(invalid(field, value, `${path} in body should match '${schema.pattern}'`));
  }
}

/** Whether a number fits the range of an int32/uint32/float32 format (kube-openapi IsValueValidAgainstRange). */
function fitsFormat(value: number, type: string | undefined, format: string | undefined): boolean {
  if (type === 'integer' && format === 'int32') return value >= -2147483648 && value <= 2147483647;
  if (type === 'integer' && format === 'uint32') return value >= 0 && value <= 4294967295;
  if (type === 'number' && (format === 'float' || format === 'float32')) return Math.abs(value) <= 3.4028234663852886e38;
  return true;
}

function validateNumber(schema: JSONSchemaProps, value: number, path: string, out: StatusCause[]): void {
  const field = fieldOf(path);
  if (!fitsFormat(value, schema.type, schema.format)) {
    out.push(invalid(NIL_FIELD, '', `Checked value must be of type ${schema.type} with format ${schema.format} in ${path}`));
  }
  if (schema.multipleOf !== undefined && schema.multipleOf !== 0) {
    const q = value / schema.multipleOf;
    if (Math.abs(q - Math.round(q)) > 1e-9) {
      out.push(invalid(field, value, `${path} in body should be a multiple of ${goNumber(schema.multipleOf)}`));
    }
  }
  if (schema.minimum !== undefined) {
    const min = schema.minimum;
    if (schema.exclusiveMinimum ? value <= min : value < min) {
      const rel = schema.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
      out.push(invalid(field, value, `${path} in body should be ${rel} ${goNumber(min)}`));
    }
  }
  if (schema.maximum !== undefined) {
    const max = schema.maximum;
    if (schema.exclusiveMaximum ? value >= max : value > max) {
      const rel = schema.exclusiveMaximum ? 'less than' : 'less than or equal to';
      out.push(invalid(field, value, `${path} in body should be ${rel} ${goNumber(max)}`));
    }
  }
}

/** Old list item correlated with a new one: list-type map items by their keys, others not at all. */
function correlateItem(schema: JSONSchemaProps, item: unknown, old: Old): Old {
  if (!old || !Array.isArray(old.value) || schema['x-kubernetes-list-type'] !== 'map' || !isObject(item)) return undefined;
  const keys = schema['x-kubernetes-list-map-keys'] ?? [];
  const match = old.value.find((o) => isObject(o) && keys.every((k) => deepEqual(o[k], item[k])));
  return match === undefined ? undefined : { value: match };
}

function validateArray(schema: JSONSchemaProps, value: unknown[], path: string, out: StatusCause[], old: Old): void {
  const field = fieldOf(path);
  if (schema.items) {
    value.forEach((item, i) => validateOpenAPI(schema.items as JSONSchemaProps, item, `${path}[${i}]`, out, correlateItem(schema, item, old)));
  }
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    out.push(invalid(field, value.length, `${path} in body should have at least ${schema.minItems} items`));
  }
  if (schema.maxItems !== undefined && value.length > schema.maxItems) out.push(tooMany(field, value.length, schema.maxItems));
  if (schema.uniqueItems && value.some((v, i) => value.findIndex((w) => deepEqual(v, w)) !== i)) {
    out.push(invalid(field, '', `${path} in body shouldn't contain duplicates`));
  }
}

function validateObject(schema: JSONSchemaProps, value: Record<string, unknown>, path: string, out: StatusCause[], old: Old): void {
  const field = fieldOf(path);
  const keys = Object.keys(value);
  if (schema.minProperties !== undefined && keys.length < schema.minProperties) {
    out.push(invalid(field, keys.length, `${path} in body should have at least ${schema.minProperties} properties`));
  }
  if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) out.push(tooMany(field, keys.length, schema.maxProperties));

  const oldObj = old && isObject(old.value) ? old.value : undefined;
  const oldAt = (k: string): Old => (oldObj && Object.prototype.hasOwnProperty.call(oldObj, k) ? { value: oldObj[k] } : undefined);
  const props = schema.properties ?? {};
  const additional = schema.additionalProperties;
  if (isObject(additional)) {
    for (const k of keys) {
      if (!Object.prototype.hasOwnProperty.call(props, k)) {
        validateOpenAPI(additional as JSONSchemaProps, value[k], childPath(path, k), out, oldAt(k));
      }
    }
  } else if (additional === false) {
    for (const k of keys) {
      if (!Object.prototype.hasOwnProperty.call(props, k)) {
        out.push(fieldError('FieldValueForbidden', fieldOf(path), '', `${childPath(path, k)} in body is a forbidden property`));
      }
    }
  }
  for (const [k, sub] of Object.entries(props)) {
    if (Object.prototype.hasOwnProperty.call(value, k)) validateOpenAPI(sub, value[k], childPath(path, k), out, oldAt(k));
  }
  for (const k of schema.required ?? []) {
    if (!Object.prototype.hasOwnProperty.call(value, k)) out.push(required(childPath(path, k)));
  }
}

/** Cause types that make kube-apiserver skip CEL rules (hasBlockingErr in the CR strategy). */
const blocking = new Set(['FieldValueNotSupported', 'FieldValueRequired', 'FieldValueTooLong', 'FieldValueTooMany', 'FieldValueTypeInvalid']);

export function hasBlockingError(causes: StatusCause[]): boolean {
  return causes.some((c) => blocking.has(c.reason));
}

/** The cause kube-apiserver adds when CEL rules were skipped because of blocking errors. */
export const celSkippedCause = (): StatusCause =>
  fieldError(
    'FieldValueInvalid',
    NIL_FIELD,
    null,
    'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
  );
