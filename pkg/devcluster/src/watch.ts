import type { Api } from './api';
import { badRequest, StatusError } from './errors';
import type { ResourceType } from './registry';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors';
import type { KObject, StoreEvent } from './store';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** An event as sent on the wire (object in the requested version, storage form for `stored`). */
export interface WatchEvent {
  type: WatchEventType;
  object: Record<string, unknown>;
  /** The stored form (for Table conversion); absent for BOOKMARK and ERROR. */
  stored?: KObject;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  sendInitialEvents?: boolean;
  allowWatchBookmarks?: boolean;
  /** Milliseconds between bookmarks when they are allowed. */
  bookmarkIntervalMs?: number;
}

/** A running watch; `stop()` unsubscribes. */
export interface WatchHandle {
  stop(): void;
}

/**
 * Starts a watch with kube-apiserver's resourceVersion semantics: unset or "0" starts with ADDED
 * events for the current state, N streams every change after N (410 Expired as an ERROR event when
 * N is older than the retained history), `sendInitialEvents=true` adds the initial-events-end
 * bookmark. Selector-filtered watches see objects entering (ADDED) and leaving (DELETED) the set.
 */
export function startWatch(api: Api, type: ResourceType, options: WatchOptions, send: (e: WatchEvent) => void, end: () => void): WatchHandle {
  const labels = parseLabelSelector(options.labelSelector);
  const fields = parseFieldSelector(options.fieldSelector, ['metadata.name', 'metadata.namespace', ...Object.keys(type.fieldLabels)]);
  const namespace = type.namespaced ? options.namespace : undefined;
  const matches = (o: KObject | undefined): boolean =>
    !!o && (namespace === undefined || o.metadata.namespace === namespace) && matchesLabels(labels, o.metadata.labels) && matchesFields(fields, api.fieldValues(type, o));
  const out = (eventType: 'ADDED' | 'MODIFIED' | 'DELETED', stored: KObject) => send({ type: eventType, object: api.toVersion(type, stored), stored });
  const bookmark = (annotations?: Record<string, string>) =>
    send({
      type: 'BOOKMARK',
      object: { kind: type.kind, apiVersion: type.group ? `${type.group}/${type.version}` : type.version, metadata: { resourceVersion: String(api.store.resourceVersion), ...(annotations ? { annotations } : {}) } },
    });

  const deliver = (e: StoreEvent) => {
    if (e.resource !== type.storageKey) return;
    const now = matches(e.object);
    if (e.type === 'MODIFIED') {
      const before = matches(e.oldObject);
      if (now && before) out('MODIFIED', e.object);
      else if (now) out('ADDED', e.object);
      else if (before) out('DELETED', e.object);
    } else if (now) {
      out(e.type, e.object);
    }
  };

  const rv = options.resourceVersion ?? '';
  let backlog: StoreEvent[] = [];
  let initial: KObject[] = [];
  if (rv === '' || rv === '0' || options.sendInitialEvents) {
    initial = api.store.list(type.storageKey, namespace).filter(matches);
  } else {
    if (!/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${rv}`);
    try {
      backlog = api.store.eventsSince(type.storageKey, Number(rv));
    } catch (err) {
      if (err instanceof StatusError && err.code === 410) {
        send({ type: 'ERROR', object: err.toStatus() as unknown as Record<string, unknown> });
        end();
        return { stop: () => undefined };
      }
      throw err;
    }
  }
  for (const o of initial) out('ADDED', o);
  if (options.sendInitialEvents) bookmark({ 'k8s.io/initial-events-end': 'true' });
  for (const e of backlog) deliver(e);
  const unsubscribe = api.store.subscribe(deliver);
  const timer = options.allowWatchBookmarks ? setInterval(() => bookmark(), options.bookmarkIntervalMs ?? 10_000) : undefined;
  timer?.unref();
  return {
    stop() {
      unsubscribe();
      if (timer) clearInterval(timer);
    },
  };
}
