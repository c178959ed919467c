import { builtinTypes } from './builtins';
import { crdResourceTypes } from './crd';
import { evaluateJsonPath } from './jsonpath';
import type { KObject } from './store';
import { buildTable, humanDuration } from './table';

describe('humanDuration', () => {
  it('formats like apimachinery duration.HumanDuration', () => {
    const s = 1000;
    expect(humanDuration(-5 * s)).toBe('<invalid>');
    expect(humanDuration(-500)).toBe('0s');
    expect(humanDuration(59 * s)).toBe('59s');
    expect(humanDuration(119 * s)).toBe('119s');
    expect(humanDuration(125 * s)).toBe('2m5s');
    expect(humanDuration(600 * s)).toBe('10m');
    expect(humanDuration(3 * 3600 * s + 5 * 60 * s)).toBe('3h5m');
    expect(humanDuration(30 * 3600 * s)).toBe('30h');
    expect(humanDuration(3 * 86400 * s + 3600 * s)).toBe('3d1h');
    expect(humanDuration(100 * 86400 * s)).toBe('100d');
    expect(humanDuration(3 * 365 * 86400 * s)).toBe('3y');
  });
});

describe('jsonpath', () => {
  it('evaluates fields, indexes, wildcards and filters', () => {
    const obj = { status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Synced', status: 'False' }] }, metadata: { labels: { 'a.b/c': 'x' } } };
    expect(evaluateJsonPath(obj, '.status.conditions[?(@.type=="Ready")].status')).toEqual(['True']);
    expect(evaluateJsonPath(obj, '.status.conditions[1].type')).toEqual(['Synced']);
    expect(evaluateJsonPath(obj, '.status.conditions[*].type')).toEqual(['Ready', 'Synced']);
    expect(evaluateJsonPath(obj, ".metadata.labels['a.b/c']")).toEqual(['x']);
    expect(evaluateJsonPath(obj, '{.spec.missing}')).toEqual([]);
  });
});

describe('buildTable', () => {
  const now = Date.parse('2026-01-01T01:00:00Z');
  const crd: KObject = {
    metadata: { name: 'widgets.example.dev' },
    spec: {
      group: 'example.dev',
      scope: 'Namespaced',
      names: { plural: 'widgets', kind: 'Widget' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          additionalPrinterColumns: [
            { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
            { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status', priority: 1 },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
        },
      ],
    },
  };

  it('builds CRD columns from additionalPrinterColumns with NAME first and partial metadata rows', () => {
    const [type] = crdResourceTypes(crd);
    const widget: KObject = { metadata: { name: 'w', namespace: 'n', creationTimestamp: '2026-01-01T00:55:00Z' }, spec: { size: 3.7 }, status: { conditions: [{ type: 'Ready', status: 'True' }] } };
    const table = buildTable(type, [widget], { now, resourceVersion: '7' }) as { columnDefinitions: { name: string; priority: number }[]; rows: { cells: unknown[]; object: { kind: string } }[]; metadata: object };
    expect(table.columnDefinitions.map((c) => `${c.name}:${c.priority}`)).toEqual(['Name:0', 'Size:0', 'Ready:1', 'Age:0']);
    expect(table.rows[0].cells).toEqual(['w', 3, 'True', '5m']);
    expect(table.rows[0].object.kind).toBe('PartialObjectMetadata');
    expect(table.metadata).toEqual({ resourceVersion: '7' });
  });

  it('uses the default columns of built-in kinds', () => {
    const secret = builtinTypes().find((t) => t.plural === 'secrets');
    if (!secret) throw new Error('no secrets type');
    const table = buildTable(secret, [{ metadata: { name: 's', creationTimestamp: '2026-01-01T00:00:00Z' }, type: 'Opaque', data: { a: 'eA==', b: 'eQ==' } }], { now, includeObject: 'None' }) as {
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[]; object?: unknown }[];
    };
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Type', 'Data', 'Age']);
    // includeObject=None: the row's object is null, as kube-apiserver sends it.
    expect(table.rows[0]).toEqual({ cells: ['s', 'Opaque', 2, '60m'], object: null });
  });
});
