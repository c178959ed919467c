import { ApiException, KubernetesObjectApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';

export const FIELD_MANAGER = 'kubeflash';

/** What `ensureObjects` did with each object. */
export type EnsureOutcome = 'created' | 'updated' | 'unchanged' | 'kept';

/**
 * `create-or-keep` creates objects that do not exist and leaves existing ones alone (user edits survive
 * a restart of `kubeflash dev`); `create-or-replace` also replaces existing ones with the given content
 * (CRDs must always match the running code).
 */
export type EnsureMode = 'create-or-keep' | 'create-or-replace';

function statusCode(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

/** Ensures each object exists on the API server, in order. Returns what happened to each. */
export async function ensureObjects(
  kubeConfig: KubeConfig,
  objects: KubernetesObject[],
  mode: EnsureMode,
): Promise<EnsureOutcome[]> {
  const client = KubernetesObjectApi.makeApiClient(kubeConfig);
  const outcomes: EnsureOutcome[] = [];
  for (const object of objects) {
    const header = { apiVersion: object.apiVersion, kind: object.kind, metadata: { name: object.metadata?.name ?? '', namespace: object.metadata?.namespace } };
    let existing: KubernetesObject | undefined;
    try {
      existing = await client.read(header);
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
    }
    if (!existing) {
      await client.create(object, undefined, undefined, FIELD_MANAGER);
      outcomes.push('created');
    } else if (mode === 'create-or-keep') {
      outcomes.push('kept');
    } else {
      const replacement = { ...object, metadata: { ...object.metadata, resourceVersion: existing.metadata?.resourceVersion } };
      const before = existing.metadata?.resourceVersion;
      const after = (await client.replace(replacement, undefined, undefined, FIELD_MANAGER)).metadata?.resourceVersion;
      outcomes.push(before === after ? 'unchanged' : 'updated');
    }
  }
  return outcomes;
}

interface CrdStatus {
  status?: { conditions?: { type: string; status: string }[] };
}

/** Waits until every named CRD reports Established=True, as a client must before using its resources. */
export async function waitForCrdsEstablished(kubeConfig: KubeConfig, names: string[], timeoutMs = 30_000): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kubeConfig);
  const deadline = Date.now() + timeoutMs;
  for (const name of names) {
    for (;;) {
      const crd = (await client.read({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name } })) as KubernetesObject & CrdStatus;
      if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CustomResourceDefinition ${name} is not Established after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
