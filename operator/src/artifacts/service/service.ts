import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { Firmware } from '@kubeflash/api';
import { FirmwareController } from '../../controllers/firmware/controller';
import { kubeFirmwareApi } from '../../controllers/firmware/api';
import type { BuilderSettings } from '../../controllers/firmware/job';
import { silentLogger, type Logger } from '../../manager/logger';
import { collectGarbage, type GcResult } from '../store/gc';
import type { BlobStore } from '../store/types';
import { DEFAULT_UPLOAD_LIMITS, type ServiceContext, type UploadLimits } from './context';
import { artifactRequestListener } from './router';

/** Options of {@link startArtifactService}. */
export interface ArtifactServiceOptions {
  kubeConfig: KubeConfig;
  store: BlobStore;
  /** Listen address (default 127.0.0.1) and port (0 = any free one). */
  host?: string;
  port?: number;
  /** Base URL devices, browsers and scripts reach the service at; default http://<host>:<port>. */
  publicUrl?: string;
  /** Key of signed URLs. */
  urlKey: Uint8Array;
  builder: BuilderSettings;
  /** A build Job that has not started after this long fails its Firmware (default 10 minutes). */
  startTimeoutMs?: number;
  /** Watch only this namespace, or these (default all). */
  namespace?: string | readonly string[];
  limits?: Partial<UploadLimits>;
  /** Garbage collection of unreferenced blobs: how often and how old they must be (default hourly, 1 hour). */
  gcIntervalMs?: number;
  gcGraceMs?: number;
  logger?: Logger;
  now?: () => Date;
}

/** A running artifact service. */
export interface RunningArtifactService {
  /** Base URL as announced (publicUrl). */
  readonly url: string;
  readonly port: number;
  readonly controller: FirmwareController;
  /** Deletes unreferenced blobs older than the grace period now. */
  collectGarbage(): Promise<GcResult>;
  stop(): Promise<void>;
}

/** SHA-256 of every artifact the Firmware objects reference. */
export function referencedBlobs(firmwares: readonly Firmware[]): Set<string> {
  return new Set(firmwares.flatMap((f) => (f.status?.artifacts ?? []).map((a) => a.sha256)));
}

/**
 * Starts the artifact service: the Firmware controller (informers, build Jobs, finalizer) and the HTTP server
 * (content-addressed blobs, per-firmware files, signed per-device files, uploads), plus periodic garbage
 * collection. Serves once the caches are synced.
 */
export async function startArtifactService(options: ArtifactServiceOptions): Promise<RunningArtifactService> {
  const logger = options.logger ?? silentLogger;
  const log = (line: string): void => logger.info(line);
  const now = options.now ?? (() => new Date());
  const store = options.store;
  const grace = options.gcGraceMs ?? 60 * 60_000;
  const releaseArtifacts = async (firmware: Firmware): Promise<void> => {
    const others = controller.firmwares.list().filter((f) => f.metadata.uid !== firmware.metadata.uid);
    const keep = referencedBlobs(others);
    for (const a of firmware.status?.artifacts ?? []) if (!keep.has(a.sha256)) await store.delete(a.sha256);
  };
  const controller: FirmwareController = new FirmwareController({
    kubeConfig: options.kubeConfig,
    settings: options.builder,
    startTimeoutMs: options.startTimeoutMs,
    releaseArtifacts,
    namespace: options.namespace,
    logger,
    now: options.now,
  });
  await controller.start();

  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = (options.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
  const ctx: ServiceContext = {
    store,
    firmwares: controller.firmwares,
    classes: controller.classes,
    api: kubeFirmwareApi(options.kubeConfig),
    core: options.kubeConfig.makeApiClient(CoreV1Api),
    custom: options.kubeConfig.makeApiClient(CustomObjectsApi),
    urlKey: options.urlKey,
    publicUrl: url,
    limits: { ...DEFAULT_UPLOAD_LIMITS, ...options.limits },
    log,
    now,
  };
  server.on('request', artifactRequestListener(ctx));
  server.keepAliveTimeout = 65_000;
  log(`artifacts: serving ${store.description} on http://${host}:${port} (public URL ${url})`);

  const gc = async (): Promise<GcResult> => {
    const result = await collectGarbage(store, referencedBlobs(controller.firmwares.list()), now(), grace);
    if (result.deleted.length > 0) log(`artifacts: garbage collection removed ${result.deleted.length} unreferenced blob(s), kept ${result.kept}`);
    return result;
  };
  const timer = setInterval(() => {
    gc().catch((err: unknown) => log(`artifacts: garbage collection failed: ${err instanceof Error ? err.message : String(err)}`));
  }, options.gcIntervalMs ?? 60 * 60_000);
  timer.unref();

  return {
    url,
    port,
    controller,
    collectGarbage: gc,
    stop: async () => {
      clearInterval(timer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await controller.stop();
    },
  };
}
