import { DEFAULT_NAMESPACE } from '../lib/default-namespace.ts';
import { HttpMethod } from '@kubernetes/client-node';
import { EVENT, resourcePath } from './kinds.ts';
import { CONTENT_TYPE, type KubeClient } from './kube-client.ts';
import { TokenBucket } from './retry-limiter.ts';
import type { KubeObject, Logger } from './types.ts';

/** The same event on the same object within 10 minutes bumps a count instead of a new Event. */
export const EVENT_DEDUPE_WINDOW_MS = 10 * 60_000;
/** Events are for humans: a few per second is plenty, and a flapping object must not flood etcd. */
export const EVENT_RATE_PER_SECOND = 5;
export const EVENT_BURST = 25;
/** Remembered series; the oldest are forgotten first, bounding memory. */
export const EVENT_CACHE_SIZE = 4096;
/** Shown as the Event's source component. */
export const EVENT_COMPONENT = 'switchyard';

interface Series {
  name: string;
  namespace: string;
  count: number;
  last: number;
  /**
   * The series' last write. Each write waits for the one before: a count bump sent while the
   * Event's create is still in flight could reach the API server first and fail with 404 (or two
   * bumps could land in the wrong order).
   */
  tail: Promise<unknown>;
}

export interface EventRecorderOptions {
  client: Pick<KubeClient, 'request'>;
  log: Logger;
  now?: () => Date;
  /** Called when an event is dropped by the rate cap or fails to write (metrics). */
  onDropped?: (why: 'rate' | 'error') => void;
}

/**
 * Records core/v1 Events about the controllers' objects. Best effort: never throws, never awaited by a
 * reconcile. Repeats within the dedupe window become a count bump on the existing Event; an overall
 * token bucket drops events beyond the cap.
 */
export class EventRecorder {
  readonly #opts: EventRecorderOptions;
  readonly #now: () => Date;
  readonly #series = new Map<string, Series>();
  readonly #bucket: TokenBucket;
  #inflight: Promise<unknown> = Promise.resolve();

  constructor(opts: EventRecorderOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? (() => new Date());
    this.#bucket = new TokenBucket(EVENT_RATE_PER_SECOND, EVENT_BURST, () => this.#now().getTime());
  }

  record(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    if (!this.#bucket.tryTake()) {
      this.#opts.onDropped?.('rate');
      return;
    }
    const write = this.#write(obj, type, reason, message).catch((err: unknown) => {
      this.#opts.onDropped?.('error');
      this.#opts.log.debug('event not recorded', { reason, error: err });
    });
    this.#inflight = Promise.all([this.#inflight, write]);
  }

  /** Resolves when the writes started so far have finished (tests, shutdown). */
  async flush(): Promise<void> {
    await this.#inflight;
  }

  async #write(obj: KubeObject, type: string, reason: string, message: string): Promise<void> {
    const namespace = obj.metadata.namespace ?? DEFAULT_NAMESPACE;
    const key = [obj.metadata.uid ?? `${obj.kind}/${namespace}/${obj.metadata.name}`, type, reason, message].join('\u0000');
    const now = this.#now();
    const series = this.#series.get(key);
    if (series && now.getTime() - series.last < EVENT_DEDUPE_WINDOW_MS) {
      series.count += 1;
      series.last = now.getTime();
      const body = { count: series.count, lastTimestamp: now.toISOString() };
      const bump = series.tail.catch(() => undefined).then(() => this.#opts.client.request(HttpMethod.PATCH, resourcePath(EVENT, namespace, series.name), { body, contentType: CONTENT_TYPE.merge }));
      series.tail = bump;
      await bump;
      return;
    }
    const name = `${obj.metadata.name}.${now.getTime().toString(16)}${Math.floor(Math.random() * 0xffff).toString(16)}`;
    const body = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion },
      type,
      reason,
      message,
      count: 1,
      firstTimestamp: now.toISOString(),
      lastTimestamp: now.toISOString(),
      source: { component: EVENT_COMPONENT },
      reportingComponent: EVENT_COMPONENT,
    };
    const create = this.#opts.client.request(HttpMethod.POST, resourcePath(EVENT, namespace), { body, contentType: CONTENT_TYPE.json });
    this.#remember(key, { name, namespace, count: 1, last: now.getTime(), tail: create });
    await create;
  }

  #remember(key: string, series: Series): void {
    this.#series.set(key, series);
    if (this.#series.size <= EVENT_CACHE_SIZE) return;
    const oldest = this.#series.keys().next().value;
    if (oldest !== undefined) this.#series.delete(oldest);
  }
}
