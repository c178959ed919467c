import { Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { apiErrorMessage } from '../kube/apply';
import type { Logger } from './logger';

/** One page of a list call. */
export interface ListPage {
  items: KubernetesObject[];
  metadata?: { resourceVersion?: string; _continue?: string; continue?: string };
}

export interface InformerOptions<T extends KubernetesObject> {
  kubeConfig: KubeConfig;
  /** Collection path to watch, e.g. `/apis/kubeflash.dev/v1alpha1/devices` or `/api/v1/secrets`. */
  path: string;
  /** Lists one page (cluster-wide, same selector as the watch). */
  list: (continueToken: string | undefined, limit: number) => Promise<ListPage>;
  labelSelector?: string;
  /** Keeps what the controllers need of each object (e.g. drops large Secret data); default keeps it all. */
  transform?: (obj: KubernetesObject) => T;
  pageSize?: number;
  logger?: Logger;
}

/** Called with the object as cached (and, for updates, the previous one). */
export type InformerHandler<T> = (obj: T, old?: T) => void;

const keyOf = (o: KubernetesObject): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/**
 * A list-watch cache of one resource: lists in pages, then watches from the list's resourceVersion, relists on
 * 410 Gone and rewatches when a watch ends. Unlike client-node's ListWatch it can shrink objects before caching
 * them (`transform`), so 10,000 config Secrets do not keep their images in memory.
 */
export class Informer<T extends KubernetesObject> {
  private readonly objects = new Map<string, T>();
  private readonly handlers = { add: [] as InformerHandler<T>[], update: [] as InformerHandler<T>[], delete: [] as InformerHandler<T>[] };
  private resourceVersion = '';
  private abort: AbortController | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private synced = false;

  constructor(private readonly options: InformerOptions<T>) {}

  /** Registers a handler; handlers run synchronously in event order. */
  on(event: 'add' | 'update' | 'delete', handler: InformerHandler<T>): void {
    this.handlers[event].push(handler);
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.objects.get(`${namespace ?? ''}/${name}`);
  }

  /** Cached objects, optionally of one namespace. */
  list(namespace?: string): T[] {
    const all = [...this.objects.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata?.namespace === namespace);
  }

  get size(): number {
    return this.objects.size;
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  /** Lists and starts watching; resolves after the first complete list. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.relist();
    this.synced = true;
    void this.watch();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.abort?.abort();
  }

  private transform(obj: KubernetesObject): T {
    return this.options.transform ? this.options.transform(obj) : (obj as T);
  }

  private async relist(): Promise<void> {
    const seen = new Set<string>();
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.options.list(token, this.options.pageSize ?? 500);
      for (const raw of page.items) {
        const key = keyOf(raw);
        seen.add(key);
        this.upsert(this.transform(raw));
      }
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      token = page.metadata?._continue ?? page.metadata?.continue ?? undefined;
    } while (token);
    for (const [key, obj] of [...this.objects]) {
      if (!seen.has(key)) {
        this.objects.delete(key);
        for (const h of this.handlers.delete) h(obj);
      }
    }
    this.resourceVersion = resourceVersion;
  }

  private upsert(obj: T): void {
    const key = keyOf(obj);
    const old = this.objects.get(key);
    if (old && old.metadata?.resourceVersion === obj.metadata?.resourceVersion) return;
    this.objects.set(key, obj);
    if (old) for (const h of this.handlers.update) h(obj, old);
    else for (const h of this.handlers.add) h(obj);
  }

  private scheduleRewatch(relist: boolean, delayMs: number): void {
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => {
      void (async () => {
        try {
          if (relist) await this.relist();
          await this.watch();
        } catch (err) {
          this.options.logger?.warn('informer: list failed; retrying', { path: this.options.path, error: apiErrorMessage(err) });
          this.scheduleRewatch(true, 1000);
        }
      })();
    }, delayMs);
    this.retryTimer.unref?.();
  }

  private async watch(): Promise<void> {
    if (this.stopped) return;
    let gone = false;
    const query: Record<string, string | number | boolean | undefined> = {
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: 300,
    };
    if (this.options.labelSelector) query.labelSelector = this.options.labelSelector;
    try {
      this.abort = await new Watch(this.options.kubeConfig).watch(
        this.options.path,
        query,
        (phase: string, obj: KubernetesObject & { code?: number }) => {
          if (phase === 'ERROR') {
            if (obj.code === 410) gone = true;
            return;
          }
          const rv = obj.metadata?.resourceVersion;
          if (rv) this.resourceVersion = rv;
          if (phase === 'BOOKMARK') return;
          if (phase === 'DELETED') {
            const key = keyOf(obj);
            const old = this.objects.get(key);
            this.objects.delete(key);
            if (old) for (const h of this.handlers.delete) h(old);
            return;
          }
          this.upsert(this.transform(obj));
        },
        (err: unknown) => {
          if (this.stopped) return;
          const status = (err as { statusCode?: number; code?: number } | undefined);
          const expired = gone || status?.statusCode === 410 || status?.code === 410;
          if (err && !expired && !(err instanceof Error && err.name === 'AbortError')) {
            this.options.logger?.info('informer: watch ended', { path: this.options.path, error: apiErrorMessage(err) });
          }
          this.scheduleRewatch(expired, err && !expired ? 500 : 0);
        },
      );
    } catch (err) {
      if (this.stopped) return;
      this.options.logger?.warn('informer: cannot watch', { path: this.options.path, error: apiErrorMessage(err) });
      this.scheduleRewatch(true, 1000);
    }
  }
}
