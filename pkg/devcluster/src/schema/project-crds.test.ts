import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { checkCrdSchema, compileSchema, type CompiledSchema, type JSONSchemaProps } from './index';

/** The kubeflash CRDs and example fleet: what devcluster must accept exactly like a real API server. */
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const crdDir = `${repo}charts/kubeflash/crds`;

interface Crd {
  spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: JSONSchemaProps } }[] };
}

const crds = readdirSync(crdDir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => [f, yaml.load(readFileSync(`${crdDir}/${f}`, 'utf8')) as Crd] as const);

const schemas = new Map<string, CompiledSchema>();
for (const [, crd] of crds) {
  for (const v of crd.spec.versions) schemas.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, compileSchema(v.schema.openAPIV3Schema));
}

type Doc = { apiVersion: string; kind: string; metadata: { name: string }; spec?: Record<string, unknown> };
const examples = (yaml.loadAll(readFileSync(`${repo}examples/fleet.yaml`, 'utf8')) as Doc[]).filter((d) => d && schemas.has(`${d.apiVersion}/${d.kind}`));

describe('the kubeflash CRDs', () => {
  test.each(crds)('%s has an acceptable schema', (_file, crd) => {
    crd.spec.versions.forEach((v, i) => {
      expect(checkCrdSchema(v.schema.openAPIV3Schema, `spec.versions[${i}].schema.openAPIV3Schema`)).toEqual([]);
    });
  });

  test('the example fleet has custom resources to check', () => {
    expect(examples.length).toBeGreaterThan(3);
  });

  test.each(examples.map((d) => [`${d.kind} ${d.metadata.name}`, d] as const))('example %s is pruned of nothing and valid', (_name, doc) => {
    const schema = schemas.get(`${doc.apiVersion}/${doc.kind}`) as CompiledSchema;
    const { object, unknownFields } = schema.prune(doc);
    expect(unknownFields).toEqual([]);
    expect(schema.validate(schema.applyDefaults(object))).toEqual([]);
  });

  test('an example with an unknown spec field is reported for strict decoding', () => {
    const doc = examples[0];
    const schema = schemas.get(`${doc.apiVersion}/${doc.kind}`) as CompiledSchema;
    expect(schema.prune({ ...doc, spec: { ...doc.spec, bogus: true } }).unknownFields).toEqual(['spec.bogus']);
  });
});
