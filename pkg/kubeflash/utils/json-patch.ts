/** One JSON Patch (RFC 6902) operation. */
export type JsonPatchOp =
  | { op: 'add' | 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** RFC 6901: `~` and `/` in a key are escaped. */
const pointer = (base: string, key: string): string => `${ base }/${ key.replace(/~/g, '~0').replace(/\//g, '~1') }`;

/**
 * The JSON Patch that turns `before` (found at `path`) into `after`: `add` for new members (a whole new object
 * at once), `replace` for changed values (arrays whole), `remove` for members that are gone. Empty when nothing
 * changed. With no `test` operation it carries no resourceVersion, so a status write of the operator in between
 * cannot make it fail with a conflict.
 */
export function jsonPatchOps(before: unknown, after: unknown, path: string): JsonPatchOp[] {
  if (!isObject(before) || !isObject(after)) {
    if (JSON.stringify(before) === JSON.stringify(after)) {
      return [];
    }
    if (after === undefined) {
      return [{ op: 'remove', path }];
    }

    return [{
      op: before === undefined ? 'add' : 'replace', path, value: after
    }];
  }
  const ops: JsonPatchOp[] = [];

  for (const [key, value] of Object.entries(after)) {
    if (before[key] === undefined) {
      if (value !== undefined) {
        ops.push({
          op: 'add', path: pointer(path, key), value
        });
      }
    } else {
      ops.push(...jsonPatchOps(before[key], value, pointer(path, key)));
    }
  }
  for (const key of Object.keys(before)) {
    if (before[key] !== undefined && !(key in after)) {
      ops.push({ op: 'remove', path: pointer(path, key) });
    }
  }

  return ops;
}

/**
 * URL of one object through Rancher's Kubernetes proxy (`/k8s/clusters/<id>/...`, straight to the API server).
 * Writes go there rather than to Steve's /v1: Steve sends every PATCH that is not a JSON Patch on as a strategic
 * merge patch (custom resources refuse it) and takes a PATCH's namespace from a body it does not read.
 */
export function kubernetesObjectUrl(clusterId: string, names: { apiVersion: string; plural: string }, namespace: string, name: string): string {
  const e = encodeURIComponent;

  return `/k8s/clusters/${ e(clusterId) }/apis/${ names.apiVersion }/namespaces/${ e(namespace) }/${ names.plural }/${ e(name) }`;
}
