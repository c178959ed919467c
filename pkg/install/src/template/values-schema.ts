// Reading the chart's values schema (TypeBox, i.e. JSON Schema): the kind at a path (for the template writer),
// the defaults (values.yaml, `kubeflash manifests`), validation of user values, and the list of every value
// with its description (the chart README).
import { dump } from 'js-yaml';
import type { TObject, TSchema } from '@sinclair/typebox';
import type { ValueKind } from './helm';
import type { Json } from './plain';

interface SchemaNode {
  type?: string | string[];
  description?: string;
  default?: Json;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  enum?: Json[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  uniqueItems?: boolean;
  required?: string[];
  const?: Json;
  /** A value that must match `then` whenever it matches `if` (conditional requirements, e.g. a bucket once S3 is on). */
  if?: SchemaNode;
  then?: SchemaNode;
}

const asNode = (schema: TSchema): SchemaNode => schema as unknown as SchemaNode;

/** Thrown when values do not match the schema; names the path and why. */
export class InvalidValuesError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid values:\n  ${problems.join('\n  ')}`);
    this.name = 'InvalidValuesError';
  }
}

/** The schema node at a dotted path, or undefined. */
function nodeAt(schema: TSchema, path: string): SchemaNode | undefined {
  let node: SchemaNode | undefined = asNode(schema);
  for (const part of path.split('.')) node = node?.properties?.[part];
  return node;
}

/** The kind of value a path holds; throws for a path the schema does not declare. */
export function valueKind(schema: TSchema, path: string): ValueKind {
  const node = nodeAt(schema, path);
  const type = Array.isArray(node?.type) ? node?.type[0] : node?.type;
  if (!node || !type) throw new Error(`the values schema declares nothing at ${path}`);
  return type as ValueKind;
}

/** The defaults of every value: each property's `default`, or the defaults of its properties. */
export function defaultValues(schema: TSchema): { [key: string]: Json } {
  const build = (node: SchemaNode): Json | undefined => {
    if (node.default !== undefined) return JSON.parse(JSON.stringify(node.default)) as Json;
    if (node.properties) {
      const out: { [key: string]: Json } = {};
      for (const [k, child] of Object.entries(node.properties)) {
        const value = build(child);
        if (value !== undefined) out[k] = value;
      }
      return out;
    }
    return undefined;
  };
  return (build(asNode(schema)) ?? {}) as { [key: string]: Json };
}

const isMap = (v: unknown): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep-merges `override` into `base` (maps merge, everything else replaces), like Helm's values files. */
export function mergeValues(base: { [key: string]: Json }, override: { [key: string]: Json }): { [key: string]: Json } {
  const out: { [key: string]: Json } = { ...base };
  for (const [k, v] of Object.entries(override)) {
    out[k] = isMap(v) && isMap(out[k]) ? mergeValues(out[k] as { [key: string]: Json }, v) : v;
  }
  return out;
}

function typeMatches(type: string, value: Json): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isMap(value);
    case 'null':
      return value === null;
    default:
      return false;
  }
}

/** Problems of `values` against the schema (the subset of JSON Schema the values schema uses), by path. */
export function valuesProblems(schema: TSchema, values: Json, path = ''): string[] {
  const node = asNode(schema);
  const here = path || '(root)';
  const types = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
  if (types.length > 0 && !types.some((t) => typeMatches(t, values))) return [`${here}: must be ${types.join(' or ')}, got ${JSON.stringify(values)}`];
  const problems: string[] = [];
  if (node.const !== undefined && JSON.stringify(node.const) !== JSON.stringify(values)) problems.push(`${here}: must be ${JSON.stringify(node.const)}, got ${JSON.stringify(values)}`);
  if (node.if && node.then && valuesProblems(node.if as unknown as TSchema, values, path).length === 0) {
    problems.push(...valuesProblems(node.then as unknown as TSchema, values, path));
  }
  if (node.enum && !node.enum.some((e) => JSON.stringify(e) === JSON.stringify(values))) {
    problems.push(`${here}: must be one of ${node.enum.map((e) => JSON.stringify(e)).join(', ')}, got ${JSON.stringify(values)}`);
  }
  if (typeof values === 'string') {
    if (node.pattern && !new RegExp(node.pattern, 'u').test(values)) problems.push(`${here}: ${JSON.stringify(values)} does not match ${node.pattern}`);
    if (node.minLength !== undefined && values.length < node.minLength) problems.push(`${here}: must have at least ${node.minLength} characters`);
  }
  if (typeof values === 'number') {
    if (node.minimum !== undefined && values < node.minimum) problems.push(`${here}: must be at least ${node.minimum}, got ${values}`);
    if (node.maximum !== undefined && values > node.maximum) problems.push(`${here}: must be at most ${node.maximum}, got ${values}`);
  }
  if (Array.isArray(values) && node.uniqueItems) {
    const seen = new Set<string>();
    for (const item of values) {
      const key = JSON.stringify(item);
      if (seen.has(key)) problems.push(`${here}: items must be unique, ${key} is there twice`);
      seen.add(key);
    }
  }
  if (Array.isArray(values) && node.items) {
    values.forEach((item, i) => problems.push(...valuesProblems(node.items as TSchema, item, `${path}[${i}]`)));
  }
  if (isMap(values)) {
    for (const [k, v] of Object.entries(values)) {
      const child = node.properties?.[k];
      const childPath = path ? `${path}.${k}` : k;
      if (child) problems.push(...valuesProblems(child as TSchema, v, childPath));
      else if (node.additionalProperties === false) problems.push(`${childPath}: not a value of this chart`);
      else if (isMap(node.additionalProperties)) problems.push(...valuesProblems(node.additionalProperties as TSchema, v, childPath));
    }
    for (const k of node.required ?? []) if (!(k in values)) problems.push(`${path ? `${path}.` : ''}${k}: required`);
  }
  return problems;
}

/** Throws InvalidValuesError unless `values` match the schema. */
export function checkValues(schema: TSchema, values: Json): void {
  const problems = valuesProblems(schema, values);
  if (problems.length > 0) throw new InvalidValuesError(problems);
}

/** One documented value: its path, type, default and description. */
export interface ValueDoc {
  path: string;
  type: string;
  default: Json | undefined;
  description: string;
}

/** Every leaf value of the schema (maps without declared properties count as leaves), in schema order. */
export function documentedValues(schema: TObject): ValueDoc[] {
  const out: ValueDoc[] = [];
  const walk = (node: SchemaNode, path: string): void => {
    if (node.properties && Object.keys(node.properties).length > 0) {
      for (const [k, child] of Object.entries(node.properties)) walk(child, path ? `${path}.${k}` : k);
      return;
    }
    const type = Array.isArray(node.type) ? node.type.join(' or ') : (node.type ?? 'any');
    out.push({ path, type: node.enum ? `${type} (${node.enum.map((e) => String(e)).join(', ')})` : type, default: node.default, description: node.description ?? '' });
  };
  walk(asNode(schema), '');
  return out;
}

/** values.yaml: every value at its default, each preceded by its description as a comment. */
export function valuesYaml(schema: TObject, header: string): string {
  const lines: string[] = header.split('\n').map((l) => `# ${l}`.trimEnd());
  const walk = (node: SchemaNode, indent: number): void => {
    const sp = ' '.repeat(indent);
    for (const [k, child] of Object.entries(node.properties ?? {})) {
      lines.push('');
      for (const d of (child.description ?? '').split('\n')) lines.push(`${sp}# ${d}`.trimEnd());
      if (child.properties && Object.keys(child.properties).length > 0) {
        lines.push(`${sp}${k}:`);
        walk(child, indent + 2);
        continue;
      }
      const value = child.default ?? null;
      const text = dump({ [k]: value }, { lineWidth: -1, quotingType: '"' }).trimEnd();
      for (const line of text.split('\n')) lines.push(`${sp}${line}`);
    }
  };
  walk(asNode(schema), 0);
  return `${lines.join('\n')}\n`;
}

/** values.schema.json: the schema as JSON (what Helm validates values against). */
export function valuesSchemaJson(schema: TObject): string {
  return `${JSON.stringify({ $schema: 'https://json-schema.org/draft-07/schema#', ...JSON.parse(JSON.stringify(schema)) }, null, 2)}\n`;
}
