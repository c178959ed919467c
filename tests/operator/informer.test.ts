/**
 * The operator's Informer against devcluster (its own instance, small watch history, also when
 * KUBEFLASH_TEST_KUBECONFIG is set): a watch that starts from an expired resourceVersion gets 410 Gone,
 * and the informer relists and keeps delivering events.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { Informer, type ListPage } from '@kubeflash/operator';
import { eventually, REAL_CLUSTER_KUBECONFIG, startTestDevCluster } from '@kubeflash/devcluster/testing';

if (REAL_CLUSTER_KUBECONFIG) console.warn('NOTE: the Informer suite runs against its own devcluster although KUBEFLASH_TEST_KUBECONFIG is set: it needs a 3-event watch history to force 410 Gone');

describe('Informer', () => {
  it('relists after 410 Gone and keeps the cache and events complete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeflash-informer-'));
    const { devcluster, kubeconfigPath } = await startTestDevCluster(dir, { watchHistory: 3 });
    try {
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromFile(kubeconfigPath);
      const core = kubeConfig.makeApiClient(CoreV1Api);
      await core.createNamespace({ body: { metadata: { name: 'inf' } } });
      for (let i = 0; i < 10; i++) await core.createNamespacedSecret({ namespace: 'inf', body: { metadata: { name: `s${i}` }, stringData: { k: String(i) } } });
      let lists = 0;
      const informer = new Informer<V1Secret>({
        kubeConfig,
        path: '/api/v1/namespaces/inf/secrets',
        pageSize: 4,
        list: async (token, limit) => {
          const page = (await core.listNamespacedSecret({ namespace: 'inf', limit, _continue: token })) as unknown as ListPage;
          // The first list pretends to be old, so the watch starts from an expired resourceVersion.
          if (++lists <= 3 && page.metadata) page.metadata = { ...page.metadata, resourceVersion: '1' };
          return page;
        },
      });
      const added: string[] = [];
      informer.on('add', (s) => added.push(s.metadata?.name ?? ''));
      await informer.start();
      expect(informer.size).toBe(10);
      await eventually(() => (lists > 3 ? true : undefined), 'a relist after 410 Gone');
      await core.createNamespacedSecret({ namespace: 'inf', body: { metadata: { name: 'late' }, stringData: { k: 'x' } } });
      await core.deleteNamespacedSecret({ namespace: 'inf', name: 's0' });
      await eventually(() => (informer.get('inf', 'late') && !informer.get('inf', 's0') ? true : undefined), 'the late Secret and the deletion');
      expect(informer.size).toBe(10);
      expect(added.filter((n) => n === 'late')).toEqual(['late']);
      await informer.stop();
    } finally {
      await devcluster.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
