import { StatusError } from './errors';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, patchedText } from './patch';

describe('JSON merge patch (RFC 7386)', () => {
  it('merges maps, deletes with null and replaces lists', () => {
    const target = { a: { b: 1, c: 2 }, list: [1, 2], keep: true };
    expect(applyMergePatch(target, { a: { b: null, d: 3 }, list: [3] })).toEqual({ a: { c: 2, d: 3 }, list: [3], keep: true });
    expect(target.a.b).toBe(1);
    expect(applyMergePatch({ a: 1 }, 'x')).toBe('x');
  });
});

describe('JSON patch (RFC 6902)', () => {
  it('applies operations and reports failures as 422', () => {
    expect(applyJsonPatch({ data: { a: '1' } }, [{ op: 'add', path: '/data/b', value: '2' }, { op: 'remove', path: '/data/a' }])).toEqual({ data: { b: '2' } });
    let err: unknown;
    try {
      applyJsonPatch({ data: {} }, [{ op: 'replace', path: '/spec/x', value: 1 }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(422);
    expect(() => applyJsonPatch({}, { op: 'add' })).toThrow(StatusError);
  });
});

describe('strategic merge patch', () => {
  const pod = {
    metadata: { finalizers: ['a'], labels: { x: '1' } },
    spec: {
      containers: [
        { name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }] },
        { name: 'side', image: 'side:1' },
      ],
      tolerations: [{ key: 'k' }],
    },
  };

  it('merges containers and env by name, replaces lists without merge keys', () => {
    const out = applyStrategicMergePatch(pod, {
      spec: { containers: [{ name: 'app', image: 'app:2', env: [{ name: 'B', value: '2' }] }], tolerations: [{ key: 'other' }] },
    }) as typeof pod;
    expect(out.spec.containers.map((c) => `${c.name}=${c.image}`)).toEqual(['app=app:2', 'side=side:1']);
    expect(out.spec.containers[0].env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
    expect(out.spec.tolerations).toEqual([{ key: 'other' }]);
  });

  it('honours $patch delete/replace, $deleteFromPrimitiveList, $retainKeys and merges primitive finalizers', () => {
    const deleted = applyStrategicMergePatch(pod, { spec: { containers: [{ name: 'side', $patch: 'delete' }] } }) as typeof pod;
    expect(deleted.spec.containers.map((c) => c.name)).toEqual(['app']);
    const replaced = applyStrategicMergePatch(pod, { metadata: { labels: { $patch: 'replace', y: '2' } } }) as typeof pod;
    expect(replaced.metadata.labels).toEqual({ y: '2' });
    const finalizers = applyStrategicMergePatch(pod, { metadata: { finalizers: ['b'] } }) as typeof pod;
    expect(finalizers.metadata.finalizers).toEqual(['a', 'b']);
    const removed = applyStrategicMergePatch(pod, { metadata: { $deleteFromPrimitiveList: undefined, '$deleteFromPrimitiveList/finalizers': ['a'] } }) as typeof pod;
    expect(removed.metadata.finalizers).toEqual([]);
    const retained = applyStrategicMergePatch({ strategy: { type: 'Rolling', rolling: { max: 1 } } }, { strategy: { $retainKeys: ['type'], type: 'Recreate' } });
    expect(retained).toEqual({ strategy: { type: 'Recreate' } });
  });
});

describe('patchedText (the patched object kube-apiserver quotes in patch errors)', () => {
  it('keeps the Go field order of untouched maps and sorts the root and every map the patch touched', () => {
    const live = { kind: 'Lease', apiVersion: 'coordination.k8s.io/v1', metadata: { name: 'l', namespace: 'n' }, spec: { holderIdentity: 'a', renewTime: 'x' } };
    expect(patchedText(live, 'merge', { spec: { renewTime: 'y' } })).toBe('{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"l","namespace":"n"},"spec":{"holderIdentity":"a","renewTime":"y"}}');
  });
});
