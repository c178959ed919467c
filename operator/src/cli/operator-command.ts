import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { startOperator } from '../manager/operator';
import { loadKubeConfig } from '../kube/kubeconfig';
import { createLogger, LogFormat, parseLogLevel, type LogFormat as LogFormatType } from '../manager/logger';
import { UsageError } from './errors';
import { parsePort } from './parse';

interface OperatorCommandOptions {
  kubeconfig?: string;
  namespace?: string;
  healthAddress: string;
  healthPort: string;
  leaderElection: boolean;
  leaseNamespace?: string;
  deviceConcurrency: string;
  logLevel: string;
  logFormat: string;
}

/**
 * `kubeflash operator`: the operator process as the Helm chart runs it (in-cluster config, or a kubeconfig),
 * with leader election, health and metrics endpoints, until SIGTERM/SIGINT.
 */
export function registerOperatorCommand(program: Command): void {
  program
    .command('operator')
    .description('run the kubeflash operator against a cluster (in-cluster config, $KUBECONFIG or --kubeconfig)')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or the in-cluster service account)')
    .option('--namespace <namespace>', 'watch only this namespace (default: all namespaces)')
    .option('--health-address <host>', 'address of /healthz, /readyz and /metrics', '0.0.0.0')
    .option('--health-port <port>', 'port of /healthz, /readyz and /metrics', '8080')
    .option('--no-leader-election', 'run the controllers at once (only with a single replica)')
    .option('--lease-namespace <namespace>', 'namespace of the leader Lease (default: $KUBEFLASH_NAMESPACE or "default")')
    .option('--device-concurrency <n>', 'Devices reconciled at the same time', '8')
    .option('--log-level <level>', 'least severe records logged: debug, info, warn or error', process.env.KUBEFLASH_LOG_LEVEL ?? 'info')
    .option('--log-format <format>', 'json (one object per line, for log collectors) or text', 'json')
    .action((options: OperatorCommandOptions) => runOperatorCommand(options));
}

async function runOperatorCommand(options: OperatorCommandOptions): Promise<void> {
  const healthPort = parsePort(options.healthPort, '--health-port');
  const deviceConcurrency = Number(options.deviceConcurrency);
  if (!Number.isInteger(deviceConcurrency) || deviceConcurrency < 1) {
    throw new UsageError(`--device-concurrency must be a whole number of at least 1, got "${options.deviceConcurrency}"`);
  }
  let kubeConfig;
  try {
    kubeConfig = loadKubeConfig(options.kubeconfig);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const level = parseLogLevel(options.logLevel);
  if (!level) throw new UsageError(`--log-level must be one of debug, info, warn, error, got "${options.logLevel}"`);
  if (!(Object.values(LogFormat) as string[]).includes(options.logFormat)) {
    throw new UsageError(`--log-format must be json or text, got "${options.logFormat}"`);
  }
  const logger = createLogger({ level, format: options.logFormat as LogFormatType });
  const identity = `${process.env.POD_NAME ?? hostname()}_${randomBytes(4).toString('hex')}`;
  const operator = await startOperator({
    kubeConfig,
    healthHost: options.healthAddress,
    healthPort,
    logger,
    namespace: options.namespace,
    deviceConcurrency,
    leaderElection: options.leaderElection ? { identity, namespace: options.leaseNamespace } : false,
  });
  await new Promise<void>((resolveStop) => {
    process.once('SIGINT', () => resolveStop());
    process.once('SIGTERM', () => resolveStop());
  });
  logger.info('shutting down');
  await operator.stop();
}
