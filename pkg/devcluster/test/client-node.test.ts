/**
 * Fidelity of the Kubernetes API as @kubernetes/client-node 1.4 sees it (typed APIs, custom objects,
 * informers and watches). Runs against devcluster, or the real cluster of KUBEFLASH_TEST_KUBECONFIG.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import {
  ApiException,
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  makeInformer,
  setHeaderOptions,
  type KubernetesObject,
  type V1ConfigMap,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { eventually, REAL_CLUSTER_KUBECONFIG, startTestDevCluster, useTestCluster, type TestCluster } from '../src/testing';

const GROUP = 'devcluster.kubeflash.dev';
const crd = yaml.load(readFileSync(fileURLToPath(new URL('./fixtures/widgets-crd.yaml', import.meta.url)), 'utf8')) as V1CustomResourceDefinition & object;

interface Widget extends KubernetesObject {
  spec: { size: number; color?: string };
  status?: { phase?: string };
}

async function apiError(promise: Promise<unknown>): Promise<{ code: number; body: { reason?: string; message?: string; details?: { causes?: { field: string }[] } } }> {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    const body = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
    return { code: err.code, body };
  }
  throw new Error('expected the request to fail');
}

describe('devcluster through @kubernetes/client-node', () => {
  let c: TestCluster;
  let ns: string;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;

  beforeAll(async () => {
    c = await useTestCluster({ namespacePrefix: 'kf-client' });
    ns = c.namespace;
    core = c.kubeConfig.makeApiClient(CoreV1Api);
    custom = c.kubeConfig.makeApiClient(CustomObjectsApi);
    const crds = c.kubeConfig.makeApiClient(ApiextensionsV1Api);
    try {
      // Untyped on purpose: client-node's typed models spell `default` as `_default` and would drop schema defaults.
      await custom.createClusterCustomObject({ group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', body: crd });
    } catch (err) {
      if (!(err instanceof ApiException && err.code === 409)) throw err;
    }
    await eventually(async () => {
      const got = await crds.readCustomResourceDefinition({ name: crd.metadata?.name ?? '' });
      return got.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True') ? true : undefined;
    }, 'the Widget CRD to be established');
    // A real API server may answer 404 for a moment after Established.
    await eventually(() => custom.listNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: ns, plural: 'widgets' }), 'widgets to be served');
  }, 60_000);

  afterAll(async () => {
    await c?.cleanup();
  });

  it('informer lists, then sees adds, updates and deletes through its watch', async () => {
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    ns = c.namespace;
    // A namespace is never empty on a real cluster (kube-root-ca.crt): the informer watches only this test's objects.
    const labels = { 'kubeflash.dev/suite': 'informer' };
    const labelSelector = 'kubeflash.dev/suite=informer';
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'before', labels }, data: { a: '1' } } });
    const informer = makeInformer(c.kubeConfig, path, () => core.listNamespacedConfigMap({ namespace: ns, labelSelector }), labelSelector);
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata?.name} ${(o as V1ConfigMap).data?.a}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    await informer.start();
    try {
      await eventually(() => (seen.includes('add before') ? true : undefined), 'the listed object');
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'later', labels }, data: { a: '1' } } });
      await core.patchNamespacedConfigMap({ namespace: ns, name: 'later', body: { data: { a: '2' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      await core.deleteNamespacedConfigMap({ namespace: ns, name: 'later' });
      await eventually(() => (seen.includes('delete later') ? true : undefined), `the delete event (${seen.join(', ')})`);
      expect(seen.filter((s) => s.endsWith('later') || s.includes('later '))).toEqual(['add later', 'update later 2', 'delete later']);
      expect(informer.list().map((o) => o.metadata?.name)).toEqual(['before']);
    } finally {
      await informer.stop();
    }
  });

  it('answers 409 Conflict for a stale resourceVersion and 404/422 as Status objects', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'occ' }, data: { v: '1' } } });
    await core.replaceNamespacedConfigMap({ namespace: ns, name: 'occ', body: { ...created, data: { v: '2' } } });
    const stale = await apiError(core.replaceNamespacedConfigMap({ namespace: ns, name: 'occ', body: { ...created, data: { v: '3' } } }));
    expect(stale.code).toBe(409);
    expect(stale.body.reason).toBe('Conflict');
    expect(stale.body.message).toBe('Operation cannot be fulfilled on configmaps "occ": the object has been modified; please apply your changes to the latest version and try again');
    const missing = await apiError(core.readNamespacedConfigMap({ namespace: ns, name: 'nope' }));
    expect(missing.code).toBe(404);
    expect(missing.body).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'configmaps "nope" not found' });
    const dup = await apiError(core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'occ' } } }));
    expect(dup.code).toBe(409);
    expect(dup.body.reason).toBe('AlreadyExists');
    const invalid = await apiError(custom.createNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: ns, plural: 'widgets', body: { apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name: 'Bad_Name' }, spec: { size: 0 } } }));
    expect(invalid.code).toBe(422);
    expect(invalid.body.reason).toBe('Invalid');
    expect(invalid.body.details?.causes?.map((x) => x.field).sort()).toEqual(['metadata.name', 'spec.size']);
  });

  it('answers 410 Gone to a watch from an expired resourceVersion, and an informer recovers by relisting', async () => {
    const watch = new Watch(c.kubeConfig);
    const outcome = await new Promise<{ type?: string; code?: number }>((resolve) => {
      void watch.watch(
        `/api/v1/namespaces/${ns}/configmaps`,
        { resourceVersion: '1' },
        (type, obj: { code?: number }) => resolve({ type, code: obj.code }),
        (err: { statusCode?: number } | null) => resolve({ code: err?.statusCode }),
      );
    });
    expect(outcome.code).toBe(410);

    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'relisted' } } });
    let lists = 0;
    const listFn = async () => {
      const list = await core.listNamespacedConfigMap({ namespace: ns });
      // The first list pretends to be ancient, so the informer's watch gets 410 and must relist.
      if (lists++ === 0) return { ...list, items: [], metadata: { ...list.metadata, resourceVersion: '1' } };
      return list;
    };
    const informer = makeInformer(c.kubeConfig, `/api/v1/namespaces/${ns}/configmaps`, listFn);
    const errors: unknown[] = [];
    informer.on('error', (err) => errors.push(err));
    await informer.start();
    try {
      await eventually(() => (informer.get('relisted', ns) ? true : undefined), 'the informer to relist after 410');
      expect(lists).toBeGreaterThanOrEqual(2);
      expect(errors).toEqual([]);
    } finally {
      await informer.stop();
    }
  });

  it('splits spec and status, and bumps generation only for spec changes', async () => {
    const base = { group: GROUP, version: 'v1', namespace: ns, plural: 'widgets' };
    const created = (await custom.createNamespacedCustomObject({ ...base, body: { apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name: 'gen' }, spec: { size: 2 }, status: { phase: 'Ignored' } } })) as Widget;
    expect(created.metadata?.generation).toBe(1);
    expect(created.status).toBeUndefined();
    expect(created.spec.color).toBe('red');

    const withStatus = (await custom.replaceNamespacedCustomObjectStatus({ ...base, name: 'gen', body: { ...created, status: { phase: 'Running' }, spec: { size: 9 } } })) as Widget;
    expect(withStatus.status?.phase).toBe('Running');
    expect(withStatus.spec.size).toBe(2);
    expect(withStatus.metadata?.generation).toBe(1);

    const labelled = (await custom.patchNamespacedCustomObject({ ...base, name: 'gen', body: { metadata: { labels: { a: 'b' } }, status: { phase: 'Hacked' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch))) as Widget;
    expect(labelled.metadata?.generation).toBe(1);
    expect(labelled.status?.phase).toBe('Running');

    const resized = (await custom.patchNamespacedCustomObject({ ...base, name: 'gen', body: [{ op: 'replace', path: '/spec/size', value: 4 }] }, setHeaderOptions('Content-Type', PatchStrategy.JsonPatch))) as Widget;
    expect(resized.metadata?.generation).toBe(2);
    expect(Number(resized.metadata?.resourceVersion)).toBeGreaterThan(Number(labelled.metadata?.resourceVersion));

    const unchanged = (await custom.replaceNamespacedCustomObject({ ...base, name: 'gen', body: resized })) as Widget;
    expect(unchanged.metadata?.resourceVersion).toBe(resized.metadata?.resourceVersion);
  });

  it('serves KubernetesObjectApi, Events in both API groups, Jobs and Leases', async () => {
    const objects = KubernetesObjectApi.makeApiClient(c.kubeConfig);
    const job = await objects.create({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'flash', namespace: ns },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
    } as KubernetesObject);
    expect(job.metadata?.uid).toEqual(expect.any(String));
    const lease = await objects.create({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'leader', namespace: ns }, spec: { holderIdentity: 'me' } } as KubernetesObject);
    expect((await objects.read({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'leader', namespace: ns } })).metadata?.uid).toBe(lease.metadata?.uid);

    await core.createNamespacedEvent({
      namespace: ns,
      body: { metadata: { name: 'ev1' }, involvedObject: { kind: 'Job', name: 'flash', namespace: ns }, reason: 'Flashed', message: 'flashed the board', type: 'Normal' },
    });
    const v1events = await c.kubeConfig.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: ns, fieldSelector: 'reason=Flashed' });
    expect(v1events.items).toHaveLength(1);
    expect(v1events.items[0].note).toBe('flashed the board');
    expect(v1events.items[0].regarding?.name).toBe('flash');
    const selected = await core.listNamespacedEvent({ namespace: ns, fieldSelector: 'involvedObject.name=flash' });
    expect(selected.items.map((e) => e.metadata.name)).toEqual(['ev1']);
  });

  it('pages lists with limit and continue', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name, labels: { paged: 'yes' } } } });
    const first = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'paged=yes', limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.metadata?._continue).toEqual(expect.any(String));
    const second = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'paged=yes', limit: 2, _continue: first.metadata?._continue });
    expect([...first.items, ...second.items].map((i) => i.metadata?.name)).toEqual(['page-a', 'page-b', 'page-c']);
    expect(second.metadata?._continue).toBeFalsy();
  });

  (REAL_CLUSTER_KUBECONFIG ? it.skip : it)('keeps state across a restart with the same state folder (devcluster only)', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'persisted' }, data: { kept: 'yes' } } });
    const before = await core.readNamespacedConfigMap({ namespace: ns, name: 'persisted' });
    await c.devcluster?.stop();
    const { devcluster, kubeconfigPath } = await startTestDevCluster(`${c.stateDir}/..`, { stateDir: c.stateDir });
    c.devcluster = devcluster;
    c.kubeConfig.loadFromFile(kubeconfigPath);
    core = c.kubeConfig.makeApiClient(CoreV1Api);
    custom = c.kubeConfig.makeApiClient(CustomObjectsApi);
    const after = await core.readNamespacedConfigMap({ namespace: ns, name: 'persisted' });
    expect(after.metadata?.uid).toBe(before.metadata?.uid);
    expect(after.data).toEqual({ kept: 'yes' });
    const widgets = await custom.listNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: ns, plural: 'widgets' });
    expect((widgets as { items: Widget[] }).items.map((w) => w.metadata?.name)).toContain('gen');
    const newer = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'after-restart' } } });
    expect(Number(newer.metadata?.resourceVersion)).toBeGreaterThan(Number(before.metadata?.resourceVersion));
  });
});
