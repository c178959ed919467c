import { startHealthServer, type HealthServer } from './health';

async function get(port: number, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}

describe('health server', () => {
  let server: HealthServer;
  let apiReachable = true;

  beforeAll(async () => {
    server = await startHealthServer('127.0.0.1', 0, {
      'kubernetes-api': async () => {
        if (!apiReachable) throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
      },
    });
  });
  afterAll(() => server.stop());

  it('answers /healthz and /livez while the process runs, whatever the checks say', async () => {
    apiReachable = false;
    expect(await get(server.port, '/healthz')).toEqual({ status: 200, body: 'ok' });
    expect(await get(server.port, '/livez')).toEqual({ status: 200, body: 'ok' });
  });

  it('is ready only while every check passes, and names the failing check', async () => {
    apiReachable = true;
    expect(await get(server.port, '/readyz')).toEqual({ status: 200, body: 'ok' });
    apiReachable = false;
    expect(await get(server.port, '/readyz')).toEqual({ status: 503, body: 'kubernetes-api: connect ECONNREFUSED 127.0.0.1:6443' });
  });

  it('answers unknown paths with 404', async () => {
    expect((await get(server.port, '/metrics-nope')).status).toBe(404);
  });
});

describe('health server with metrics', () => {
  it('serves the exposition text on /metrics with its content type', async () => {
    const server = await startHealthServer('127.0.0.1', 0, {}, async () => ({ contentType: 'text/plain; version=0.0.4', body: 'kubeflash_leader 1\n' }));
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4');
      expect(await res.text()).toBe('kubeflash_leader 1\n');
    } finally {
      await server.stop();
    }
  });
});
