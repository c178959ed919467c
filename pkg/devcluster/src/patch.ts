import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { badRequest, StatusError } from './errors';

type Json = unknown;
type JsonMap = Record<string, unknown>;

function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 7386 JSON merge patch: maps merge recursively, `null` deletes, everything else replaces. */
export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) return structuredClone(patch);
  const result: JsonMap = isMap(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) Reflect.deleteProperty(result, key);
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/** RFC 6902 JSON patch (via fast-json-patch); failures are 422 like kube-apiserver answers them. */
export function applyJsonPatch(target: Json, patch: Json): Json {
  if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  try {
    return fastJsonPatch.applyPatch(structuredClone(target), patch as Operation[], true, false).newDocument;
  } catch (err) {
    const e = err as { name?: string; message?: string; operation?: Operation };
    const op = e.operation ? `${e.operation.op} operation does not apply: doc is missing path: ${e.operation.path}` : (e.message ?? String(err));
    const message = e.name === 'TEST_OPERATION_FAILED' ? `testing value ${e.operation?.path} failed: test failed` : op;
    throw new StatusError(422, 'Invalid', message.split('\n')[0]);
  }
}

/**
 * Patch-merge keys of the list fields in core kinds that kubectl's strategic merge patches touch,
 * by field name. `''` marks a list of primitives merged as a set (like metadata.finalizers).
 * Lists not named here are replaced, as kube-apiserver does for fields without a patch strategy.
 */
const MERGE_KEYS: Record<string, string | ((items: unknown[]) => string)> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  volumes: 'name',
  imagePullSecrets: 'name',
  secrets: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  finalizers: '',
  ports: (items) => (items.some((i) => isMap(i) && 'containerPort' in i) ? 'containerPort' : 'port'),
};

function mergeKeyFor(field: string, items: unknown[]): string | undefined {
  const k = MERGE_KEYS[field];
  return typeof k === 'function' ? k(items) : k;
}

function strategicList(field: string, current: unknown, patch: unknown[], deleteValues: unknown[] | undefined): unknown[] {
  const key = mergeKeyFor(field, patch);
  const base = Array.isArray(current) ? current : [];
  if (patch.some((p) => isMap(p) && p.$patch === 'replace')) {
    return patch.filter((p) => !(isMap(p) && p.$patch === 'replace'));
  }
  if (key === undefined) return patch;
  if (key === '') {
    const merged = [...base];
    for (const p of patch) if (!merged.some((m) => JSON.stringify(m) === JSON.stringify(p))) merged.push(p);
    return deleteValues ? merged.filter((m) => !deleteValues.some((d) => JSON.stringify(d) === JSON.stringify(m))) : merged;
  }
  let result = [...base];
  for (const p of patch) {
    if (!isMap(p)) continue;
    const index = result.findIndex((r) => isMap(r) && r[key] === p[key]);
    if (p.$patch === 'delete') {
      result = result.filter((r) => !(isMap(r) && r[key] === p[key]));
    } else if (index >= 0) {
      result[index] = strategicMap(result[index], p);
    } else {
      result.push(strategicMap({}, p));
    }
  }
  return result;
}

function strategicMap(current: unknown, patch: JsonMap): unknown {
  if (patch.$patch === 'delete') return undefined;
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return rest;
  }
  const result: JsonMap = isMap(current) ? { ...current } : {};
  const retainKeys = Array.isArray(patch.$retainKeys) ? (patch.$retainKeys as string[]) : undefined;
  for (const [field, value] of Object.entries(patch)) {
    if (field.startsWith('$')) continue;
    if (value === null) {
      Reflect.deleteProperty(result, field);
    } else if (Array.isArray(value)) {
      result[field] = strategicList(field, result[field], value, patch[`$deleteFromPrimitiveList/${field}`] as unknown[] | undefined);
    } else if (isMap(value)) {
      const merged = strategicMap(result[field], value);
      if (merged === undefined) Reflect.deleteProperty(result, field);
      else result[field] = merged;
    } else {
      result[field] = value;
    }
  }
  for (const [field, value] of Object.entries(patch)) {
    const m = field.match(/^\$deleteFromPrimitiveList\/(.+)$/);
    if (m && Array.isArray(value) && !(m[1] in patch) && Array.isArray(result[m[1]])) {
      result[m[1]] = (result[m[1]] as unknown[]).filter((x) => !value.some((d) => JSON.stringify(d) === JSON.stringify(x)));
    }
  }
  if (retainKeys) for (const k of Object.keys(result)) if (!retainKeys.includes(k)) Reflect.deleteProperty(result, k);
  return result;
}

/**
 * Strategic merge patch for built-in kinds: maps merge, `null` deletes, lists with a known patch-merge
 * key merge by it (`$patch: delete|replace` honoured), `$retainKeys`, `$deleteFromPrimitiveList/<f>`;
 * `$setElementOrder/<f>` is accepted and ignored.
 */
export function applyStrategicMergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) throw badRequest('strategic merge patch must be a JSON object');
  return strategicMap(structuredClone(target), structuredClone(patch)) ?? {};
}

/**
 * Server-side apply, simplified: the applied configuration is merged into the live object (maps
 * recursively, keyed lists by their merge key, other lists replaced). Removing fields a manager
 * stopped applying is done by the caller with appliedFieldPaths/removeFieldPath; conflicts
 * between managers are never reported.
 */
export function applyServerSideApply(target: Json, applied: Json): Json {
  if (!isMap(applied)) throw badRequest('apply patch must be an object');
  const merge = (current: unknown, patch: unknown, field: string): unknown => {
    if (isMap(patch)) {
      const result: JsonMap = isMap(current) ? { ...current } : {};
      for (const [k, v] of Object.entries(patch)) result[k] = merge(result[k], v, k);
      return result;
    }
    if (Array.isArray(patch)) {
      const key = mergeKeyFor(field, patch);
      if (!key || !Array.isArray(current)) return structuredClone(patch);
      const result = [...current];
      for (const p of patch) {
        const i = result.findIndex((r) => isMap(r) && isMap(p) && r[key] === p[key]);
        if (i >= 0) result[i] = merge(result[i], p, '');
        else result.push(structuredClone(p));
      }
      return result;
    }
    return patch;
  };
  return merge(target, applied, '');
}

const IDENTITY = new Set(['["apiVersion"]', '["kind"]', '["metadata","name"]', '["metadata","namespace"]']);

/**
 * The fields an applied configuration sets, as JSON-encoded path segments: leaves, items of keyed
 * lists (`[type="Ready"]`) and values of set-like lists (`[="x"]`). Server-side apply uses them to
 * remove what a manager applied before and no longer applies.
 */
export function appliedFieldPaths(applied: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (value: unknown, segs: string[], field: string) => {
    if (isMap(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) walk(v, [...segs, k], k);
      return;
    }
    if (Array.isArray(value) && value.length > 0) {
      const key = mergeKeyFor(field, value);
      if (key === '') {
        for (const v of value) out.add(JSON.stringify([...segs, `[=${JSON.stringify(v)}]`]));
        return;
      }
      if (key && value.every((item) => isMap(item) && key in item)) {
        for (const item of value as JsonMap[]) {
          const itemSeg = `[${key}=${JSON.stringify(item[key])}]`;
          out.add(JSON.stringify([...segs, itemSeg]));
          for (const [k, v] of Object.entries(item)) if (k !== key) walk(v, [...segs, itemSeg, k], k);
        }
        return;
      }
    }
    out.add(JSON.stringify(segs));
  };
  walk(applied, [], '');
  for (const id of IDENTITY) out.delete(id);
  return out;
}

/** Removes one field path (from appliedFieldPaths) from an object, dropping containers it empties. */
export function removeFieldPath(target: unknown, path: string): void {
  const segs = JSON.parse(path) as string[];
  const parents: unknown[] = [];
  let node: unknown = target;
  for (const seg of segs.slice(0, -1)) {
    parents.push(node);
    node = step(node, seg);
    if (node === undefined) return;
  }
  removeIn(node, segs[segs.length - 1]);
  for (let i = segs.length - 2; i >= 0; i--) {
    const container = i === 0 ? target : parents[i];
    const child = step(container, segs[i]);
    const empty = (isMap(child) && Object.keys(child).length === 0) || (Array.isArray(child) && child.length === 0);
    if (!empty) break;
    removeIn(container, segs[i]);
  }
}

function itemMatcher(seg: string): ((item: unknown) => boolean) | undefined {
  const m = seg.match(/^\[([^=]*)=(.*)\]$/s);
  if (!m) return undefined;
  const value = JSON.parse(m[2]) as unknown;
  return m[1] === '' ? (item) => JSON.stringify(item) === JSON.stringify(value) : (item) => isMap(item) && item[m[1]] === value;
}

function step(node: unknown, seg: string): unknown {
  const match = itemMatcher(seg);
  if (match) return Array.isArray(node) ? node.find(match) : undefined;
  return isMap(node) ? node[seg] : undefined;
}

function removeIn(node: unknown, seg: string): void {
  const match = itemMatcher(seg);
  if (match && Array.isArray(node)) {
    const index = node.findIndex(match);
    if (index >= 0) node.splice(index, 1);
  } else if (isMap(node)) {
    Reflect.deleteProperty(node, seg);
  }
}
