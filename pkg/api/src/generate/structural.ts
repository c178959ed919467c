/** A CEL validation rule of a CRD schema node. */
export interface ValidationRule {
  rule: string;
  message?: string;
}

/**
 * A node of a structural apiextensions.k8s.io/v1 openAPIV3Schema: every node has a type (except
 * int-or-string nodes), maps use `additionalProperties` as a schema, and there are no references.
 */
export interface StructuralSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  format?: string;
  enum?: unknown[];
  default?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  properties?: Record<string, StructuralSchema>;
  additionalProperties?: StructuralSchema;
  items?: StructuralSchema;
  required?: string[];
  anyOf?: StructuralSchema[];
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-validations'?: ValidationRule[];
}

/** Thrown when a schema uses something a structural CRD schema cannot express. */
export class NonStructuralSchemaError extends Error {
  constructor(path: string, problem: string) {
    super(`${path || '<root>'}: ${problem}`);
    this.name = 'NonStructuralSchemaError';
  }
}

/** Keywords copied unchanged (TypeBox writes them exactly as OpenAPI v3 means them). */
const COPIED = [
  'type',
  'description',
  'format',
  'default',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
] as const;
/** Keywords handled by the structure walk below. */
const WALKED = new Set(['properties', 'required', 'items', 'anyOf', 'patternProperties', 'const']);
/** TypeBox bookkeeping that carries no meaning for the API server. */
const DROPPED = new Set(['$id', '$schema']);

type Json = Record<string, unknown>;

const clone = <T>(value: T): T => structuredClone(value);

/** An anyOf of string literals (TypeBox's Union of Literals) becomes an `enum`. */
function literalEnum(branches: Json[], path: string): { type: StructuralSchema['type']; values: unknown[] } | undefined {
  if (!branches.every((b) => 'const' in b)) return undefined;
  const types = new Set(branches.map((b) => b.type));
  if (types.size !== 1) throw new NonStructuralSchemaError(path, 'enum values of different types');
  return { type: branches[0].type as StructuralSchema['type'], values: branches.map((b) => b.const) };
}

/**
 * Converts a TypeBox (JSON Schema) node into a structural CRD schema node. Throws
 * NonStructuralSchemaError on anything that has no structural form, so mistakes surface at generation.
 */
export function toStructural(node: unknown, path = ''): StructuralSchema {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) {
    throw new NonStructuralSchemaError(path, 'schema node is not an object');
  }
  const source = node as Json;
  const out: Json = {};
  for (const key of Object.keys(source)) {
    if (DROPPED.has(key)) continue;
    if ((COPIED as readonly string[]).includes(key)) out[key] = clone(source[key]);
    else if (!WALKED.has(key)) throw new NonStructuralSchemaError(path, `keyword ${key} has no structural form`);
  }

  if (source.properties !== undefined) {
    const properties: Record<string, StructuralSchema> = {};
    for (const [name, child] of Object.entries(source.properties as Json)) {
      properties[name] = toStructural(child, `${path}.${name}`);
    }
    out.properties = properties;
    const required = source.required as string[] | undefined;
    if (required && required.length > 0) out.required = [...required];
  }

  if (source.patternProperties !== undefined) {
    const patterns = Object.entries(source.patternProperties as Json);
    if (patterns.length !== 1 || !['^(.*)$', '^.*$'].includes(patterns[0][0])) {
      throw new NonStructuralSchemaError(path, 'only maps with any string key are supported');
    }
    if (source.properties !== undefined) throw new NonStructuralSchemaError(path, 'properties and a map together');
    out.additionalProperties = toStructural(patterns[0][1], `${path}[*]`);
  }

  if (source.const !== undefined) out.enum = [clone(source.const)];

  if (source.items !== undefined) out.items = toStructural(source.items, `${path}[*]`);

  if (source.anyOf !== undefined) {
    const branches = source.anyOf as Json[];
    const literals = literalEnum(branches, path);
    if (literals) {
      out.type = literals.type;
      out.enum = literals.values;
    } else if (source['x-kubernetes-int-or-string'] === true) {
      out.anyOf = [{ type: 'integer' }, { type: 'string' }];
    } else {
      throw new NonStructuralSchemaError(path, 'anyOf is only supported for enums and int-or-string');
    }
  }

  if (out.type === undefined && out['x-kubernetes-int-or-string'] !== true) {
    throw new NonStructuralSchemaError(path, 'node has no type');
  }
  return out as StructuralSchema;
}
