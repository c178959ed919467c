import Ajv, { type ValidateFunction } from 'ajv';
import { run, type CelInput } from '@bufbuild/cel';
import type { KindDefinition } from './v1alpha1/common';
import { objectSchema } from './crd';
import type { StructuralSchema } from './structural';

/** One reason an object does not fit its kind's schema. */
export interface SchemaViolation {
  /** Field path such as `spec.strategy.waves[1]` (empty for the whole object). */
  path: string;
  message: string;
}

const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;

function newAjv(): Ajv {
  // strict: false makes ajv ignore the x-kubernetes-* keywords it does not know.
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('date-time', DATE_TIME);
  ajv.addFormat('int32', true);
  ajv.addFormat('int64', true);
  return ajv;
}

function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

/** JSON value -> CEL input: schema integers as int (bigint), objects and maps as CEL maps. */
function toCel(value: unknown, schema: StructuralSchema | undefined): unknown {
  if (typeof value === 'number') {
    return Number.isInteger(value) && schema?.type !== 'number' ? BigInt(value) : value;
  }
  if (Array.isArray(value)) return value.map((v) => toCel(v, schema?.items));
  if (value !== null && typeof value === 'object') {
    return new Map(
      Object.entries(value).map(([k, v]) => [k, toCel(v, schema?.properties?.[k] ?? schema?.additionalProperties)]),
    );
  }
  return value;
}

/** Evaluates every x-kubernetes-validations rule at every value the schema reaches. */
function celViolations(value: unknown, schema: StructuralSchema, path: string, out: SchemaViolation[]): void {
  if (value === undefined || value === null) return;
  for (const { rule, message } of schema['x-kubernetes-validations'] ?? []) {
    let result: unknown;
    try {
      result = run(rule, { self: toCel(value, schema) as CelInput });
    } catch (error) {
      result = error;
    }
    if (result !== true) {
      const detail = result === false ? message ?? `failed rule: ${rule}` : `rule ${rule} could not be evaluated: ${String(result)}`;
      out.push({ path, message: detail });
    }
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => celViolations(item, schema.items as StructuralSchema, `${path}[${i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const childSchema = schema.properties?.[key] ?? schema.additionalProperties;
      if (childSchema) celViolations(child, childSchema, path ? `${path}.${key}` : key, out);
    }
  }
}

/** Checks objects of one kind against its generated CRD schema, offline. */
export interface KindValidator {
  (object: unknown): SchemaViolation[];
}

/**
 * Builds an offline validator for one kind: the OpenAPI keywords of the generated CRD schema (ajv)
 * and its CEL rules (@bufbuild/cel). It does not apply defaults, prune unknown fields or check
 * anything across objects; an empty result means the API server would accept the object's shape.
 */
export function validatorFor(def: KindDefinition): KindValidator {
  const schema = objectSchema(def);
  const check: ValidateFunction = newAjv().compile(schema);
  return (object) => {
    const violations: SchemaViolation[] = [];
    if (!check(object)) {
      for (const e of check.errors ?? []) violations.push({ path: pointerToPath(e.instancePath), message: e.message ?? e.keyword });
      return violations;
    }
    celViolations(object, schema, '', violations);
    return violations;
  };
}
