import { Agent as HttpsAgent } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

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
      pooled = new HttpsAgent({ ...options, keepAlive: true, maxSockets });
      pools.set(key, pooled);
    }
    context.setAgent(pooled);
  };
  return view;
}
