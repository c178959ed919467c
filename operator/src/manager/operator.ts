import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ApiException, CustomObjectsApi, VersionApi, type KubeConfig } from '@kubernetes/client-node';
import { VERSION } from '@kubeflash/api';
import type { WatchedNamespaces } from '../controllers/caches';
import { startConfigControllers, type ConfigControllers } from '../controllers/config-controllers';
import { apiErrorMessage } from '../kube/apply';
import { startWebhooks, type RunningWebhooks, type WebhookCertificates } from '../webhooks/index';
import { withConnectionReuse } from './connections';
import { startHealthServer, type HealthServer } from './health';
import { LeaderElector } from './leader';
import { silentLogger, type Logger } from './logger';
import { OperatorMetrics } from './metrics';

export const API_GROUP = 'kubeflash.dev';

export interface OperatorOptions {
  kubeConfig: KubeConfig;
  /** Address of the health endpoints; port 0 picks a free one. */
  healthHost?: string;
  healthPort?: number;
  /** Structured log of the process (default: nothing is logged). */
  logger?: Logger;
  /**
   * Lease-based leader election so that of several replicas only one writes (default on: Lease
   * `kubeflash-operator` in $KUBEFLASH_NAMESPACE or "default"); false runs the controllers at once.
   */
  leaderElection?: false | { namespace?: string; leaseName?: string; identity?: string; leaseDurationSeconds?: number; retryPeriodMs?: number };
  /** Watch only this namespace, or these namespaces (default: all namespaces). */
  namespace?: WatchedNamespaces;
  /** Run the config controllers (default true). */
  controllers?: boolean;
  /** Full resync period of the controllers (default 10 minutes; 0 disables). */
  resyncPeriodMs?: number;
  /** Concurrent Device reconciles (default 8). */
  deviceConcurrency?: number;
  /** Serve the admission webhooks (on every replica, leader or not). */
  webhooks?: { host?: string; port: number; certificates: WebhookCertificates };
  /** Connect to the DevicesClusters' brokers: accounts and device reports (default true). */
  brokers?: boolean;
  /** At most one heartbeat-only status write per device per this interval (default 60 s). */
  statusWriteIntervalMs?: number;
  /** Namespace of the artifact service's URL-signing key (default: the leader election namespace, the operator's own). */
  urlKeyNamespace?: string;
}

export interface RunningOperator {
  readonly healthPort: number;
  readonly metrics: OperatorMetrics;
  /** Port of the webhook server, once it serves. */
  webhookPort(): number | undefined;
  /** True while this process runs the controllers (it holds the lease, or election is off). */
  readonly isLeader: boolean;
  /** The running controllers, once leading and synced. */
  controllers(): ConfigControllers | undefined;
  /** Resolves when the controllers are running (after winning the lease and syncing the caches). */
  whenControllersRunning(): Promise<ConfigControllers>;
  /** Graceful shutdown: stops taking work, finishes running reconciles, releases the lease, closes health. */
  stop(): Promise<void>;
}

/**
 * Ready when the API server answers and serves the kubeflash kinds. Asks discovery (which every authenticated
 * client may read), so the operator needs no access to CustomResourceDefinitions.
 */
async function checkApiAndCrds(kubeConfig: KubeConfig): Promise<void> {
  await kubeConfig.makeApiClient(VersionApi).getCode();
  let resources: string[];
  try {
    const list = await kubeConfig.makeApiClient(CustomObjectsApi).getAPIResources({ group: API_GROUP, version: VERSION });
    resources = list.resources.map((r) => r.name);
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) throw new Error(`the API server does not serve ${API_GROUP}/${VERSION}: install the kubeflash CRDs`);
    throw err;
  }
  if (!resources.includes('devices')) throw new Error(`the API server serves ${API_GROUP}/${VERSION} without devices: install the kubeflash CRDs`);
}

/**
 * Starts the operator process: health endpoints now, controllers as they are added (one per kind).
 * Resolves once the process is serving; readiness follows the API server.
 */
export async function startOperator(options: OperatorOptions): Promise<RunningOperator> {
  const logger = options.logger ?? silentLogger;
  const metrics = new OperatorMetrics();
  const webhooks: RunningWebhooks | undefined = options.webhooks
    ? await startWebhooks({
        kubeConfig: withConnectionReuse(options.kubeConfig),
        host: options.webhooks.host ?? '0.0.0.0',
        port: options.webhooks.port,
        certificates: options.webhooks.certificates,
        logger,
        metrics,
      })
    : undefined;
  const checks: Record<string, () => Promise<void>> = { 'kubernetes-api': () => checkApiAndCrds(options.kubeConfig) };
  if (webhooks) checks.webhooks = () => webhooks.check();
  const health: HealthServer = await startHealthServer(
    options.healthHost ?? '127.0.0.1',
    options.healthPort ?? 0,
    checks,
    () => metrics.exposition(),
    // Rejected device messages (reason, field, topic; never payloads), newest last.
    { '/debug/dead-letters': () => ({ recorded: running?.reported.deadLetters.recorded ?? 0, letters: running?.reported.deadLetters.list() ?? [] }) },
  );
  const server = options.kubeConfig.getCurrentCluster()?.server ?? '(unknown)';
  logger.info(`operator: health endpoints on http://127.0.0.1:${health.port}/healthz, /readyz and /metrics`, { apiServer: server });

  const ownNamespace = (options.leaderElection ? options.leaderElection.namespace : undefined) ?? process.env.KUBEFLASH_NAMESPACE ?? 'default';
  let running: ConfigControllers | undefined;
  let starting: Promise<void> | undefined;
  let leading = false;
  let waiters: ((c: ConfigControllers) => void)[] = [];
  const startControllers = (): void => {
    leading = true;
    metrics.isLeader.set(1);
    if (options.controllers === false || starting) return;
    starting = (async () => {
      for (let attempt = 0; leading; attempt++) {
        try {
          const controllers = await startConfigControllers({
            kubeConfig: options.kubeConfig,
            metrics,
            logger,
            resyncPeriodMs: options.resyncPeriodMs,
            namespace: options.namespace,
            deviceConcurrency: options.deviceConcurrency,
            brokers: options.brokers,
            statusWriteIntervalMs: options.statusWriteIntervalMs,
            urlKeyNamespace: options.urlKeyNamespace ?? ownNamespace,
          });
          if (!leading) {
            await controllers.stop();
            return;
          }
          running = controllers;
          logger.info('operator: config controllers running', { controllers: 'device,devicegroup,deviceclass,devicescluster,signingkey,classfirmware,deviceaccess,rollout' });
          for (const w of waiters) w(controllers);
          waiters = [];
          return;
        } catch (err) {
          logger.error('operator: cannot start the controllers; retrying', { attempt: attempt + 1, error: apiErrorMessage(err) });
          await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** attempt)));
        }
      }
    })().finally(() => {
      starting = undefined;
    });
  };
  const stopControllers = async (): Promise<void> => {
    leading = false;
    metrics.isLeader.set(0);
    await starting;
    const controllers = running;
    running = undefined;
    await controllers?.stop();
  };

  const election = options.leaderElection === undefined ? {} : options.leaderElection;
  let elector: LeaderElector | undefined;
  if (election === false) {
    startControllers();
  } else {
    elector = new LeaderElector({
      kubeConfig: options.kubeConfig,
      namespace: election.namespace ?? process.env.KUBEFLASH_NAMESPACE ?? 'default',
      leaseName: election.leaseName ?? 'kubeflash-operator',
      identity: election.identity ?? `${hostname()}_${randomBytes(4).toString('hex')}`,
      leaseDurationSeconds: election.leaseDurationSeconds,
      retryPeriodMs: election.retryPeriodMs,
      onStartedLeading: startControllers,
      onStoppedLeading: () => {
        logger.warn('operator: lost the lease; stopping the controllers');
        void stopControllers();
      },
      logger,
    });
    elector.start();
  }

  return {
    healthPort: health.port,
    metrics,
    get isLeader() {
      return leading;
    },
    controllers: () => running,
    webhookPort: () => webhooks?.port(),
    whenControllersRunning: () => (running ? Promise.resolve(running) : new Promise((resolve) => waiters.push(resolve))),
    stop: async () => {
      await stopControllers();
      await elector?.stop();
      await webhooks?.stop();
      await health.stop();
      logger.info('operator: stopped');
    },
  };
}
