import { Agent as HttpsAgent } from 'node:https';
import { KubeConfig, RequestContext } from '@kubernetes/client-node';
import { withConnectionReuse } from './connections';

function kubeConfig(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, caData: Buffer.from('not-a-real-ca').toString('base64') }],
    users: [{ name: 'u', token: 'secret-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

describe('withConnectionReuse', () => {
  it('gives every request the same keep-alive agent, and still applies the credentials', async () => {
    const view = withConnectionReuse(kubeConfig('https://127.0.0.1:6443'));
    const contexts = [new RequestContext('https://127.0.0.1:6443/api', 'GET' as never), new RequestContext('https://127.0.0.1:6443/api', 'GET' as never)];
    for (const c of contexts) await view.applySecurityAuthentication(c);
    const [a, b] = contexts.map((c) => c.getAgent());
    expect(a).toBeInstanceOf(HttpsAgent);
    expect(a).toBe(b);
    expect((a as HttpsAgent & { keepAlive: boolean }).keepAlive).toBe(true);
    expect(contexts[0].getHeaders().Authorization).toBe('Bearer secret-token');
  });

  it('leaves the original KubeConfig untouched (a new agent per request there)', async () => {
    const kc = kubeConfig('https://127.0.0.1:6443');
    withConnectionReuse(kc);
    const contexts = [new RequestContext('https://127.0.0.1:6443/api', 'GET' as never), new RequestContext('https://127.0.0.1:6443/api', 'GET' as never)];
    for (const c of contexts) await kc.applySecurityAuthentication(c);
    expect(contexts[0].getAgent()).not.toBe(contexts[1].getAgent());
  });
});
