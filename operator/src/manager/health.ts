import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A named readiness check; the process is ready when every check passes. */
export type ReadinessCheck = () => Promise<void>;

export interface HealthServer {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Serves `/healthz` and `/livez` (the process is running) and `/readyz` (every readiness check
 * passes; the failing check's name and error are in the body, for `kubectl describe` of a probe)
 * and, when given, Prometheus `/metrics`.
 */
export async function startHealthServer(
  host: string,
  port: number,
  checks: Record<string, ReadinessCheck>,
  metrics?: () => Promise<{ contentType: string; body: string }>,
  /** More GET endpoints (path -> JSON body), e.g. /debug/dead-letters. */
  routes: Record<string, () => unknown> = {},
): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' || path === '/livez') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (path === '/readyz') {
      void runChecks(checks).then((failure) => {
        if (failure) res.writeHead(503, { 'content-type': 'text/plain' }).end(failure);
        else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
      return;
    }
    if (path === '/metrics' && metrics) {
      void metrics().then(({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body));
      return;
    }
    const route = routes[path];
    if (route) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(route()));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function runChecks(checks: Record<string, ReadinessCheck>): Promise<string | undefined> {
  for (const [name, check] of Object.entries(checks)) {
    try {
      await check();
    } catch (err) {
      return `${name}: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  return undefined;
}
