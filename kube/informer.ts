import { Watch } from '@kubernetes/client-node';
import { ItemBackoff } from './retry-limiter.ts';
import { keyString, resourcePath } from './kinds.ts';
import type { KubeClient } from './kube-client.ts';
import { sleep } from './sleep.ts';
import type { KindRef, KubeObject, Logger } from './types.ts';

export type InformerEventType = 'add' | 'update' | 'delete';
export type InformerHandler = (type: InformerEventType, obj: KubeObject, old?: KubeObject) => void;

/** First restart after 200 ms (a blip), doubling to 30 s so a long API server outage is cheap. */
export const RESTART_BASE_DELAY_MS = 200;
export const RESTART_MAX_DELAY_MS = 30_000;
/**
 * The API server ends each watch after 60–120 s (randomised so informers do not reconnect in step);
 * a new watch from the last resourceVersion is one cheap request, and it bounds how long a silently
 * dead connection can go unnoticed.
 */
export const WATCH_TIMEOUT_MIN_S = 60;
export const WATCH_TIMEOUT_MAX_S = 120;
/** No bytes (not even a bookmark) for longer than the server-side timeout means the connection died. */
export const WATCH_INACTIVITY_MS = (WATCH_TIMEOUT_MAX_S + 30) * 1000;
/** A watch that ends sooner than this without events counts as a failure (no hot reconnect loop). */
export const MIN_HEALTHY_WATCH_MS = 1000;
/** Page size of the initial list: bounded memory per response on big clusters. */
export const LIST_PAGE_SIZE = 500;

export interface InformerOptions {
  client: KubeClient;
  kind: KindRef;
  /** Restrict to one namespace; default all namespaces. */
  namespace?: string;
  labelSelector?: string;
  /** e.g. `involvedObject.kind=Router` for Events: the server filters, the store holds only matches. */
  fieldSelector?: string;
  log: Logger;
  /** Called on every restart after a failure (metrics). */
  onRestart?: (err: unknown) => void;
  /** Called after every successful list, the first and each relist after a restart (a watch works again). */
  onListed?: () => void;
}

interface WatchEnd {
  resourceVersion: string;
  gone: boolean;
  events: number;
}

interface ListResponse {
  metadata: { resourceVersion: string; continue?: string };
  items: KubeObject[];
}

/**
 * Lists then watches one kind, keeping an in-memory store and emitting add/update/delete. Any
 * failure (connection refused, an API server restart, a watch ERROR) restarts it with a relist after
 * a backoff; a relist emits the difference from the store, so nothing is missed or duplicated.
 * client-node's own informer only relists on 410 Gone and otherwise stays dead, hence this loop.
 */
export class Informer {
  readonly kind: KindRef;
  readonly #opts: InformerOptions;
  readonly #handlers: InformerHandler[] = [];
  readonly #stop = new AbortController();
  readonly #backoff = new ItemBackoff(RESTART_BASE_DELAY_MS, RESTART_MAX_DELAY_MS);
  #store = new Map<string, KubeObject>();
  #synced = false;
  #syncWaiters: (() => void)[] = [];
  #watch: AbortController | undefined;
  #loop: Promise<void> | undefined;

  constructor(opts: InformerOptions) {
    this.kind = opts.kind;
    this.#opts = opts;
  }

  /** True once the first list has been stored (stays true across restarts). */
  get synced(): boolean {
    return this.#synced;
  }

  on(handler: InformerHandler): void {
    this.#handlers.push(handler);
  }

  get(namespace: string, name: string): KubeObject | undefined {
    return this.#store.get(`${namespace}/${name}`);
  }

  list(namespace?: string): KubeObject[] {
    const all = [...this.#store.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Resolves once synced, or `false` if `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.#synced) return Promise.resolve(true);
    // An already-aborted signal never fires 'abort' again: answer now instead of hanging.
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.#syncWaiters.push(() => resolve(true));
      signal?.addEventListener('abort', () => resolve(false), { once: true });
    });
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    this.#watch?.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const key = 'restarts';
    while (!this.#stop.signal.aborted) {
      try {
        let rv = await this.#list();
        for (;;) {
          const started = Date.now();
          const end = await this.#watchOnce(rv);
          if (this.#stop.signal.aborted || end.gone) break;
          if (end.events === 0 && Date.now() - started < MIN_HEALTHY_WATCH_MS) throw new Error('watch closed at once');
          this.#backoff.forget(key);
          rv = end.resourceVersion;
        }
      } catch (err) {
        if (this.#stop.signal.aborted) break;
        const delay = this.#backoff.next(key);
        this.#opts.log.warn('informer restarting', { kind: this.kind.kind, error: err, delayMs: delay });
        this.#opts.onRestart?.(err);
        await sleep(delay, this.#stop.signal);
      }
    }
  }

  #path(): string {
    return resourcePath(this.kind, this.#opts.namespace);
  }

  /** Lists every page, replaces the store, emits the differences; returns the list resourceVersion. */
  async #list(): Promise<string> {
    const next = new Map<string, KubeObject>();
    let cont: string | undefined;
    let rv = '';
    do {
      const query = { labelSelector: this.#opts.labelSelector, fieldSelector: this.#opts.fieldSelector, limit: LIST_PAGE_SIZE, continue: cont };
      const page = await this.#opts.client.get<ListResponse>(this.#path(), { query, signal: this.#stop.signal });
      for (const item of page.items) {
        // List items of built-in kinds come without apiVersion/kind.
        const obj = { ...item, apiVersion: this.kind.apiVersion, kind: this.kind.kind };
        next.set(keyString({ namespace: obj.metadata.namespace ?? '', name: obj.metadata.name }), obj);
      }
      cont = page.metadata.continue || undefined;
      rv = page.metadata.resourceVersion;
    } while (cont);
    const old = this.#store;
    this.#store = next;
    for (const [k, obj] of next) {
      const before = old.get(k);
      if (!before) this.#emit('add', obj);
      else if (before.metadata.resourceVersion !== obj.metadata.resourceVersion) this.#emit('update', obj, before);
    }
    for (const [k, obj] of old) if (!next.has(k)) this.#emit('delete', obj);
    this.#markSynced();
    this.#opts.onListed?.();
    return rv;
  }

  #markSynced(): void {
    if (this.#synced) return;
    this.#synced = true;
    for (const w of this.#syncWaiters.splice(0)) w();
  }

  #emit(type: InformerEventType, obj: KubeObject, old?: KubeObject): void {
    for (const h of this.#handlers) {
      try {
        h(type, obj, old);
      } catch (err) {
        this.#opts.log.error('informer handler failed', { kind: this.kind.kind, error: err });
      }
    }
  }

  /** Applies one watch event to the store and emits the change. */
  #apply(type: string, obj: KubeObject): void {
    const k = keyString({ namespace: obj.metadata.namespace ?? '', name: obj.metadata.name });
    const before = this.#store.get(k);
    if (type === 'DELETED') {
      this.#store.delete(k);
      this.#emit('delete', obj);
      return;
    }
    this.#store.set(k, obj);
    if (!before) this.#emit('add', obj);
    else if (before.metadata.resourceVersion !== obj.metadata.resourceVersion) this.#emit('update', obj, before);
  }

  /** One watch from `rv` until the server ends it; rejects on a failure other than 410 Gone. */
  #watchOnce(rv: string): Promise<WatchEnd> {
    const watch = new Watch(this.#opts.client.kubeConfig);
    // Declared private in client-node's types but a plain field; without it a quiet watch is cut
    // after 30 s. Should it ever be renamed, quiet watches just restart from their resourceVersion.
    (watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs = WATCH_INACTIVITY_MS;
    const timeoutSeconds = WATCH_TIMEOUT_MIN_S + Math.floor(Math.random() * (WATCH_TIMEOUT_MAX_S - WATCH_TIMEOUT_MIN_S));
    const query = { resourceVersion: rv, allowWatchBookmarks: true, labelSelector: this.#opts.labelSelector, fieldSelector: this.#opts.fieldSelector, timeoutSeconds };
    const end: WatchEnd = { resourceVersion: rv, gone: false, events: 0 };
    let failure: unknown;
    return new Promise((resolve, reject) => {
      const onEvent = (type: string, obj: KubeObject & { code?: number; message?: string }) => {
        if (type === 'ERROR') {
          if (obj.code === 410) end.gone = true;
          else failure = new Error(`watch ${this.kind.kind}: ${obj.message ?? JSON.stringify(obj)}`);
          this.#watch?.abort();
          return;
        }
        end.events += 1;
        if (obj.metadata?.resourceVersion) end.resourceVersion = obj.metadata.resourceVersion;
        if (type !== 'BOOKMARK') this.#apply(type, obj);
      };
      const onDone = (err: unknown) => {
        if (failure) return reject(failure);
        const timedOut = err instanceof Error && err.name === 'TimeoutError';
        if (err && !end.gone && !timedOut && !this.#stop.signal.aborted) return reject(err);
        resolve(end);
      };
      watch.watch(this.#path(), query, onEvent, onDone).then((ctrl) => {
        this.#watch = ctrl;
        // stop() may have run while the watch request was still connecting.
        if (this.#stop.signal.aborted) ctrl.abort();
      }, reject);
    });
  }
}
