import { jsonPatchOps, kubernetesObjectUrl, type JsonPatchOp } from '../utils/json-patch';
import { KUBEFLASH, KUBEFLASH_RESOURCES } from '../types/kubeflash';

/** Applies RFC 6902 add/replace/remove as the API server does (strict: replace and remove need the member). */
function apply(doc: any, ops: JsonPatchOp[]): any {
  const out = JSON.parse(JSON.stringify(doc));

  for (const op of ops) {
    const keys = op.path.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop() as string;
    const parent = keys.reduce((o, k) => {
      if (o?.[k] === undefined) {
        throw new Error(`${ op.op } ${ op.path }: a parent does not exist`);
      }

      return o[k];
    }, out);

    if (op.op !== 'add' && !(last in parent)) {
      throw new Error(`${ op.op } ${ op.path }: no such member`);
    }
    if (op.op === 'remove') {
      Reflect.deleteProperty(parent, last);
    } else {
      parent[last] = op.value;
    }
  }

  return out;
}

describe('jsonPatchOps (RFC 6902)', () => {
  it('replaces changed values, adds new members (a new object whole), removes gone ones; arrays whole', () => {
    const before = {
      paused: false, waves: [1, 10, 100], strategy: { maxConcurrent: 10, abort: { failurePercent: 20 } }, note: 'x'
    };
    const after = {
      paused: true, waves: [1, 50, 100], strategy: { maxConcurrent: 10, abort: { failurePercent: 30 } }, credentials: { rotate: 't' }
    };

    expect(jsonPatchOps(before, after, '/spec')).toStrictEqual([
      {
        op: 'replace', path: '/spec/paused', value: true
      },
      {
        op: 'replace', path: '/spec/waves', value: [1, 50, 100]
      },
      {
        op: 'replace', path: '/spec/strategy/abort/failurePercent', value: 30
      },
      {
        op: 'add', path: '/spec/credentials', value: { rotate: 't' }
      },
      { op: 'remove', path: '/spec/note' },
    ]);
  });

  it('is empty when nothing changed; escapes ~ and / in keys; adds a whole spec that did not exist', () => {
    expect(jsonPatchOps({ a: { b: [1] } }, { a: { b: [1] } }, '/spec')).toStrictEqual([]);
    expect(jsonPatchOps({ labels: {} }, { labels: { 'kubeflash.dev/floor': '2', 'a~b': 'c' } }, '/spec')).toStrictEqual([
      {
        op: 'add', path: '/spec/labels/kubeflash.dev~1floor', value: '2'
      }, {
        op: 'add', path: '/spec/labels/a~0b', value: 'c'
      },
    ]);
    expect(jsonPatchOps(undefined, { dryRun: false }, '/spec')).toStrictEqual([{
      op: 'add', path: '/spec', value: { dryRun: false }
    }]);
  });

  it('applied strictly, turns before into after', () => {
    const before = {
      spec: {
        dryRun: true, selector: { matchLabels: { a: 'b', c: 'd' } }, devices: ['x'], gone: 1
      }
    };
    const after = {
      spec: {
        dryRun: false, selector: { matchLabels: { a: 'b' } }, devices: ['x', 'y'], firmware: { version: '1.5.0' }
      }
    };

    expect(apply(before, jsonPatchOps(before.spec, after.spec, '/spec'))).toStrictEqual(after);
  });
});

describe('kubernetesObjectUrl', () => {
  it('addresses one object through Rancher\'s Kubernetes proxy with the kind\'s plural from @kubeflash/api', () => {
    expect(kubernetesObjectUrl('local', KUBEFLASH_RESOURCES[KUBEFLASH.ROLLOUT], 'kubeflash-demo', 's3-display-2-1-0')).toBe('/k8s/clusters/local/apis/kubeflash.dev/v1alpha1/namespaces/kubeflash-demo/rollouts/s3-display-2-1-0');
    expect(kubernetesObjectUrl('c-m-1', KUBEFLASH_RESOURCES[KUBEFLASH.DEVICE_CLASS], 'garage', 'sensor-s3')).toBe('/k8s/clusters/c-m-1/apis/kubeflash.dev/v1alpha1/namespaces/garage/deviceclasses/sensor-s3');
  });
});
