import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';

/** How the replay reaches the server under test: its URL, its CA, and the admin's credentials. */
export interface Target {
  server: URL;
  ca?: Buffer | string;
  /** The admin's client certificate (group system:masters) and key, or a bearer token. */
  cert?: Buffer | string;
  key?: Buffer | string;
  token?: string;
  insecure?: boolean;
}

/** Reads the current context of a kubeconfig file into a Target. */
export async function targetFromKubeconfig(path: string): Promise<Target> {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`${path}: the current context names no cluster`);
  const opts: RequestOptions & { headers?: Record<string, string> } = {};
  await kc.applyToHTTPSOptions(opts);
  const auth = (opts.headers as Record<string, string> | undefined)?.Authorization;
  return {
    server: new URL(cluster.server),
    ca: opts.ca as Buffer | string | undefined,
    cert: opts.cert as Buffer | string | undefined,
    key: opts.key as Buffer | string | undefined,
    token: auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined,
    insecure: cluster.skipTLSVerify,
  };
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface SendOptions {
  method: string;
  path: string;
  query?: Record<string, string | string[]>;
  headers: Record<string, string>;
  body?: string;
  /** `admin` (the target's credentials) or `none`. */
  auth: 'admin' | 'none';
}

export function buildUrl(target: Target, path: string, query?: Record<string, string | string[]>): URL {
  const url = new URL(path, target.server);
  for (const [k, v] of Object.entries(query ?? {})) {
    for (const one of Array.isArray(v) ? v : [v]) url.searchParams.append(k, one);
  }
  return url;
}

/** One HTTP client per target: keep-alive agents with and without the admin's client certificate. */
export class ReplayHttp {
  private readonly adminAgent: Agent;
  private readonly plainAgent: Agent;

  constructor(readonly target: Target) {
    const tls = { ca: target.ca, rejectUnauthorized: !target.insecure, keepAlive: true, maxSockets: 16 };
    this.adminAgent = new Agent({ ...tls, cert: target.cert, key: target.key });
    this.plainAgent = new Agent(tls);
  }

  close(): void {
    this.adminAgent.destroy();
    this.plainAgent.destroy();
  }

  private options(o: SendOptions): { url: URL; options: RequestOptions } {
    const url = buildUrl(this.target, o.path, o.query);
    const headers: Record<string, string> = { ...o.headers };
    if (o.auth === 'admin' && this.target.token) headers.Authorization = `Bearer ${this.target.token}`;
    if (o.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(o.body));
    return { url, options: { method: o.method, headers, agent: o.auth === 'admin' ? this.adminAgent : this.plainAgent } };
  }

  send(o: SendOptions, timeoutMs = 30_000): Promise<HttpAnswer> {
    const { url, options } = this.options(o);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${o.method} ${url.pathname}: no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(o.body);
    });
  }

  /** Opens a streaming GET; resolves with the response once its headers arrive. */
  open(o: SendOptions, timeoutMs = 10_000): Promise<{ res: IncomingMessage; abort: () => void }> {
    const { url, options } = this.options(o);
    // A watch gets its own connection, closed with it.
    const agent = new Agent({ ca: this.target.ca, rejectUnauthorized: !this.target.insecure, cert: o.auth === 'admin' ? this.target.cert : undefined, key: o.auth === 'admin' ? this.target.key : undefined });
    return new Promise((resolve, reject) => {
      const req = httpsRequest(url, { ...options, agent }, (res) => {
        clearTimeout(timer);
        resolve({
          res,
          abort: () => {
            req.destroy();
            agent.destroy();
          },
        });
      });
      const timer = setTimeout(() => req.destroy(new Error(`watch ${url.pathname}: no response headers within ${timeoutMs} ms`)), timeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        agent.destroy();
        reject(err);
      });
      req.end(o.body);
    });
  }
}
