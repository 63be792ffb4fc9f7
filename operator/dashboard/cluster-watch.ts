/**
 * What the dashboard knows of the cluster: informers (kube/informer.ts) on Routers, IstioFilters,
 * RateLimits and the Routers' Events in the selected namespace (or all), read with the user's own
 * credentials. Every change calls `onChange`; watch failures are kept so the page can say what
 * the API server answered (a 403 when the user may not list a kind, a refused connection…).
 */
import { EVENT } from '../../kube/kinds.ts';
import { Informer } from '../../kube/informer.ts';
import type { KubeClient } from '../../kube/kube-client.ts';
import type { KindRef, KubeObject, Logger } from '../../kube/types.ts';
import { ISTIO_FILTER, RATE_LIMIT, ROUTER } from '../cluster/kinds.ts';
import { clusterErrorMessage } from '../cluster/read-routers.ts';
import { appendWatched, sampleFromStatus, type TimelineSample, type WatchedProgression } from './timeline.ts';

export interface WatchError {
  kind: string;
  message: string;
  at: string;
}

export interface ClusterWatchOptions {
  client: KubeClient;
  /** Undefined: every namespace (-A). */
  namespace: string | undefined;
  log: Logger;
  onChange: () => void;
  now?: () => Date;
}

/** Only the controller's events about Routers: the server filters, the store stays small. */
const ROUTER_EVENTS = 'involvedObject.kind=Router';

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

export class ClusterWatch {
  readonly routers: Informer;
  readonly filters: Informer;
  readonly rateLimits: Informer;
  readonly events: Informer;
  readonly #opts: ClusterWatchOptions;
  readonly #now: () => Date;
  /** Samples of each Router's status seen since the dashboard started, by `namespace/name`. */
  readonly #watched = new Map<string, TimelineSample[]>();
  readonly #errors = new Map<string, WatchError>();

  constructor(opts: ClusterWatchOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? (() => new Date());
    this.routers = this.#informer(ROUTER);
    this.filters = this.#informer(ISTIO_FILTER);
    this.rateLimits = this.#informer(RATE_LIMIT);
    this.events = this.#informer(EVENT, ROUTER_EVENTS);
    this.routers.on((type, obj) => {
      if (type === 'delete') this.#watched.delete(keyOf(obj));
      else this.#observe(obj);
    });
  }

  #informer(kind: KindRef, fieldSelector?: string): Informer {
    const informer = new Informer({
      client: this.#opts.client,
      kind,
      ...(this.#opts.namespace === undefined ? {} : { namespace: this.#opts.namespace }),
      ...(fieldSelector === undefined ? {} : { fieldSelector }),
      log: this.#opts.log,
      onRestart: (err) => {
        const message = `listing ${kind.kind}s: ${clusterErrorMessage(err, this.#opts.client.kubeConfig.getCurrentCluster()?.server)}`;
        this.#errors.set(kind.kind, { kind: kind.kind, message, at: this.#now().toISOString() });
        this.#opts.onChange();
      },
      onListed: () => {
        // Listed again after a failure: this kind's watch works again.
        if (this.#errors.delete(kind.kind)) this.#opts.onChange();
      },
    });
    informer.on(() => this.#opts.onChange());
    return informer;
  }

  #observe(router: KubeObject): void {
    const progression = (router.status as { progression?: WatchedProgression } | undefined)?.progression;
    if (progression === undefined) return;
    const key = keyOf(router);
    const sample = sampleFromStatus(progression, this.#now().toISOString());
    this.#watched.set(key, appendWatched(this.#watched.get(key) ?? [], sample));
  }

  /** Status samples watched for one Router (`namespace/name`). */
  watched(key: string): TimelineSample[] {
    return this.#watched.get(key) ?? [];
  }

  get errors(): WatchError[] {
    return [...this.#errors.values()];
  }

  get synced(): boolean {
    return [this.routers, this.filters, this.rateLimits, this.events].every((i) => i.synced);
  }

  start(): void {
    for (const i of [this.routers, this.filters, this.rateLimits, this.events]) i.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.routers, this.filters, this.rateLimits, this.events].map((i) => i.stop()));
  }
}
