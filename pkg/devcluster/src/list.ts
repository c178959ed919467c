/**
 * LIST with kube-apiserver's resourceVersion semantics: unset or NotOlderThan reads the latest
 * state (a resourceVersion ahead of the store is a 504 "Too large resource version"), Exact reads
 * the state at that revision from the retained history (410 when compacted), and a limited list
 * returns a continue token that pins the following pages to the same snapshot.
 */
import { badRequest, gone, StatusError, type StatusCause } from './errors';
import type { ResourceType } from './registry';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors';
import type { KObject, Store } from './store';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListResult {
  items: KObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

/** ValidateListOptions of kube-apiserver (list and watch rules), every problem as one 422. */
export function validateListOptions(options: ListOptions & { watch?: boolean; sendInitialEvents?: string }): void {
  const causes: StatusCause[] = [];
  const forbid = (field: string, detail: string) => causes.push({ reason: 'FieldValueForbidden', field, message: `Forbidden: ${detail}` });
  const unsupported = (value: string, allowed: string[]) =>
    causes.push({ reason: 'FieldValueNotSupported', field: 'resourceVersionMatch', message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed.map((a) => JSON.stringify(a)).join(', ')}` });
  const match = options.resourceVersionMatch ?? '';
  const sendInitialEvents = options.sendInitialEvents !== undefined;
  if (options.watch) {
    if (sendInitialEvents && match !== 'NotOlderThan') forbid('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
    if (match) {
      if (!sendInitialEvents) forbid('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided');
      if (match !== 'NotOlderThan') unsupported(match, ['NotOlderThan']);
      if (options.continue) forbid('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided');
    }
  } else {
    if (match) {
      if (!options.resourceVersion) forbid('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided');
      if (options.continue) forbid('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided');
      if (match !== 'Exact' && match !== 'NotOlderThan') unsupported(match, ['Exact', 'NotOlderThan', '']);
      if (match === 'Exact' && options.resourceVersion === '0') forbid('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
    }
    if (sendInitialEvents) forbid('sendInitialEvents', 'sendInitialEvents is forbidden for list');
  }
  if (causes.length === 0) return;
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  throw new StatusError(422, 'Invalid', `ListOptions.meta.k8s.io "" is invalid: ${list.length === 1 ? list[0] : `[${list.join(', ')}]`}`, { group: 'meta.k8s.io', kind: 'ListOptions', causes });
}

function parseRevision(rv: string): number {
  if (!/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${rv}`);
  return Number(rv);
}

function tooLarge(requested: string, current: number): StatusError {
  return new StatusError(504, 'Timeout', `Timeout: Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version', field: '' }],
    retryAfterSeconds: 1,
  });
}

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<ContinueToken>;
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string') throw new Error('bad token');
    return parsed as ContinueToken;
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

function keyOf(o: KObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

/** Lists one kind (one namespace or all) at the revision the options ask for. */
export function listObjects(store: Store, type: ResourceType, namespace: string | undefined, options: ListOptions, fieldValues: (o: KObject) => Record<string, string>): ListResult {
  validateListOptions(options);
  const labels = parseLabelSelector(options.labelSelector);
  const fields = parseFieldSelector(options.fieldSelector, ['metadata.name', 'metadata.namespace', ...Object.keys(type.fieldLabels)], !type.crd);
  let revision = store.resourceVersion;
  let after: string | undefined;
  if (options.continue) {
    const token = decodeContinue(options.continue);
    revision = token.rv;
    after = token.start;
  } else if (options.resourceVersion && options.resourceVersion !== '0') {
    const requested = parseRevision(options.resourceVersion);
    if (options.resourceVersionMatch === 'Exact') {
      if (requested > store.resourceVersion) throw tooLarge(options.resourceVersion, store.resourceVersion);
      revision = requested;
    } else if (requested > store.resourceVersion) {
      throw tooLarge(options.resourceVersion, store.resourceVersion);
    }
  }
  let items: KObject[];
  if (revision === store.resourceVersion) {
    items = store.list(type.storageKey, namespace);
  } else {
    const past = store.listAt(type.storageKey, namespace, revision);
    if (!past) {
      if (options.continue) throw gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
      throw gone('The resourceVersion for the provided list is too old.');
    }
    items = past;
  }
  items = items.filter((o) => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, fieldValues(o)));
  if (after !== undefined) {
    const start = after;
    items = items.filter((o) => keyOf(o) > start);
  }
  const resourceVersion = String(revision);
  if (options.limit && options.limit > 0 && items.length > options.limit) {
    const page = items.slice(0, options.limit);
    const token: ContinueToken = { v: 'meta.k8s.io/v1', rv: revision, start: keyOf(page[page.length - 1]) };
    return { items: page, resourceVersion, continueToken: Buffer.from(JSON.stringify(token)).toString('base64url'), remainingItemCount: items.length - page.length };
  }
  return { items, resourceVersion };
}
