import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiException, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { createLogger, LogFormat } from '@kubeflash/operator';
import { ARTIFACTS_URL_FILE } from '@kubeflash/operator/cli';
import { DEFAULT_BUILDER_SETTINGS, ensureUrlKey, openFileSystemStore, startArtifactService } from '@kubeflash/operator/artifacts';

/** Namespace of the dev artifact service's signed-URL key (as the chart's release namespace). */
export const DEV_SYSTEM_NAMESPACE = 'kubeflash-system';

/** Starts the artifact service in this process, storing blobs in <state-dir>/artifacts; its URL goes to <state-dir>/artifacts.url. */
export async function startDevArtifacts(kubeConfig: KubeConfig, artifacts: { stateDir: string; port: number }, log: (line: string) => void) {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  try {
    await core.createNamespace({ body: { metadata: { name: DEV_SYSTEM_NAMESPACE } } });
  } catch (err) {
    if (!(err instanceof ApiException && err.code === 409)) throw err;
  }
  const { store, removedPartialUploads } = await openFileSystemStore(join(artifacts.stateDir, 'artifacts'));
  if (removedPartialUploads) log(`artifacts: removed ${removedPartialUploads} partial upload(s) left by the previous run`);
  const service = await startArtifactService({
    kubeConfig,
    store,
    port: artifacts.port,
    urlKey: await ensureUrlKey(core, DEV_SYSTEM_NAMESPACE),
    // No pods run here: build Jobs are created (and shown) but never start; dev uploads demo builds instead.
    builder: { ...DEFAULT_BUILDER_SETTINGS, uploaderImage: 'kubeflash-operator:dev', artifactsUrl: 'http://127.0.0.1' },
    startTimeoutMs: 24 * 3600_000,
    logger: createLogger({ format: LogFormat.Text }),
  });
  await writeFile(join(artifacts.stateDir, ARTIFACTS_URL_FILE), `${service.url}\n`);
  return service;
}

/** The example DevicesClusters download OTA images from this run's artifact service (devices on this machine reach it). */
export async function pointClustersAtArtifacts(kubeConfig: KubeConfig, objects: KubernetesObject[], url: string, log: (line: string) => void): Promise<void> {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  for (const o of objects.filter((x) => x.kind === 'DevicesCluster')) {
    await custom.patchNamespacedCustomObject(
      { group: 'kubeflash.dev', version: 'v1alpha1', plural: 'devicesclusters', namespace: o.metadata?.namespace ?? 'default', name: o.metadata?.name ?? '', body: { spec: { artifacts: { publicBaseUrl: url } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    log(`examples: DevicesCluster ${o.metadata?.namespace}/${o.metadata?.name} serves OTA downloads from ${url}`);
  }
}
