import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import type { KubeConfig } from '@kubernetes/client-node';
import { OPERATOR_NAME, WEBHOOK_CERT_SECRET_NAME, WEBHOOK_CONFIGURATION_NAME, WebhookCertSource } from '@kubeflash/install/names';
import { startOperator, type OperatorOptions } from '../manager/operator';
import { SecretCertificates } from '../webhooks/index';
import { loadKubeConfig } from '../kube/kubeconfig';
import { createLogger, LogFormat, parseLogLevel, type LogFormat as LogFormatType, type Logger } from '../manager/logger';
import { UsageError } from './errors';
import { parseNamespaces, parsePort } from './parse';

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
  webhookPort: string;
  webhookAddress: string;
  webhookCertSource: string;
  webhookCertSecret: string;
  webhookService: string;
  webhookConfiguration: string;
  operatorNamespace?: string;
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
    .option('--namespace <namespaces>', 'watch only these namespaces, separated by commas (default: all namespaces)')
    .option('--health-address <host>', 'address of /healthz, /readyz and /metrics', '0.0.0.0')
    .option('--health-port <port>', 'port of /healthz, /readyz and /metrics', '8080')
    .option('--no-leader-election', 'run the controllers at once (only with a single replica)')
    .option('--lease-namespace <namespace>', 'namespace of the leader Lease (default: $KUBEFLASH_NAMESPACE or "default")')
    .option('--device-concurrency <n>', 'Devices reconciled at the same time', '8')
    .option('--log-level <level>', 'least severe records logged: debug, info, warn or error', process.env.KUBEFLASH_LOG_LEVEL ?? 'info')
    .option('--log-format <format>', 'json (one object per line, for log collectors) or text', 'json')
    .option('--webhook-port <port>', 'HTTPS port of the admission webhooks (0 = no webhooks)', '0')
    .option('--webhook-address <host>', 'address of the admission webhooks', '0.0.0.0')
    .option('--webhook-cert-source <source>', 'who makes the webhook certificate: operator (made, renewed, caBundle patched) or cert-manager', WebhookCertSource.Operator)
    .option('--webhook-cert-secret <name>', 'Secret (operator namespace) with the webhook certificate', WEBHOOK_CERT_SECRET_NAME)
    .option('--webhook-service <name>', 'Service the API server calls the webhooks through (names in the certificate)', OPERATOR_NAME)
    .option('--webhook-configuration <name>', 'name of the Mutating/ValidatingWebhookConfiguration whose caBundle the operator keeps', WEBHOOK_CONFIGURATION_NAME)
    .option('--operator-namespace <namespace>', 'namespace of the operator (its webhook Secret and Service; default $KUBEFLASH_NAMESPACE)')
    .action((options: OperatorCommandOptions) => runOperatorCommand(options));
}

/** The webhook settings of the command line (undefined when --webhook-port is 0). */
function webhookOptions(options: OperatorCommandOptions, kubeConfig: KubeConfig, logger: Logger): OperatorOptions['webhooks'] {
  const port = parsePort(options.webhookPort, '--webhook-port');
  if (port === 0) return undefined;
  const sources = Object.values(WebhookCertSource) as string[];
  if (!sources.includes(options.webhookCertSource)) throw new UsageError(`--webhook-cert-source must be ${sources.join(' or ')}, got "${options.webhookCertSource}"`);
  const namespace = options.operatorNamespace ?? process.env.KUBEFLASH_NAMESPACE;
  if (!namespace) throw new UsageError('--webhook-port needs the operator\'s namespace (its certificate Secret and Service): pass --operator-namespace or set KUBEFLASH_NAMESPACE');
  const service = options.webhookService;
  return {
    host: options.webhookAddress,
    port,
    certificates: new SecretCertificates({
      kubeConfig,
      source: options.webhookCertSource as WebhookCertSource,
      namespace,
      secretName: options.webhookCertSecret,
      dnsNames: [`${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`],
      configurationName: options.webhookConfiguration,
      logger,
    }),
  };
}

async function runOperatorCommand(options: OperatorCommandOptions): Promise<void> {
  const healthPort = parsePort(options.healthPort, '--health-port');
  const namespaces = options.namespace === undefined ? undefined : parseNamespaces(options.namespace, '--namespace');
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
  const webhooks = webhookOptions(options, kubeConfig, logger);
  const identity = `${process.env.POD_NAME ?? hostname()}_${randomBytes(4).toString('hex')}`;
  const operator = await startOperator({
    kubeConfig,
    healthHost: options.healthAddress,
    healthPort,
    logger,
    namespace: namespaces,
    deviceConcurrency,
    leaderElection: options.leaderElection ? { identity, namespace: options.leaseNamespace } : false,
    webhooks,
  });
  await new Promise<void>((resolveStop) => {
    process.once('SIGINT', () => resolveStop());
    process.once('SIGTERM', () => resolveStop());
  });
  logger.info('shutting down');
  await operator.stop();
}
