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
    if (err instanceof StatusError) throw err;
    // kube-apiserver answers a patch that does not apply with a generic 422 and empty details.
    throw new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
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
 * The patched object as the JSON text kube-apiserver quotes in patch errors: the current object
 * in Go's field order, with the maps the patch touched (and the root) re-serialized in sorted key
 * order, as evanphx/json-patch does with the partial documents it decodes.
 */
export function patchedText(current: unknown, kind: 'merge' | 'json', patch: unknown): string {
  const touched = new Set<string>(['']);
  if (kind === 'merge') {
    const walk = (p: unknown, path: string) => {
      if (!isMap(p)) return;
      touched.add(path);
      for (const [k, v] of Object.entries(p)) walk(v, `${path}/${k}`);
    };
    walk(patch, '');
  } else if (Array.isArray(patch)) {
    for (const op of patch) {
      if (!isMap(op) || typeof op.path !== 'string') continue;
      const parts = op.path.split('/').slice(1);
      for (let i = 0; i < parts.length; i++) touched.add(`/${parts.slice(0, i).join('/')}`.replace(/\/$/, ''));
    }
  }
  const patched = kind === 'merge' ? applyMergePatch(current, patch) : safeJsonPatch(current, patch);
  const render = (v: unknown, path: string): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => render(x, `${path}/${i}`));
    if (!isMap(v)) return v;
    const keys = touched.has(path) ? Object.keys(v).sort() : Object.keys(v);
    const out: JsonMap = {};
    for (const k of keys) out[k] = render(v[k], `${path}/${k}`);
    return out;
  };
  return JSON.stringify(render(patched, ''));
}

function safeJsonPatch(current: unknown, patch: unknown): unknown {
  try {
    return applyJsonPatch(current, patch);
  } catch {
    return current;
  }
}
