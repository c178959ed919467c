import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiextensionsV1Api } from '@kubernetes/client-node';
import { ensureObjects, readManifestDir } from '@kubeflash/operator/kube';
import { useTestCluster, type TestCluster } from '@kubeflash/devcluster/testing';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

describe('ensureObjects', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await useTestCluster({ namespacePrefix: 'kf-apply' });
  });
  afterAll(() => cluster?.cleanup());

  it('stores plain CRD manifests whole, x-kubernetes-* schema extensions included, and replaces them idempotently', async () => {
    const crds = (await readManifestDir(join(repoRoot, 'charts', 'kubeflash', 'crds'))).map((m) => m.object);
    await ensureObjects(cluster.kubeConfig, crds, 'create-or-replace');
    const read = await cluster.kubectl(['get', 'crd', 'rollouts.kubeflash.dev', '-o', 'json']);
    interface Schema {
      properties: Record<string, Schema>;
      'x-kubernetes-int-or-string'?: boolean;
      'x-kubernetes-validations'?: unknown[];
      default?: unknown;
    }
    const stored = JSON.parse(read.stdout) as { spec: { versions: { schema: { openAPIV3Schema: Schema } }[] } };
    const strategy = stored.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.strategy;
    expect(strategy.properties.maxConcurrent['x-kubernetes-int-or-string']).toBe(true);
    expect(strategy.properties.maxConcurrent.default).toBe(10);
    expect(strategy.properties.waves['x-kubernetes-validations']?.length).toBeGreaterThan(0);
    expect(await ensureObjects(cluster.kubeConfig, crds, 'create-or-replace')).toEqual(crds.map(() => 'unchanged'));
    const api = cluster.kubeConfig.makeApiClient(ApiextensionsV1Api);
    expect((await api.readCustomResourceDefinition({ name: 'devices.kubeflash.dev' })).spec.names.shortNames).toEqual(['kfdev']);
  });
});
