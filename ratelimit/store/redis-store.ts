import type { Cluster, Redis } from 'ioredis';
import { coalesce, type Group, type Waiting } from './coalesce.ts';
import type { HitRequest, HitResult } from '../../core/limits/hit.ts';
import { StoreUnavailableError, type CounterStore } from './counter-store.ts';
import { afterDeadline } from './deadline.ts';
import { planHit } from './hit-plan.ts';
import { OverLimitCache } from './over-limit-cache.ts';
import { createRedisClient, type RedisConnectionOptions } from './redis-connection.ts';
import { decideReply, scriptArgs } from './redis-replies.ts';
import { GCRA_HIT, SLIDING_HIT, WINDOW_HIT } from './redis-scripts.ts';

/**
 * How long a window counter outlives its window. Replicas' clocks differ by a little; a replica
 * that is behind must still find the counter, not start it again from zero. NTP keeps skew far
 * below a second; two seconds leave room and cost only a few extra live keys per descriptor.
 */
export const KEY_TTL_SLACK_MS = 2_000;

export interface RedisStoreOptions extends RedisConnectionOptions {
  /** Prepended verbatim to every key (default ''). */
  keyPrefix?: string;
  /**
   * Do not count rejected hits, and answer keys known to be over their limit locally until their
   * window ends (default true). false counts every hit, like the reference service, and asks
   * Redis for every fixed-window hit. Token buckets never count rejected hits.
   */
  stopCountingOverLimit?: boolean;
}

/** Counters for the benchmark ("Redis commands per decision") and for metrics. */
export interface RedisStoreStats {
  /** Script calls sent (one per key per tick, after coalescing). */
  redisCommands: number;
  /** Pipelines sent; in Cluster mode, script calls (an upper bound: ioredis groups them per node). */
  redisRoundTrips: number;
  /** Hits that rode on another hit's script call. */
  coalescedHits: number;
  /** Hits answered OVER_LIMIT from the over-limit cache, without Redis. */
  overLimitCacheHits: number;
  /** hit() calls rejected with StoreUnavailableError (Redis error, disconnected, or deadline). */
  errors: number;
}

interface Pending extends Waiting {
  /** Measured from when the pipeline carrying this hit is written to Redis. */
  deadlineMs: number;
  resolve: (result: HitResult) => void;
  reject: (err: Error) => void;
}

type ScriptSender = Record<typeof WINDOW_HIT | typeof GCRA_HIT | typeof SLIDING_HIT, (key: string, ...args: (string | number)[]) => unknown>;

const SCRIPTS = { window: WINDOW_HIT, gcra: GCRA_HIT, sliding: SLIDING_HIT } as const;

/**
 * Counters in Redis (standalone, Sentinel or Cluster). Hits of one event-loop tick are batched:
 * hits on the same key become one script call whose reply gives every caller its own position
 * (exact under any concurrency, also across replicas), and all keys of the batch go in one
 * pipeline. The deadline measures Redis: it runs from the moment the pipeline is written to the
 * socket, and a reply that has arrived is used even when our own loop reads it late (see
 * `afterDeadline`); only a Redis that has not answered is answered by StoreUnavailableError.
 * Redis calls are never retried or resent, so a hit counts at most once.
 */
export class RedisStore implements CounterStore {
  readonly #client: Redis | Cluster;
  readonly #prefix: string;
  readonly #stopCounting: boolean;
  readonly #cache = new OverLimitCache();
  readonly #stats: RedisStoreStats = { redisCommands: 0, redisRoundTrips: 0, coalescedHits: 0, overLimitCacheHits: 0, errors: 0 };
  readonly #inFlight = new Set<Promise<void>>();
  #pending: Pending[] = [];
  #flushScheduled = false;

  constructor(options: RedisStoreOptions) {
    this.#client = createRedisClient(options);
    // Connection errors surface as failed hits and healthy() === false; the client reconnects by itself.
    this.#client.on('error', () => {});
    this.#prefix = options.keyPrefix ?? '';
    this.#stopCounting = options.stopCountingOverLimit ?? true;
  }

  hit(requests: readonly HitRequest[], nowMs: number, deadlineMs: number): Promise<HitResult[]> {
    let decisions: Promise<HitResult>[];
    try {
      decisions = requests.map((r) => this.#decide(planHit(r, this.#prefix, nowMs), nowMs, deadlineMs));
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return Promise.all(decisions).catch((err: unknown) => {
      if (err instanceof StoreUnavailableError) this.#stats.errors++;
      throw err;
    });
  }

  healthy(): boolean {
    return this.#client.status === 'ready';
  }

  stats(): RedisStoreStats {
    return { ...this.#stats };
  }

  cacheEvictions(): number {
    return this.#cache.evictions;
  }

  async close(): Promise<void> {
    if (this.#flushScheduled) this.#flush();
    await Promise.allSettled([...this.#inFlight]);
    await this.#client.quit().catch(() => this.#client.disconnect());
  }

  #decide(plan: ReturnType<typeof planHit>, nowMs: number, deadlineMs: number): Promise<HitResult> {
    if (plan.kind === 'gcra' || this.#stopCounting) {
      const cached = this.#cache.answer(plan, nowMs);
      if (cached !== undefined) {
        this.#stats.overLimitCacheHits++;
        return Promise.resolve(cached);
      }
    }
    return new Promise<HitResult>((resolve, reject) => {
      this.#pending.push({ plan, nowMs, deadlineMs, resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /** Sends everything that arrived since the last flush: one call per key, one pipeline. */
  #flush(): void {
    if (!this.#flushScheduled) return;
    this.#flushScheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    const groups = coalesce(batch);
    this.#stats.coalescedHits += batch.length - groups.length;
    if (this.#client.status !== 'ready') {
      const err = new StoreUnavailableError(`redis: not connected (status ${this.#client.status})`);
      for (const p of batch) p.reject(err);
      return;
    }
    const cancelDeadlines = armDeadlines(batch);
    const sent = this.#send(groups).then((replies) => {
      cancelDeadlines();
      // Also after a deadline has passed: the callers have their answer, the over-limit cache learns.
      groups.forEach((g, i) => this.#settle(g, replies[i] ?? [new Error('redis: no reply'), null]));
    });
    const tracked = sent.finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
  }

  #send(groups: Group<Pending>[]): Promise<[Error | null, unknown][]> {
    const call = (target: ScriptSender, g: Group<Pending>): unknown => {
      const hits = g.members.map((m) => m.plan.hits);
      return target[SCRIPTS[g.plan.kind]](g.plan.key, ...scriptArgs(g.plan, hits, g.nowMs, !this.#stopCounting, KEY_TTL_SLACK_MS));
    };
    this.#stats.redisCommands += groups.length;
    if (this.#client.isCluster) {
      this.#stats.redisRoundTrips += groups.length;
      const client = this.#client as unknown as ScriptSender;
      return Promise.all(groups.map((g) => (call(client, g) as Promise<unknown>).then((r): [null, unknown] => [null, r], (e: Error): [Error, null] => [e, null])));
    }
    this.#stats.redisRoundTrips++;
    const pipeline = this.#client.pipeline();
    for (const g of groups) call(pipeline as unknown as ScriptSender, g);
    return pipeline.exec().then(
      (results) => results ?? groups.map((): [Error, null] => [new Error('redis: pipeline discarded'), null]),
      (err: Error) => groups.map((): [Error, null] => [err, null]),
    );
  }

  #settle(group: Group<Pending>, [err, reply]: [Error | null, unknown]): void {
    const fail = (cause: Error): void => {
      const wrapped = new StoreUnavailableError(`redis: ${cause.message}`, { cause });
      for (const m of group.members) m.reject(wrapped);
    };
    if (err !== null) return fail(err);
    const hits = group.members.map((m) => m.plan.hits);
    let decisions;
    try {
      decisions = decideReply(group.plan, hits, group.members.map((m) => m.nowMs), reply);
    } catch (e) {
      return fail(e as Error);
    }
    decisions.forEach((d, i) => {
      const member = group.members[i];
      if (member === undefined) return;
      const cacheable = group.plan.kind === 'gcra' || this.#stopCounting;
      // Known keys are refreshed with every reply, so a local answer's reset time stays exact.
      if (cacheable && (d.atLimit || this.#cache.has(group.plan.key))) this.#cache.remember(group.plan, d.floor, member.nowMs);
      member.resolve(d.result);
    });
  }
}

/** One deadline per distinct value in the batch (in practice one: the service's), armed at send. */
function armDeadlines(batch: readonly Pending[]): () => void {
  const byDeadline = new Map<number, Pending[]>();
  for (const p of batch) {
    const members = byDeadline.get(p.deadlineMs);
    if (members === undefined) byDeadline.set(p.deadlineMs, [p]);
    else members.push(p);
  }
  const cancels = [...byDeadline].map(([deadlineMs, members]) =>
    afterDeadline(deadlineMs, () => {
      const err = new StoreUnavailableError(`redis: no answer within the ${deadlineMs} ms deadline`);
      for (const m of members) m.reject(err);
    }),
  );
  return () => cancels.forEach((cancel) => cancel());
}
