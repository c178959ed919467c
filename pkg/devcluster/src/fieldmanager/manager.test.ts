import { StatusError } from '../errors';
import { atomicList, f, mapList, mapOf, str, struct } from '../typed/types';
import { FieldSet } from './fieldset';
import { applyManagedFields, decodeManagedFields, RESET_STATUS, updateManagedFields, type FieldManagerScope } from './manager';

// A small typed kind: spec.ref is an atomic struct, spec.items a list keyed by name, spec.tags atomic, data a map.
const Ref = struct('Ref', [f('name', str)], { atomic: true });
const Item = struct('Item', [f('name', str), f('value', str)]);
const Widget = struct('Widget', [
  f('apiVersion', str),
  f('kind', str),
  f('metadata', struct('ObjectMeta', [f('name', str), f('labels', mapOf(str)), f('managedFields', atomicList(struct('E', [])))])),
  f('spec', struct('Spec', [f('ref', Ref), f('color', str), f('size', str), f('items', mapList(Item, ['name'])), f('tags', atomicList(str))])),
  f('status', struct('Status', [f('phase', str)])),
  f('data', mapOf(str)),
]);
const scope: FieldManagerScope = { type: Widget, apiVersion: 'example.dev/v1', resetFields: RESET_STATUS };
const base = { apiVersion: 'example.dev/v1', kind: 'Widget' };
const empty = { ...base, metadata: {} };
const NOW = '2026-01-01T00:00:00Z';

type Obj = Record<string, unknown>;
const withManaged = (obj: Obj, managedFields: Obj[]): Obj => ({ ...obj, metadata: { ...(obj.metadata as Obj), managedFields } });
const fieldsOf = (managed: Obj[], manager: string) => managed.find((m) => m.manager === manager)?.fieldsV1;

describe('managedFields of Updates', () => {
  it('a create owns every field it set; containers it created carry "."; atomic parts are leaves', () => {
    const obj = { ...base, metadata: { name: 'w', labels: { a: '1' } }, spec: { ref: { name: 'r' }, items: [{ name: 'x', value: '1' }] } };
    const managed = updateManagedFields(scope, undefined, empty, obj, 'creator', NOW);
    expect(managed).toEqual([
      {
        manager: 'creator',
        operation: 'Update',
        apiVersion: 'example.dev/v1',
        time: NOW,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } },
          'f:spec': { '.': {}, 'f:items': { '.': {}, 'k:{"name":"x"}': { '.': {}, 'f:name': {}, 'f:value': {} } }, 'f:ref': {} },
        },
      },
    ]);
  });

  it('another manager changing a field takes it over; status is never owned through the main endpoint', () => {
    const v1 = { ...base, metadata: { name: 'w' }, spec: { color: 'red', size: 'S' } };
    const m1 = updateManagedFields(scope, undefined, empty, v1, 'creator', NOW);
    const v2 = { ...v1, spec: { color: 'blue', size: 'S' }, status: { phase: 'x' } };
    const m2 = updateManagedFields(scope, withManaged(v1, m1), empty, v2, 'editor', NOW);
    expect(fieldsOf(m2, 'creator')).toEqual({ 'f:spec': { '.': {}, 'f:size': {} } });
    expect(fieldsOf(m2, 'editor')).toEqual({ 'f:spec': { 'f:color': {} } });
  });

  it('a change that sets nothing new keeps managedFields (and time) as they were', () => {
    const v1 = { ...base, metadata: { name: 'w' }, spec: { color: 'red' } };
    const m1 = updateManagedFields(scope, undefined, empty, v1, 'creator', NOW);
    expect(updateManagedFields(scope, withManaged(v1, m1), empty, v1, 'someone', '2027-01-01T00:00:00Z')).toEqual(m1);
  });
});

describe('server-side apply', () => {
  const apply = (live: Obj | undefined, config: Obj, manager: string, force = false) => applyManagedFields(scope, live, empty, { ...base, metadata: { name: 'w' }, ...config }, manager, force, NOW);

  it('a second manager applying a different value conflicts (409) with kube-apiserver\'s message', () => {
    const first = apply(undefined, { spec: { color: 'red', size: 'S' } }, 'alpha');
    const live = withManaged(first.object as Obj, first.managedFields);
    let err: unknown;
    try {
      apply(live, { spec: { color: 'blue', size: 'S' } }, 'beta');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    const status = (err as StatusError).toStatus();
    expect(status).toMatchObject({ code: 409, reason: 'Conflict', message: 'Apply failed with 1 conflict: conflict with "alpha": .spec.color' });
    expect(status.details?.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "alpha"', field: '.spec.color' }]);
  });

  it('the same value is shared; force takes the field over; an Update manager is named with its version', () => {
    const first = apply(undefined, { spec: { color: 'red' } }, 'alpha');
    const live = withManaged(first.object as Obj, first.managedFields);
    const shared = apply(live, { spec: { color: 'red' } }, 'beta');
    expect(shared.object).toBeUndefined();
    expect(shared.managedFields.map((m) => [m.manager, m.time])).toEqual([['beta', undefined], ['alpha', NOW]]);
    const forced = apply(live, { spec: { color: 'blue' } }, 'beta', true);
    expect(fieldsOf(forced.managedFields, 'alpha')).toBeUndefined();
    const updated = updateManagedFields(scope, undefined, empty, { ...base, metadata: { name: 'w' }, spec: { color: 'red' } }, 'kubectl', NOW);
    expect(() => apply(withManaged({ ...base, metadata: { name: 'w' }, spec: { color: 'red' } }, updated), { spec: { color: 'green' } }, 'alpha')).toThrow(
      'Apply failed with 1 conflict: conflict with "kubectl" using example.dev/v1: .spec.color',
    );
  });

  it('re-applying without a field removes it unless someone else owns it; keyed list items merge by key', () => {
    const first = apply(undefined, { spec: { color: 'red', size: 'S', items: [{ name: 'a' }] } }, 'alpha');
    let live = withManaged(first.object as Obj, first.managedFields);
    const second = apply(live, { spec: { items: [{ name: 'b' }] } }, 'beta');
    live = withManaged(second.object as Obj, second.managedFields);
    expect((live.spec as Obj).items).toEqual([{ name: 'a' }, { name: 'b' }]);
    const third = apply(live, { spec: { color: 'red' } }, 'alpha');
    expect(third.object?.spec).toEqual({ color: 'red', items: [{ name: 'b' }] });
  });

  it('an applied configuration may not carry managedFields', () => {
    expect(() => applyManagedFields(scope, undefined, empty, { ...base, metadata: { name: 'w', managedFields: [] } }, 'a', false, NOW)).toThrow('metadata.managedFields must be nil');
  });
});

describe('FieldsV1', () => {
  it('round-trips members and children', () => {
    const json = { 'f:spec': { '.': {}, 'f:a': {}, 'k:{"name":"x"}': { '.': {}, 'f:name': {} } }, 'f:data': { 'f:b': {} } };
    const set = FieldSet.fromFieldsV1(json);
    expect(set.has(['f:spec'])).toBe(true);
    expect(set.has(['f:data'])).toBe(false);
    expect(set.has(['f:spec', 'k:{"name":"x"}', 'f:name'])).toBe(true);
    expect(set.toFieldsV1()).toEqual(json);
  });

  it('decodes a managedFields list and refuses unknown operations', () => {
    expect(decodeManagedFields({ metadata: { managedFields: [{ manager: 'm', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:a': {} } }] } })?.size).toBe(1);
    expect(decodeManagedFields({ metadata: { managedFields: [{ manager: 'm', operation: 'Delete' }] } })).toBeUndefined();
  });
});
