import { Type } from '@sinclair/typebox';
import { parse } from '@bufbuild/cel';
import { checkCrdSchema, type JSONSchemaProps } from '@kubeflash/devcluster/schema';
import { crdFor, objectSchema } from './crd';
import { NonStructuralSchemaError, toStructural, type StructuralSchema } from './structural';
import { KIND_DEFINITIONS, type KindDefinition } from '../v1alpha1/index';

/** Keywords a node of a kubeflash structural schema may carry. */
const ALLOWED_KEYWORDS = new Set([
  'type', 'description', 'format', 'enum', 'default', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum',
  'minItems', 'maxItems', 'minProperties', 'maxProperties', 'properties', 'additionalProperties', 'items', 'required',
  'anyOf', 'x-kubernetes-int-or-string', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type', 'x-kubernetes-validations',
]);
/** Standard CEL functions and macros the rules may use (no Kubernetes-only libraries). */
const STANDARD_CEL = new Set(['size', 'has', 'all', 'exists', 'exists_one', 'matches', 'startsWith', 'endsWith', 'contains', 'int', 'string']);
/** Short names of core resources and widely installed CRDs that kubeflash must not shadow. */
const TAKEN_SHORT_NAMES = new Set([
  'po', 'svc', 'deploy', 'ds', 'sts', 'rs', 'rc', 'cm', 'ns', 'no', 'pv', 'pvc', 'sa', 'ep', 'ev', 'ing', 'netpol', 'pdb',
  'hpa', 'cj', 'crd', 'crds', 'csr', 'limits', 'quota', 'pc', 'sc', 'ro', 'rollout', 'cert', 'certs', 'dc', 'dev', 'fw',
]);

interface Visit {
  node: StructuralSchema;
  path: string;
}

function walk(node: StructuralSchema, path: string, out: Visit[] = []): Visit[] {
  out.push({ node, path });
  for (const [name, child] of Object.entries(node.properties ?? {})) walk(child, `${path}.${name}`, out);
  if (node.items) walk(node.items, `${path}[]`, out);
  if (node.additionalProperties) walk(node.additionalProperties, `${path}{}`, out);
  return out;
}

const schemas = KIND_DEFINITIONS.map((def) => [def.names.kind, objectSchema(def)] as const);

describe.each(schemas)('%s CRD schema is structural', (_kind, schema) => {
  const nodes = walk(schema, '');

  it('gives every node a type, except int-or-string nodes', () => {
    const untyped = nodes.filter(({ node }) => !node.type && !node['x-kubernetes-int-or-string']).map((v) => v.path);
    expect(untyped).toEqual([]);
  });

  it('uses only structural keywords, anyOf only for int-or-string, and maps never with properties', () => {
    const problems: string[] = [];
    for (const { node, path } of nodes) {
      for (const key of Object.keys(node)) if (!ALLOWED_KEYWORDS.has(key)) problems.push(`${path}: ${key}`);
      if (node.anyOf && !node['x-kubernetes-int-or-string']) problems.push(`${path}: anyOf`);
      for (const branch of node.anyOf ?? []) if (Object.keys(branch).join() !== 'type') problems.push(`${path}: anyOf branch`);
      if (node.properties && node.additionalProperties) problems.push(`${path}: properties + additionalProperties`);
      for (const name of node.required ?? []) if (!node.properties?.[name]) problems.push(`${path}: required ${name}?`);
    }
    expect(problems).toEqual([]);
  });

  it('keys list-maps on required or defaulted scalar fields', () => {
    const problems: string[] = [];
    for (const { node, path } of nodes.filter((v) => v.node['x-kubernetes-list-type'] === 'map')) {
      for (const key of node['x-kubernetes-list-map-keys'] ?? []) {
        const field = node.items?.properties?.[key];
        const required = node.items?.required?.includes(key) || field?.default !== undefined;
        if (!field || field.type === 'object' || field.type === 'array' || !required) problems.push(`${path}: ${key}`);
      }
      if ((node['x-kubernetes-list-map-keys'] ?? []).length === 0) problems.push(`${path}: no keys`);
    }
    expect(problems).toEqual([]);
  });

  it("passes the API server's CRD schema checks, defaults validated against their own schema included", () => {
    expect(checkCrdSchema(schema as JSONSchemaProps)).toEqual([]);
  });

  it('has a list-map of conditions keyed by type in status', () => {
    const conditions = schema.properties?.status?.properties?.conditions;
    expect(conditions?.['x-kubernetes-list-type']).toBe('map');
    expect(conditions?.['x-kubernetes-list-map-keys']).toEqual(['type']);
    expect(conditions?.items?.required).toEqual(['type', 'status', 'lastTransitionTime', 'reason', 'message']);
  });

  it('writes CEL rules that parse and call only standard CEL functions', () => {
    const problems: string[] = [];
    for (const { node, path } of nodes) {
      for (const { rule, message } of node['x-kubernetes-validations'] ?? []) {
        expect(message).toBeTruthy();
        expect(() => parse(rule)).not.toThrow();
        for (const [, name] of rule.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) {
          if (!STANDARD_CEL.has(name)) problems.push(`${path}: ${name}() in ${rule}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

/** Resolves a printer column JSONPath (`.a.b[?(@.x=="y")].c`) to the schema node it reads. */
function resolveJsonPath(root: StructuralSchema, jsonPath: string): StructuralSchema | undefined {
  const steps = jsonPath.replace(/\[\?\([^)]*\)\]/g, '[]').split('.').slice(1);
  let node: StructuralSchema | undefined = root;
  for (const step of steps) {
    const [name, ...rest] = step.split('[');
    if (name === 'metadata' && node === root) return { type: 'object' };
    node = node?.properties?.[name];
    if (rest.length > 0) node = node?.items;
  }
  return node;
}

describe.each(KIND_DEFINITIONS.map((d) => [d.names.kind, d] as const))('%s CRD', (_kind, def: KindDefinition) => {
  const crd = crdFor(def);
  const version = crd.spec.versions[0];

  it('is namespaced, in category kubeflash, with one served and stored version and a status subresource', () => {
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names.categories).toEqual(['kubeflash']);
    expect(crd.spec.versions).toHaveLength(1);
    expect(version).toMatchObject({ name: 'v1alpha1', served: true, storage: true, subresources: { status: {} } });
  });

  it('has printer columns whose JSONPaths point into the schema with a matching type', () => {
    const problems: string[] = [];
    for (const column of version.additionalPrinterColumns) {
      if (column.jsonPath === '.metadata.creationTimestamp') continue;
      const target = resolveJsonPath(version.schema.openAPIV3Schema, column.jsonPath);
      const expected = column.type === 'date' ? 'string' : column.type;
      if (!target || target.type !== expected) problems.push(`${column.name}: ${column.jsonPath}`);
      if (column.type === 'date' && target?.format !== 'date-time') problems.push(`${column.name}: not a date-time`);
    }
    expect(problems).toEqual([]);
    expect(version.additionalPrinterColumns.at(-1)?.name).toBe('Age');
  });

  it('has short names that are unique and shadow no common resource', () => {
    const all = KIND_DEFINITIONS.flatMap((d) => d.names.shortNames);
    for (const name of def.names.shortNames) {
      expect(all.filter((n) => n === name)).toHaveLength(1);
      expect(TAKEN_SHORT_NAMES.has(name)).toBe(false);
      expect(name).toMatch(/^[a-z]{2,6}$/);
    }
  });
});

describe('toStructural', () => {
  it('turns string-keyed records into additionalProperties and literal unions into enums', () => {
    const out = toStructural(
      Type.Object({
        m: Type.Record(Type.String(), Type.Integer()),
        e: Type.Union([Type.Literal('a'), Type.Literal('b')], { default: 'a' }),
      }),
    );
    expect(out.properties?.m).toEqual({ type: 'object', additionalProperties: { type: 'integer' } });
    expect(out.properties?.e).toEqual({ type: 'string', enum: ['a', 'b'], default: 'a' });
  });

  it.each([
    ['an untyped node', Type.Object({ x: Type.Any() }), '.x: node has no type'],
    ['a reference', Type.Object({ x: Type.Ref('Other') }), '.x: keyword $ref has no structural form'],
    ['a closed object', Type.Object({}, { additionalProperties: false }), 'keyword additionalProperties'],
    ['a union of objects', Type.Union([Type.Object({}), Type.Object({ a: Type.String() })]), 'anyOf is only supported'],
  ])('rejects %s', (_name, schema, message) => {
    expect(() => toStructural(schema)).toThrow(NonStructuralSchemaError);
    expect(() => toStructural(schema)).toThrow(message);
  });
});
