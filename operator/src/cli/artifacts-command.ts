import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CoreV1Api } from '@kubernetes/client-node';
import { PINNED_IMAGE_PATTERN } from '@kubeflash/api';
import { openFileSystemStore, openS3Store, type BlobStore } from '../artifacts/store/index';
import { startArtifactService } from '../artifacts/service/service';
import { ensureUrlKey } from '../artifacts/url-key';
import { DEFAULT_BUILDER_SETTINGS, type BuilderSettings } from '../controllers/firmware/job';
import { loadKubeConfig } from '../kube/kubeconfig';
import { createLogger, LogFormat, parseLogLevel, type LogFormat as LogFormatType } from '../manager/logger';
import { UsageError } from './errors';
import { parseNamespaces, parsePort } from './parse';

interface ArtifactsCommandOptions {
  kubeconfig?: string;
  namespace?: string;
  host: string;
  port: string;
  publicUrl?: string;
  store: string;
  dataDir: string;
  s3Bucket?: string;
  s3Endpoint?: string;
  s3Region: string;
  s3Prefix?: string;
  stagingDir?: string;
  keyNamespace?: string;
  builderImage: string;
  uploaderImage: string;
  uploaderCommand: string;
  internalUrl: string;
  buildStartTimeout: string;
  logLevel: string;
  logFormat: string;
}

/** Opens the configured store: a folder (a PVC in the chart) or an S3-compatible bucket (credentials from the AWS SDK's chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, IRSA, ...). */
export async function openStore(options: Pick<ArtifactsCommandOptions, 'store' | 'dataDir' | 's3Bucket' | 's3Endpoint' | 's3Region' | 's3Prefix' | 'stagingDir'>, log: (line: string) => void): Promise<BlobStore> {
  if (options.store === 'filesystem') {
    const { store, removedPartialUploads } = await openFileSystemStore(resolve(options.dataDir));
    if (removedPartialUploads) log(`artifacts: removed ${removedPartialUploads} partial upload(s) left by the previous process`);
    return store;
  }
  if (options.store === 's3') {
    if (!options.s3Bucket) throw new UsageError('--store s3 needs --s3-bucket');
    const stagingDir = options.stagingDir === undefined ? undefined : resolve(options.stagingDir);
    const { store, removedPartialUploads } = await openS3Store({ bucket: options.s3Bucket, endpoint: options.s3Endpoint, region: options.s3Region, prefix: options.s3Prefix, stagingDir });
    if (removedPartialUploads) log(`artifacts: removed ${removedPartialUploads} partial upload(s) left by the previous process`);
    return store;
  }
  throw new UsageError(`--store must be filesystem or s3, got "${options.store}"`);
}

/** `kubeflash artifacts`: the artifact service process (its own Deployment in the chart). */
export function registerArtifactsCommand(program: Command): void {
  program
    .command('artifacts')
    .description('run the artifact service: firmware uploads, build Jobs, signed downloads (filesystem or S3 storage)')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or the in-cluster service account)')
    .option('--namespace <namespaces>', 'watch only these namespaces, comma-separated (default: all namespaces)')
    .option('--host <host>', 'listen address', '0.0.0.0')
    .option('--port <port>', 'listen port', '8080')
    .option('--public-url <url>', 'base URL devices, browsers and scripts reach the service at (e.g. the Ingress); default http://<host>:<port>')
    .option('--store <kind>', 'where blobs live: filesystem or s3', 'filesystem')
    .option('--data-dir <dir>', 'folder of the filesystem store (a PersistentVolume)', '/var/lib/kubeflash/artifacts')
    .option('--s3-bucket <bucket>', 'bucket of the s3 store')
    .option('--s3-endpoint <url>', 'endpoint of an S3-compatible server (MinIO ...); omitted: AWS S3')
    .option('--s3-region <region>', 'region of the bucket', 'us-east-1')
    .option('--s3-prefix <prefix>', 'key prefix inside the bucket, e.g. kubeflash/')
    .option('--staging-dir <dir>', 'folder uploads are staged in before they go to the s3 store (default: the system temp folder; the filesystem store stages inside --data-dir)')
    .option('--key-namespace <namespace>', 'namespace of the signed-URL key Secret (default: $KUBEFLASH_NAMESPACE or kubeflash-system)')
    .option('--builder-image <image>', 'ESP-IDF image of build Jobs, pinned by digest', DEFAULT_BUILDER_SETTINGS.image)
    .option('--uploader-image <image>', "image with the operator bundle, running build Jobs' upload step", DEFAULT_BUILDER_SETTINGS.uploaderImage)
    .option('--uploader-command <command>', 'command running the operator bundle in the uploader image (space-separated)', DEFAULT_BUILDER_SETTINGS.uploaderCommand.join(' '))
    .option('--internal-url <url>', 'base URL build pods reach this service at', DEFAULT_BUILDER_SETTINGS.artifactsUrl)
    .option('--build-start-timeout <seconds>', 'fail a build Job that has not started after this long', '600')
    .option('--log-level <level>', 'least severe records logged: debug, info, warn or error', process.env.KUBEFLASH_LOG_LEVEL ?? 'info')
    .option('--log-format <format>', 'json (one object per line) or text', process.env.KUBEFLASH_LOG_FORMAT ?? 'json')
    .action((options: ArtifactsCommandOptions) => runArtifacts(options));
}

async function runArtifacts(options: ArtifactsCommandOptions): Promise<void> {
  const port = parsePort(options.port, '--port');
  // Checked like the operator's: an empty or malformed list must never turn into "all namespaces".
  const namespaces = options.namespace === undefined ? undefined : parseNamespaces(options.namespace, '--namespace');
  if (!new RegExp(PINNED_IMAGE_PATTERN).test(options.builderImage)) throw new UsageError(`--builder-image must be pinned by digest (name@sha256:<64 hex digits>), got "${options.builderImage}"`);
  if (options.stagingDir !== undefined && options.store !== 's3') throw new UsageError('--staging-dir is for --store s3 (the filesystem store stages inside --data-dir)');
  const startTimeout = Number(options.buildStartTimeout);
  if (!Number.isInteger(startTimeout) || startTimeout < 10) throw new UsageError(`--build-start-timeout must be a whole number of seconds (at least 10), got "${options.buildStartTimeout}"`);
  const level = parseLogLevel(options.logLevel);
  if (!level) throw new UsageError(`--log-level must be one of debug, info, warn, error, got "${options.logLevel}"`);
  if (!(Object.values(LogFormat) as string[]).includes(options.logFormat)) throw new UsageError(`--log-format must be json or text, got "${options.logFormat}"`);
  const logger = createLogger({ level, format: options.logFormat as LogFormatType }).with({ component: 'artifacts' });
  const log = (line: string): void => logger.info(line);
  let kubeConfig;
  try {
    kubeConfig = loadKubeConfig(options.kubeconfig);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const store = await openStore(options, log);
  const keyNamespace = options.keyNamespace ?? process.env.KUBEFLASH_NAMESPACE ?? 'kubeflash-system';
  const urlKey = await ensureUrlKey(kubeConfig.makeApiClient(CoreV1Api), keyNamespace);
  const builder: BuilderSettings = {
    ...DEFAULT_BUILDER_SETTINGS,
    image: options.builderImage,
    uploaderImage: options.uploaderImage,
    uploaderCommand: options.uploaderCommand.split(/\s+/).filter(Boolean),
    artifactsUrl: options.internalUrl,
  };
  const service = await startArtifactService({
    kubeConfig,
    store,
    host: options.host,
    port,
    publicUrl: options.publicUrl,
    urlKey,
    builder,
    startTimeoutMs: startTimeout * 1000,
    namespace: namespaces,
    logger,
  });
  await new Promise<void>((resolveStop) => {
    process.once('SIGINT', () => resolveStop());
    process.once('SIGTERM', () => resolveStop());
  });
  log('shutting down');
  await service.stop();
}
