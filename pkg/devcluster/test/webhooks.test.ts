/**
 * Admission webhooks configured by Mutating/ValidatingWebhookConfiguration objects are called over
 * HTTPS on writes. The webhook listens on loopback, which only devcluster can reach.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { AdmissionregistrationV1Api, ApiException, CoreV1Api } from '@kubernetes/client-node';
import { createServingTls } from '../src/tls';
import { REAL_CLUSTER_KUBECONFIG, useTestCluster, type TestCluster } from '../src/testing';

interface Review {
  request: { uid: string; operation: string; name: string; namespace?: string; object?: { metadata: { name: string } }; dryRun: boolean };
}

(REAL_CLUSTER_KUBECONFIG ? describe.skip : describe)('devcluster admission webhooks (devcluster only: the webhook listens on loopback)', () => {
  let c: TestCluster;
  let server: Server;
  const calls: string[] = [];

  beforeAll(async () => {
    c = await useTestCluster({ namespacePrefix: 'kf-webhook' });
    const tls = await createServingTls();
    server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const review = JSON.parse(body) as Review;
        const r = review.request;
        const path = new URL(req.url ?? '/', 'https://webhook').pathname;
        calls.push(`${path} ${r.operation} ${r.name}`);
        const response: Record<string, unknown> = { uid: r.uid, allowed: true };
        if (path === '/mutate') {
          const patch = [{ op: 'add', path: '/metadata/labels', value: { 'webhook.kubeflash.dev/mutated': 'yes' } }];
          response.patchType = 'JSONPatch';
          response.patch = Buffer.from(JSON.stringify(patch)).toString('base64');
        } else if (r.object?.metadata.name.startsWith('deny-')) {
          response.allowed = false;
          response.status = { code: 403, message: 'names starting with deny- are refused' };
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const caBundle = Buffer.from(tls.caPem).toString('base64');
    const rules = [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['configmaps'] }];
    const namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': c.namespace } };
    const admission = c.kubeConfig.makeApiClient(AdmissionregistrationV1Api);
    await admission.createMutatingWebhookConfiguration({
      body: {
        metadata: { name: `${c.namespace}-mutate` },
        webhooks: [{ name: 'mutate.kubeflash.dev', clientConfig: { url: `${url}/mutate`, caBundle }, rules, namespaceSelector, sideEffects: 'None', admissionReviewVersions: ['v1'], failurePolicy: 'Fail' }],
      },
    });
    await admission.createValidatingWebhookConfiguration({
      body: {
        metadata: { name: `${c.namespace}-validate` },
        webhooks: [{ name: 'validate.kubeflash.dev', clientConfig: { url: `${url}/validate`, caBundle }, rules, namespaceSelector, sideEffects: 'None', admissionReviewVersions: ['v1'], failurePolicy: 'Fail' }],
      },
    });
  }, 60_000);

  afterAll(async () => {
    const admission = c?.kubeConfig.makeApiClient(AdmissionregistrationV1Api);
    await admission?.deleteMutatingWebhookConfiguration({ name: `${c.namespace}-mutate` }).catch(() => undefined);
    await admission?.deleteValidatingWebhookConfiguration({ name: `${c.namespace}-validate` }).catch(() => undefined);
    server?.close();
    await c?.cleanup();
  });

  it('mutates with the JSON patch of the mutating webhook, then lets the validating webhook deny', async () => {
    const core = c.kubeConfig.makeApiClient(CoreV1Api);
    const created = await core.createNamespacedConfigMap({ namespace: c.namespace, body: { metadata: { name: 'allowed' } } });
    expect(created.metadata?.labels).toEqual({ 'webhook.kubeflash.dev/mutated': 'yes' });
    expect(calls).toEqual(['/mutate CREATE allowed', '/validate CREATE allowed']);

    let denied: ApiException<string> | undefined;
    try {
      await core.createNamespacedConfigMap({ namespace: c.namespace, body: { metadata: { name: 'deny-me' } } });
    } catch (err) {
      denied = err as ApiException<string>;
    }
    expect(denied?.code).toBe(403);
    expect(JSON.stringify(denied?.body)).toContain('names starting with deny- are refused');
    expect((await core.listNamespacedConfigMap({ namespace: c.namespace })).items.map((i) => i.metadata?.name)).not.toContain('deny-me');

    calls.length = 0;
    await core.createNamespacedSecret({ namespace: c.namespace, body: { metadata: { name: 'deny-not-matched' } } });
    expect(calls).toEqual([]);
  });
});
