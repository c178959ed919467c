/**
 * The recorded kube-apiserver corpus is kept exactly as recorded (SHA256SUMS), and the replay
 * runner's normalization and comparison follow its README.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstDifference } from './replay/compare';
import { CORPUS_DIR, loadCases } from './replay/corpus';
import { collectGeneratedNames, newNormalizeContext, normalize } from './replay/normalize';
import { applyTemplates, extract, mutate } from './replay/template';

describe('the kube-apiserver corpus', () => {
  test('SHA256SUMS lists every file with its hash', () => {
    const sums = readFileSync(join(CORPUS_DIR, 'SHA256SUMS'), 'utf8').trimEnd().split('\n');
    const listed = new Map(sums.map((line) => [line.slice(66).replace(/^\.\//, ''), line.slice(0, 64)]));
    const onDisk = ['README.md', ...['cases', 'crds'].flatMap((d) => readdirSync(join(CORPUS_DIR, d)).map((f) => `${d}/${f}`))].sort();
    expect([...listed.keys()].sort()).toEqual(onDisk);
    for (const file of onDisk) {
      const actual = createHash('sha256').update(readFileSync(join(CORPUS_DIR, file))).digest('hex');
      expect({ file, sha256: actual }).toEqual({ file, sha256: listed.get(file) });
    }
  });

  test('every case parses, has a unique id and a known category', () => {
    const cases = loadCases();
    expect(cases).toHaveLength(189);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    const categories = new Set(cases.map((c) => c.category));
    expect([...categories].sort()).toEqual(['core', 'crd-crud', 'crd-semantics', 'crd-validation', 'discovery', 'list', 'rbac', 'watch']);
  });
});

describe('replay normalization (README rules)', () => {
  const ctx = () => newNormalizeContext('kc-abc123', 'kc-abc123-b');

  test('special keys, namespaces, UUIDs and sorted keys', () => {
    const n = normalize(
      {
        metadata: { uid: '0b5e4d0c-1111-4222-8333-944455556666', resourceVersion: '42', creationTimestamp: '2026-01-01T00:00:00Z', namespace: 'kc-abc123-b', managedFields: [{ time: '2026-01-01T00:00:00Z', manager: 'm' }] },
        status: { token: 'secret-token', user: { uid: 'keep-me' } },
        list: { continue: 'abc', resourceVersion: '' },
        message: 'in kc-abc123: object 0b5e4d0c-1111-4222-8333-944455556666 too old resource version: 5 (77)',
      },
      ctx(),
    );
    expect(n).toEqual({
      list: { continue: '{{continue}}', resourceVersion: '' },
      message: 'in {{ns}}: object {{uid}} too old resource version: 5 ({{rv}})',
      metadata: { creationTimestamp: '{{ts}}', managedFields: [{ manager: 'm', time: '{{ts}}' }], namespace: '{{ns2}}', resourceVersion: '{{rv}}', uid: '{{uid}}' },
      status: { token: '{{token}}', user: { uid: 'keep-me' } },
    });
    expect(Object.keys(n as object)).toEqual(['list', 'message', 'metadata', 'status']);
  });

  test('generated names, quoted resourceVersions and timestamps inside text', () => {
    const c = ctx();
    collectGeneratedNames({ metadata: { generateName: 'dev-', name: 'dev-x7k2p' } }, c.generatedNames);
    c.sentGenerateNames.add('bad-');
    const text = 'dev-x7k2p {"resourceVersion":"12","creationTimestamp":"2026-01-01T00:00:00Z"} \\"resourceVersion\\":\\"13\\" bad-bcdfg! bad-bcdfgh';
    expect(normalize(text, c)).toBe('dev-{{gen}} {"resourceVersion":"{{rv}}","creationTimestamp":"{{ts}}"} \\"resourceVersion\\":\\"{{rv}}\\" bad-{{gen}}! bad-bcdfgh');
  });

  test('Status causes are sorted and the bracketed message list follows them', () => {
    const status = {
      kind: 'Status',
      message: 'X "a" is invalid: [spec.b: Required value, spec.a: Invalid value: 1]',
      details: { causes: [{ field: 'spec.b', reason: 'FieldValueRequired', message: 'Required value' }, { field: 'spec.a', reason: 'FieldValueInvalid', message: 'Invalid value: 1' }] },
    };
    const n = normalize(status, ctx()) as { message: string; details: { causes: { field: string }[] } };
    expect(n.details.causes.map((x) => x.field)).toEqual(['spec.a', 'spec.b']);
    expect(n.message).toBe('X "a" is invalid: [spec.a: Invalid value: 1, spec.b: Required value]');
  });

  test('APIResourceList resources by name; Table age cells', () => {
    expect(normalize({ kind: 'APIResourceList', resources: [{ name: 'b' }, { name: 'a' }] }, ctx())).toEqual({ kind: 'APIResourceList', resources: [{ name: 'a' }, { name: 'b' }] });
    const table = { kind: 'Table', columnDefinitions: [{ name: 'Name', type: 'string' }, { name: 'Age', type: 'string' }, { name: 'Seen', type: 'date' }], rows: [{ cells: ['x', '5m', '<unknown>'] }] };
    expect((normalize(table, ctx()) as { rows: { cells: unknown[] }[] }).rows[0].cells).toEqual(['x', '{{age}}', '<unknown>']);
  });
});

describe('replay templates, mutate and extract', () => {
  test('templates replace in keys and values; a whole-string var keeps its type', () => {
    const vars = new Map<string, unknown>([['obj', { a: 1 }], ['rv', '7']]);
    expect(applyTemplates({ '{{ns}}-k': ['{{var.obj}}', 'rv={{var.rv}}', '{{ns2}}'] }, { ns: 'n1', ns2: 'n2', vars })).toEqual({ 'n1-k': [{ a: 1 }, 'rv=7', 'n2'] });
  });

  test('mutate spec depends on the kind', () => {
    expect(mutate({ kind: 'DevicesCluster', spec: { mqtt: { brokerUri: 'mqtt://x' } } }, 'spec')).toEqual({ kind: 'DevicesCluster', spec: { mqtt: { brokerUri: 'mqtt://x', topicPrefix: 'mutated' } } });
    expect(mutate({ kind: 'ConfigMap', data: { b: '1' }, spec: {} }, 'data')).toEqual({ kind: 'ConfigMap', data: { b: '1', a: 'changed' } });
  });

  test('extract projections', () => {
    const body = { kind: 'List', items: [{ metadata: { name: 'b' } }, { metadata: { name: 'a' } }], m: { z: 1, y: 2 } };
    expect(extract(body, [{ path: ['items'], as: 'keys' }, { path: ['items'], as: 'length' }, { path: ['m'], as: 'keys', filter: 'z' }, { path: ['nope'] }, { path: ['items'], as: 'find', by: 'metadata.name', eq: 'a' }])).toEqual({
      'items:keys': ['a', 'b'],
      'items:length': 2,
      'm:keys': ['z'],
      'nope:value': '<absent>',
      'items:find': { metadata: { name: 'a' } },
    });
  });

  test('firstDifference finds missing, extra and changed values', () => {
    expect(firstDifference({ a: 1, b: [1, 2] }, { a: 1, b: [1, 3] })).toEqual({ path: 'b[1]', expected: 2, actual: 3 });
    expect(firstDifference({ a: 1 }, { a: 1, c: 2 })).toEqual({ path: 'c', expected: '<absent>', actual: 2 });
    expect(firstDifference({ a: 1 }, { a: 1 })).toBeUndefined();
  });
});
