import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { makeServingMaterial } from '../webhooks/certificates';
import { withConnectionReuse } from './connections';

// A server that answers like kube-apiserver for bodies above 2 KiB: chunked, keep-alive, the last chunk and the
// terminator in one write.
let server: Server;
let kubeConfig: KubeConfig;

beforeAll(async () => {
  const tls = await makeServingMaterial(['localhost'], ['127.0.0.1']);
  const padding = 'x'.repeat(3000);
  server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    const name = /\/namespaces\/([^/?]+)$/.exec(req.url ?? '')?.[1] ?? '';
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.end(`{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"${name}","annotations":{"pad":"${padding}"}}}`);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server: `https://127.0.0.1:${port}`, caData: Buffer.from(tls.caBundlePem).toString('base64') }],
    users: [{ name: 'u', token: 'token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('withConnectionReuse with chunked keep-alive responses', () => {
  it('reads every body when requests queue for a pooled socket (no false "Premature close")', async () => {
    const core = withConnectionReuse(kubeConfig, 4).makeApiClient(CoreV1Api);
    const names = Array.from({ length: 400 }, (_, i) => `ns-${i}`);
    const results = await Promise.allSettled(names.map((name) => core.readNamespace({ name })));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    expect(failures).toEqual([]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.metadata?.name : undefined))).toEqual(names);
  });
});
