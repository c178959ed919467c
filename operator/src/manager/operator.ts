import { ApiextensionsV1Api, VersionApi, type KubeConfig } from '@kubernetes/client-node';
import { startHealthServer, type HealthServer } from './health';
import { OperatorMetrics } from './metrics';

export const API_GROUP = 'kubeflash.dev';

export interface OperatorOptions {
  kubeConfig: KubeConfig;
  /** Address of the health endpoints; port 0 picks a free one. */
  healthHost?: string;
  healthPort?: number;
  log?: (line: string) => void;
}

export interface RunningOperator {
  readonly healthPort: number;
  stop(): Promise<void>;
}

/** Ready when the API server answers and serves the kubeflash CRDs. */
async function checkApiAndCrds(kubeConfig: KubeConfig): Promise<void> {
  await kubeConfig.makeApiClient(VersionApi).getCode();
  const crds = await kubeConfig.makeApiClient(ApiextensionsV1Api).listCustomResourceDefinition();
  const ours = crds.items.filter((crd) => crd.spec.group === API_GROUP);
  if (ours.length === 0) throw new Error(`no CustomResourceDefinitions of group ${API_GROUP} are installed`);
}

/**
 * Starts the operator process: health endpoints now, controllers as they are added (one per kind).
 * Resolves once the process is serving; readiness follows the API server.
 */
export async function startOperator(options: OperatorOptions): Promise<RunningOperator> {
  const log = options.log ?? (() => undefined);
  const metrics = new OperatorMetrics();
  const health: HealthServer = await startHealthServer(
    options.healthHost ?? '127.0.0.1',
    options.healthPort ?? 0,
    { 'kubernetes-api': () => checkApiAndCrds(options.kubeConfig) },
    () => metrics.exposition(),
  );
  const server = options.kubeConfig.getCurrentCluster()?.server ?? '(unknown)';
  log(`operator: health endpoints on http://127.0.0.1:${health.port}/healthz, /readyz and /metrics; API server ${server}`);
  return {
    healthPort: health.port,
    stop: async () => {
      await health.stop();
      log('operator: stopped');
    },
  };
}
