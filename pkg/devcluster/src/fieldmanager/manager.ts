/**
 * metadata.managedFields as kube-apiserver's field manager keeps them: every Update records the
 * fields it changed under its manager (`fieldManager` or the User-Agent's program name), every
 * server-side Apply owns exactly the fields it applied, fields another manager owns with a
 * different value are an apply conflict (409) unless forced, and fields a manager stops applying
 * are removed unless someone else owns them.
 */
import { StatusError } from '../errors';
import type { TypeNode } from '../typed/types';
import { FieldSet, fieldPE, pathText, type FieldPath } from './fieldset';
import { compare, ensureNamedFieldsAreMembers, jsonEqual, merge, removeItems, toFieldSet, type Comparison } from './typed';

export type Operation = 'Apply' | 'Update';

export interface ManagerEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

/** The fields no manager ever owns (stripMetaManager). */
const STRIPPED = FieldSet.fromPaths([
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ['f:metadata', 'f:name'],
  ['f:metadata', 'f:namespace'],
  ['f:metadata', 'f:creationTimestamp'],
  ['f:metadata', 'f:selfLink'],
  ['f:metadata', 'f:uid'],
  ['f:metadata', 'f:clusterName'],
  ['f:metadata', 'f:generation'],
  ['f:metadata', 'f:managedFields'],
  ['f:metadata', 'f:resourceVersion'],
]);

/** At most this many Update managers are kept; older ones are merged into `ancient-changes` (capManagersManager). */
const MAX_UPDATE_MANAGERS = 10;

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The manager identifier: manager, operation, apiVersion (updates only), subresource. */
export function managerKey(e: Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  const id: Record<string, string> = { manager: e.manager, operation: e.operation };
  if (e.operation === 'Update') id.apiVersion = e.apiVersion;
  if (e.subresource) id.subresource = e.subresource;
  return JSON.stringify(id);
}

/** Reads metadata.managedFields; undefined when absent or not decodable. */
export function decodeManagedFields(obj: Record<string, unknown>): Map<string, ManagerEntry> | undefined {
  const meta = obj.metadata;
  const list = isMap(meta) ? meta.managedFields : undefined;
  if (!Array.isArray(list)) return undefined;
  const out = new Map<string, ManagerEntry>();
  for (const raw of list) {
    if (!isMap(raw) || (raw.operation !== 'Apply' && raw.operation !== 'Update') || (raw.fieldsType !== undefined && raw.fieldsType !== 'FieldsV1')) return undefined;
    const entry: ManagerEntry = {
      manager: typeof raw.manager === 'string' ? raw.manager : '',
      operation: raw.operation,
      apiVersion: typeof raw.apiVersion === 'string' ? raw.apiVersion : '',
      subresource: typeof raw.subresource === 'string' && raw.subresource ? raw.subresource : undefined,
      time: typeof raw.time === 'string' ? raw.time : undefined,
      set: FieldSet.fromFieldsV1(raw.fieldsV1),
    };
    out.set(managerKey(entry), entry);
  }
  return out;
}

function seconds(time: string | undefined): number {
  return time ? Math.floor(Date.parse(time) / 1000) : 0;
}

/** The managedFields list: Apply before Update, then by time, manager, apiVersion, subresource. */
export function encodeManagedFields(entries: Iterable<ManagerEntry>): Record<string, unknown>[] {
  const sorted = [...entries].sort(
    (p, q) =>
      (p.operation === q.operation ? 0 : p.operation < q.operation ? -1 : 1) ||
      seconds(p.time) - seconds(q.time) ||
      (p.manager === q.manager ? 0 : p.manager < q.manager ? -1 : 1) ||
      (p.apiVersion === q.apiVersion ? 0 : p.apiVersion < q.apiVersion ? -1 : 1) ||
      ((p.subresource ?? '') < (q.subresource ?? '') ? -1 : (p.subresource ?? '') > (q.subresource ?? '') ? 1 : 0),
  );
  return sorted.map((e) => {
    const out: Record<string, unknown> = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion };
    if (e.time) out.time = e.time;
    out.fieldsType = 'FieldsV1';
    out.fieldsV1 = e.set.toFieldsV1();
    if (e.subresource) out.subresource = e.subresource;
    return out;
  });
}

function withoutManagedFields(obj: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!obj) return undefined;
  const meta = isMap(obj.metadata) ? { ...obj.metadata } : undefined;
  if (!meta) return obj;
  delete meta.managedFields;
  return { ...obj, metadata: meta };
}

function exclude(c: Comparison, ignored: FieldSet | undefined): Comparison {
  if (!ignored) return c;
  return { added: c.added.recursiveDifference(ignored), modified: c.modified.recursiveDifference(ignored), removed: c.removed.recursiveDifference(ignored) };
}

/** A 409 apply conflict with kube-apiserver's message and causes. */
export function applyConflict(conflicts: { manager: ManagerEntry; path: FieldPath }[]): StatusError {
  const printManager = (m: ManagerEntry) => {
    let text = JSON.stringify(m.manager);
    if (m.subresource) text += ` with subresource ${JSON.stringify(m.subresource)}`;
    if (m.operation === 'Update') text += ` using ${m.apiVersion}`;
    return text;
  };
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathText(c.path) }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].manager)}: ${pathText(conflicts[0].path)}`;
  } else {
    const byManager = new Map<string, { manager: ManagerEntry; paths: FieldPath[] }>();
    for (const c of conflicts) {
      const key = managerKey(c.manager);
      const group = byManager.get(key) ?? { manager: c.manager, paths: [] };
      group.paths.push(c.path);
      byManager.set(key, group);
    }
    const lines: string[] = [];
    for (const key of [...byManager.keys()].sort()) {
      const group = byManager.get(key) as { manager: ManagerEntry; paths: FieldPath[] };
      lines.push(`conflicts with ${printManager(group.manager)}:`);
      for (const p of group.paths) lines.push(`- ${pathText(p)}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}

/** Everything the field manager needs to know about one resource (kind and version). */
export interface FieldManagerScope {
  /** The typed schema of the whole object. */
  type: TypeNode;
  apiVersion: string;
  /** Fields the endpoint resets (`status` on the main endpoint, `spec` on `/status`): never owned there. */
  resetFields?: FieldSet;
  subresource?: string;
}

function capUpdateManagers(managers: Map<string, ManagerEntry>, apiVersion: string): void {
  const updates = [...managers.entries()].filter(([, e]) => e.operation === 'Update').sort(([, a], [, b]) => seconds(a.time) - seconds(b.time));
  if (updates.length <= MAX_UPDATE_MANAGERS) return;
  const ancientKey = managerKey({ manager: 'ancient-changes', operation: 'Update', apiVersion });
  let ancient = managers.get(ancientKey);
  for (const [key, entry] of updates.slice(0, updates.length - MAX_UPDATE_MANAGERS + (ancient ? 0 : 1))) {
    if (key === ancientKey) continue;
    ancient = { manager: 'ancient-changes', operation: 'Update', apiVersion, time: entry.time, set: ancient ? ancient.set.union(entry.set) : entry.set.clone() };
    managers.delete(key);
  }
  if (ancient) managers.set(ancientKey, ancient);
}

/**
 * The managedFields after an Update (create, PUT, JSON/merge/strategic patch) by `manager`:
 * its entry gains the fields it added or changed; other managers lose the fields that changed
 * or disappeared. `next` may carry managedFields of its own (a client editing them directly).
 */
export function updateManagedFields(scope: FieldManagerScope, live: Record<string, unknown> | undefined, empty: Record<string, unknown>, next: Record<string, unknown>, manager: string, now: string): Record<string, unknown>[] {
  const sent = scope.subresource ? undefined : decodeManagedFields(next);
  const managers = sent && sent.size > 0 ? sent : (live && decodeManagedFields(live)) ?? new Map<string, ManagerEntry>();
  const cmp = exclude(compare(scope.type, withoutManagedFields(live) ?? empty, withoutManagedFields(next)), scope.resetFields);
  const changed = cmp.modified.union(cmp.added);
  for (const [key, entry] of managers) {
    let set = entry.set.difference(entry.set.intersection(changed));
    if (!cmp.removed.isEmpty()) set = set.difference(cmp.removed);
    if (set.isEmpty()) managers.delete(key);
    else managers.set(key, { ...entry, set });
  }
  const own = changed.difference(STRIPPED);
  if (!own.isEmpty()) {
    const key = managerKey({ manager, operation: 'Update', apiVersion: scope.apiVersion, subresource: scope.subresource });
    const previous = managers.get(key);
    managers.set(key, { manager, operation: 'Update', apiVersion: scope.apiVersion, subresource: scope.subresource, time: now, set: previous ? own.union(previous.set) : own });
  }
  capUpdateManagers(managers, scope.apiVersion);
  return encodeManagedFields(managers.values());
}

export interface ApplyResult {
  /** The object after the apply (before defaults), or undefined when nothing changed. */
  object?: Record<string, unknown>;
  managedFields: Record<string, unknown>[];
}

/**
 * Server-side apply of `config` by `manager` onto `live` (undefined when creating): merge, remove
 * what this manager applied before and no one owns any more, then check every other manager's
 * changed fields: a conflict (409) unless `force`, in which case they lose those fields.
 */
export function applyManagedFields(scope: FieldManagerScope, live: Record<string, unknown> | undefined, liveEmpty: Record<string, unknown>, config: Record<string, unknown>, manager: string, force: boolean, now: string): ApplyResult {
  const meta = isMap(config.metadata) ? config.metadata : undefined;
  if (meta && meta.managedFields !== undefined && meta.managedFields !== null) {
    throw new StatusError(400, 'BadRequest', 'metadata.managedFields must be nil');
  }
  const managers = (live && decodeManagedFields(live)) ?? new Map<string, ManagerEntry>();
  const liveClean = withoutManagedFields(live) ?? liveEmpty;
  const key = managerKey({ manager, operation: 'Apply', apiVersion: scope.apiVersion, subresource: scope.subresource });
  const last = managers.get(key);
  let configSet = toFieldSet(scope.type, config);
  if (scope.resetFields) configSet = configSet.recursiveDifference(scope.resetFields);
  let merged = (merge(scope.type, liveClean, config) ?? {}) as Record<string, unknown>;
  managers.set(key, { manager, operation: 'Apply', apiVersion: scope.apiVersion, subresource: scope.subresource, time: last?.time, set: configSet });
  if (last && !last.set.isEmpty()) merged = prune(scope.type, merged, managers, last.set);

  const cmp = exclude(compare(scope.type, liveClean, merged), scope.resetFields);
  const changed = cmp.modified.union(cmp.added);
  const conflicts: { manager: ManagerEntry; path: FieldPath }[] = [];
  for (const [k, entry] of managers) {
    if (k === key) continue;
    for (const path of entry.set.intersection(changed).paths()) conflicts.push({ manager: entry, path });
  }
  if (conflicts.length && !force) throw applyConflict(conflicts);
  for (const [k, entry] of managers) {
    if (k === key) continue;
    let set = entry.set.difference(entry.set.intersection(changed));
    if (!cmp.removed.isEmpty()) set = set.difference(cmp.removed);
    if (set.isEmpty()) managers.delete(k);
    else managers.set(k, { ...entry, set });
  }
  const own = (managers.get(key) as ManagerEntry).set.difference(STRIPPED);
  const unchanged = jsonEqual(liveClean, merged) && !!live;
  if (own.isEmpty()) managers.delete(key);
  else managers.set(key, { ...(managers.get(key) as ManagerEntry), set: own, time: unchanged ? last?.time : now });
  return { object: unchanged ? undefined : merged, managedFields: encodeManagedFields(managers.values()) };
}

/** Removes what the applier owned last time and nobody owns now (structured-merge-diff's prune). */
function prune(type: TypeNode, merged: Record<string, unknown>, managers: Map<string, ManagerEntry>, lastSet: FieldSet): Record<string, unknown> {
  const last = ensureNamedFieldsAreMembers(type, lastSet, merged);
  const pruned = (removeItems(type, merged, last) ?? {}) as Record<string, unknown>;
  let owned = new FieldSet();
  for (const e of managers.values()) owned = owned.union(e.set);
  const mergedSet = ensureNamedFieldsAreMembers(type, toFieldSet(type, merged), merged);
  const prunedSet = ensureNamedFieldsAreMembers(type, toFieldSet(type, pruned), pruned);
  const ownedSet = ensureNamedFieldsAreMembers(type, owned, merged);
  const withOwned = (removeItems(type, merged, mergedSet.difference(prunedSet.union(ownedSet))) ?? {}) as Record<string, unknown>;
  const withOwnedSet = ensureNamedFieldsAreMembers(type, toFieldSet(type, withOwned), withOwned);
  return (removeItems(type, merged, mergedSet.difference(withOwnedSet).intersection(last)) ?? {}) as Record<string, unknown>;
}

/** The reset-field sets of the usual status/spec split. */
export const RESET_STATUS = FieldSet.fromPaths([[fieldPE('status')]]);
export const RESET_SPEC = FieldSet.fromPaths([[fieldPE('spec')]]);
