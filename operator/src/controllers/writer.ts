import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type CoreV1Event,
  type KubeConfig,
  type V1Secret,
} from '@kubernetes/client-node';
import { GROUP, VERSION } from '@kubeflash/api';

/** Every write the config controllers make, behind one interface (tests record calls with a fake). */
export interface ApiWriter {
  createSecret(secret: V1Secret): Promise<void>;
  /** Replaces a Secret; `secret.metadata.resourceVersion` guards against lost updates (409 on conflict). */
  replaceSecret(secret: V1Secret): Promise<void>;
  /** Server-side applies `status` to the /status subresource of a kubeflash object with the given field manager. */
  applyStatus(kind: string, plural: string, namespace: string, name: string, status: object, fieldManager: string): Promise<void>;
  createEvent(event: CoreV1Event): Promise<void>;
  /** Sets metadata.finalizers of a kubeflash object (JSON merge patch guarded by resourceVersion: 409 on conflict). */
  setFinalizers(plural: string, namespace: string, name: string, finalizers: string[], resourceVersion: string | undefined): Promise<void>;
}

/** Counts writes by resource and verb (for metrics). */
export type WriteObserver = (resource: string, verb: string) => void;

/** The ApiWriter of a real cluster. */
export function kubeApiWriter(kubeConfig: KubeConfig, observe: WriteObserver = () => undefined): ApiWriter {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const apply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  return {
    async createSecret(secret) {
      observe('secrets', 'create');
      await core.createNamespacedSecret({ namespace: secret.metadata?.namespace ?? '', body: secret });
    },
    async replaceSecret(secret) {
      observe('secrets', 'update');
      await core.replaceNamespacedSecret({ name: secret.metadata?.name ?? '', namespace: secret.metadata?.namespace ?? '', body: secret });
    },
    async applyStatus(kind, plural, namespace, name, status, fieldManager) {
      observe(`${plural}/status`, 'apply');
      await custom.patchNamespacedCustomObjectStatus(
        { group: GROUP, version: VERSION, plural, namespace, name, fieldManager, force: true, body: { apiVersion: `${GROUP}/${VERSION}`, kind, metadata: { name, namespace }, status } },
        apply,
      );
    },
    async createEvent(event) {
      observe('events', 'create');
      await core.createNamespacedEvent({ namespace: event.metadata?.namespace ?? '', body: event });
    },
    async setFinalizers(plural, namespace, name, finalizers, resourceVersion) {
      observe(plural, 'patch');
      await custom.patchNamespacedCustomObject(
        { group: GROUP, version: VERSION, plural, namespace, name, body: { metadata: { finalizers, ...(resourceVersion ? { resourceVersion } : {}) } } },
        merge,
      );
    },
  };
}
