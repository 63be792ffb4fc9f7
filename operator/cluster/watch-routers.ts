import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../core/istio/types.ts';
import { Informer } from '../../kube/informer.ts';
import type { KubeClient } from '../../kube/kube-client.ts';
import { silentLogger } from '../../kube/logger.ts';
import type { KindRef, KubeObject, Logger } from '../../kube/types.ts';
import { DESTINATION_RULE, ISTIO_FILTER, ROUTER, VIRTUAL_SERVICE } from './kinds.ts';
import { routerViews, type ClusterObject, type RouterView } from './router-view.ts';

/** The label every object Switchyard generates carries. */
const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;

export interface RouterWatchOptions {
  client: KubeClient;
  /** Undefined: every namespace. */
  namespace: string | undefined;
  /** Only this Router (the filters of its namespace are still watched: they decide its chain). */
  name?: string;
  /** Called with every Router's view once all informers have listed, then after each change. */
  onChange: (views: RouterView[]) => void;
  /** Also list and watch the VirtualServices and DestinationRules Switchyard generated (default false). */
  generated?: boolean;
  /** Bursts of events within this many ms are rendered once (default 30). */
  debounceMs?: number;
  log?: Logger;
}

/**
 * Lists and watches Routers and IstioFilters (kube/informer: a relist and re-watch after any
 * failure, no polling) and keeps their views current. `onChange` sees the views after the first
 * list and after every add, update or delete.
 */
export class RouterWatch {
  readonly #opts: RouterWatchOptions;
  readonly #informers: Map<string, Informer>;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #synced = false;

  constructor(opts: RouterWatchOptions) {
    this.#opts = opts;
    const log = opts.log ?? silentLogger;
    const make = (kind: KindRef, labelSelector?: string): Informer => new Informer({ client: opts.client, kind, namespace: opts.namespace, log, ...(labelSelector === undefined ? {} : { labelSelector }) });
    this.#informers = new Map([
      ['routers', make(ROUTER)],
      ['filters', make(ISTIO_FILTER)],
      ...(opts.generated === true
        ? ([
            ['virtualServices', make(VIRTUAL_SERVICE, MANAGED_SELECTOR)],
            ['destinationRules', make(DESTINATION_RULE, MANAGED_SELECTOR)],
          ] as const)
        : []),
    ]);
    for (const informer of this.#informers.values()) informer.on(() => this.#changed());
  }

  /** Starts listing and watching; resolves once every informer has listed (or `signal` aborts: false). */
  async start(signal?: AbortSignal): Promise<boolean> {
    for (const informer of this.#informers.values()) informer.start();
    const synced = await Promise.all([...this.#informers.values()].map((i) => i.waitForSync(signal)));
    if (!synced.every(Boolean) || this.#stopped) return false;
    this.#synced = true;
    this.#flush();
    return true;
  }

  /** The Routers' views now (after the first list). */
  views(): RouterView[] {
    const routers = this.routers();
    return routerViews(routers, this.filters());
  }

  /** The Routers held (all, or the one named). */
  routers(): ClusterObject[] {
    const all = this.#informers.get('routers')!.list() as ClusterObject[];
    return this.#opts.name === undefined ? all : all.filter((r) => r.metadata.name === this.#opts.name);
  }

  filters(): ClusterObject[] {
    return this.#informers.get('filters')!.list() as ClusterObject[];
  }

  /** Generated VirtualServices and DestinationRules (with `generated: true`; else empty). */
  generatedObjects(): KubeObject[] {
    return [...(this.#informers.get('virtualServices')?.list() ?? []), ...(this.#informers.get('destinationRules')?.list() ?? [])];
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await Promise.all([...this.#informers.values()].map((i) => i.stop()));
  }

  #changed(): void {
    if (!this.#synced || this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#flush(), this.#opts.debounceMs ?? 30);
  }

  #flush(): void {
    if (this.#stopped) return;
    try {
      this.#opts.onChange(this.views());
    } catch (err) {
      (this.#opts.log ?? silentLogger).error('router watch handler failed', { error: err });
    }
  }
}

/** Starts a RouterWatch; resolves once it has listed everything (the first `onChange` has run). */
export async function watchRouters(opts: RouterWatchOptions, signal?: AbortSignal): Promise<RouterWatch> {
  const watch = new RouterWatch(opts);
  await watch.start(signal);
  return watch;
}
