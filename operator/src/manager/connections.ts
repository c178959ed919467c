import { Agent as HttpsAgent } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/**
 * A keep-alive agent that hands a freed socket to a waiting request one macrotask later. Node's agent does it
 * synchronously, before the finished response emits 'close'; node-fetch 2 (client-node's HTTP library) then
 * sees the next request's 'data' listener on the socket and destroys the finished, not yet read body of a
 * chunked response ("Invalid response body ...: Premature close", node-fetch issue 1767). kube-apiserver sends
 * chunked bodies above 2 KiB, so any queued request could fail this way.
 */
export class DeferredReuseAgent extends HttpsAgent {
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'free') return super.emit(event, ...args);
    setImmediate(() => super.emit(event, ...args));
    return true;
  }
}

/**
 * A view of `kubeConfig` whose API clients reuse keep-alive TLS connections. client-node 1.4 builds a new
 * https.Agent for every request, so every call pays a TLS handshake (most of the operator's CPU at fleet
 * scale). Credentials still come from the KubeConfig on each request; only the connection pool is shared,
 * one per distinct agent configuration (server CA, client certificate).
 */
export function withConnectionReuse(kubeConfig: KubeConfig, maxSockets = 32): KubeConfig {
  const pools = new Map<string, HttpsAgent>();
  const view = Object.create(kubeConfig) as KubeConfig;
  view.applySecurityAuthentication = async (context) => {
    await kubeConfig.applySecurityAuthentication(context);
    const agent = context.getAgent();
    // Proxy agents and plain HTTP keep client-node's behaviour.
    if (!(agent instanceof HttpsAgent) || agent.constructor !== HttpsAgent) return;
    const options = (agent as HttpsAgent & { options: Record<string, unknown> }).options;
    const key = JSON.stringify([options.ca, options.cert, options.key, options.pfx, options.rejectUnauthorized, options.servername].map((v) => (v === undefined ? null : String(v))));
    let pooled = pools.get(key);
    if (!pooled) {
      pooled = new DeferredReuseAgent({ ...options, keepAlive: true, maxSockets });
      pools.set(key, pooled);
    }
    context.setAgent(pooled);
  };
  return view;
}
