import { ApiException, KubernetesObjectApi, loadYaml, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';

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

/** The API server's own message (Status.message) of a failed request, else the error's message. */
export function apiErrorMessage(err: unknown): string {
  if (err instanceof ApiException) {
    const body: unknown = typeof err.body === 'string' ? safeJson(err.body) : err.body;
    const message = body && typeof body === 'object' ? (body as { message?: unknown }).message : undefined;
    return typeof message === 'string' ? `${message} (HTTP ${err.code})` : `HTTP ${err.code}`;
  }
  return err instanceof Error ? err.message : String(err);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describe(object: KubernetesObject): string {
  const ns = object.metadata?.namespace;
  return `${object.kind} ${ns ? `${ns}/` : ''}${object.metadata?.name ?? '(no name)'}`;
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
    try {
      outcomes.push(await ensureObject(client, typedForClient(object), mode));
    } catch (err) {
      throw new Error(`cannot apply ${describe(object)}: ${apiErrorMessage(err)}`, { cause: err });
    }
  }
  return outcomes;
}

/**
 * The object as client-node's typed models hold it. KubernetesObjectApi serializes known kinds through
 * those models, which read camel-cased property names: a plain manifest would silently lose fields such
 * as `x-kubernetes-int-or-string` and `x-kubernetes-validations` of a CRD schema. JSON is YAML, so the
 * library's own loader does the conversion.
 */
function typedForClient(object: KubernetesObject): KubernetesObject {
  return loadYaml<KubernetesObject>(JSON.stringify(object));
}

async function ensureObject(client: KubernetesObjectApi, object: KubernetesObject, mode: EnsureMode): Promise<EnsureOutcome> {
  const header = { apiVersion: object.apiVersion, kind: object.kind, metadata: { name: object.metadata?.name ?? '', namespace: object.metadata?.namespace } };
  let existing: KubernetesObject | undefined;
  try {
    existing = await client.read(header);
  } catch (err) {
    if (statusCode(err) !== 404) throw err;
  }
  if (!existing) {
    await client.create(object, undefined, undefined, FIELD_MANAGER);
    return 'created';
  }
  if (mode === 'create-or-keep') return 'kept';
  const replacement = { ...object, metadata: { ...object.metadata, resourceVersion: existing.metadata?.resourceVersion } };
  const before = existing.metadata?.resourceVersion;
  const after = (await client.replace(replacement, undefined, undefined, FIELD_MANAGER)).metadata?.resourceVersion;
  return before === after ? 'unchanged' : 'updated';
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
