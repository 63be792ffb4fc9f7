import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { QuotaEntry } from '../core/ratelimit/quota-table.ts';
import type { HitRequest, HitResult } from '../core/limits/hit.ts';
import type { CounterStore } from '../ratelimit/store/counter-store.ts';
import type { RedisStore } from '../ratelimit/store/redis-store.ts';
import { startRedis, type RedisInstance } from '../dev/redis.ts';
import { startRlsFleet, type CallOutcome, type RlsFleet } from './support/rls-fleet.ts';

/**
 * "N concurrent requests against quota Q admit exactly min(N, Q)" under bursts that keep the
 * service's own event loop busy for longer than the store deadline, with the default settings
 * (15 ms deadline, failure mode allow), real Redis, one replica or three sharing it.
 */

const Q = 100;
/** 30 s into a minute (pinned, so a burst never straddles a window and a bucket never refills). */
const NOW = Date.UTC(2026, 0, 1, 0, 0, 30);
/** Envoy's rate-limit filter timeout (default). */
const ENVOY_TIMEOUT_MS = 20;
const DEADLINE_EXCEEDED = 4;

const quota = (algorithm: QuotaEntry['algorithm']): QuotaEntry => ({
  id: 'shop/burst',
  domain: 'shop',
  entries: [{ key: 'k', value: 'v' }],
  requestsPerUnit: Q,
  unit: 'MINUTE',
  shadow: false,
  algorithm,
  failureMode: 'allow',
});
const REQUEST = { domain: 'shop', descriptors: [{ entries: [{ key: 'k', value: 'v' }] }] };
const WINDOW_KEY = `shop_k_v_${NOW / 1_000 - 30}`;

let redis: RedisInstance;
let admin: Redis;
let fleet: RlsFleet | undefined;
let prefixes = 0;

beforeAll(async () => {
  redis = await startRedis();
  admin = redis.admin();
});
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});
afterAll(async () => {
  admin?.disconnect();
  await redis?.stop();
});

async function start(replicas: number, algorithm: QuotaEntry['algorithm'], wrapStore?: (store: RedisStore) => CounterStore): Promise<{ fleet: RlsFleet; prefix: string }> {
  const prefix = `burst${++prefixes}_`;
  fleet = await startRlsFleet({ redisUrl: redis.url, replicas, quota: quota(algorithm), keyPrefix: prefix, wrapStore, service: { now: () => NOW } });
  return { fleet, prefix };
}

function tally(outcomes: readonly CallOutcome[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of outcomes) out[o] = (out[o] ?? 0) + 1;
  return out;
}

/** What Redis holds once `admitted` hits are in: the window counter, or the bucket's TAT (60 s / Q = 600 ms a token). */
function expectedState(algorithm: QuotaEntry['algorithm'], admitted: number): { key: string; value: string } {
  return algorithm === 'fixedWindow' ? { key: WINDOW_KEY, value: String(admitted) } : { key: 'shop_k_v_gcra', value: `${NOW + admitted * 600}:0:${Q}` };
}

describe.each<[QuotaEntry["algorithm"]]>([["fixedWindow"], ["tokenBucket"]])(`%s, quota ${Q}/MINUTE, default deadline`, (algorithm) => {
  it.each([
    [1, 50],
    [1, 500],
    [1, 2_000],
    [3, 50],
    [3, 500],
    [3, 2_000],
  ])('%i replica(s), %i concurrent calls: exactly min(N, Q) OK, every answer from Redis', async (replicas, calls) => {
    const { fleet, prefix } = await start(replicas, algorithm);
    const outcomes = await fleet.burst(REQUEST, calls);
    const admitted = Math.min(calls, Q);
    expect(tally(outcomes)).toEqual(calls > Q ? { OK: admitted, OVER_LIMIT: calls - admitted } : { OK: admitted });
    const state = expectedState(algorithm, admitted);
    expect(await admin.get(`${prefix}${state.key}`)).toBe(state.value);
    expect(await fleet.metric('switchyard_rls_store_errors_total{kind="unavailable"}')).toBe(0);
    expect(await fleet.metric('switchyard_rls_failure_mode_total{decision="allow"}')).toBe(0);
  });
});

/** Holds the event loop for `ms`, as decoding a burst of calls does. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** A store whose first hit holds the event loop right after the store has sent it to Redis. */
function holdingLoopAfterFirstSend(store: CounterStore, holdMs: number): CounterStore {
  let held = false;
  return {
    hit(requests: readonly HitRequest[], nowMs: number, deadlineMs: number): Promise<HitResult[]> {
      const result = store.hit(requests, nowMs, deadlineMs);
      // Queued after the store's own flush (an immediate too): the pipeline is already written.
      if (!held) setImmediate(() => busyFor(holdMs));
      held = true;
      return result;
    },
    healthy: () => store.healthy(),
    close: () => store.close(),
  };
}

describe('past Envoy\'s 20 ms timeout', () => {
  it('Envoy applies its failure mode to the calls it gave up on; the service still decides them from Redis, and the counts stay exact', async () => {
    const hold = 4 * ENVOY_TIMEOUT_MS;
    const { fleet, prefix } = await start(1, 'fixedWindow', (store) => holdingLoopAfterFirstSend(store, hold));
    // Every call carries Envoy's timeout (grpc-timeout); Redis answers while the service is busy.
    const outcomes = await fleet.burst(REQUEST, 3 * Q, { deadlineMs: ENVOY_TIMEOUT_MS });
    expect(tally(outcomes)).toEqual({ [`grpc ${DEADLINE_EXCEEDED}`]: 3 * Q });
    // A call with time to wait, behind the burst on the same connection: once it is answered,
    // every call of the burst that reached the service has been decided (the service goes on
    // deciding after Envoy has given up).
    const [next] = await fleet.burst(REQUEST, 1);
    const decided = await fleet.metric('switchyard_rls_descriptor_hits_total{quota="shop/burst"}');
    const rejected = await fleet.metric('switchyard_rls_descriptor_over_limit_total{quota="shop/burst"}');
    const beforeNext = decided - 1;
    expect(beforeNext).toBeGreaterThan(0);
    expect(next).toBe(beforeNext >= Q ? 'OVER_LIMIT' : 'OK');
    // Each call the service decided counted once, from Redis's answer; none by the failure mode.
    expect([decided - rejected, await admin.get(`${prefix}${WINDOW_KEY}`)]).toEqual([Math.min(decided, Q), String(Math.min(decided, Q))]);
    expect(await fleet.metric('switchyard_rls_store_errors_total{kind="unavailable"}')).toBe(0);
    expect(await fleet.metric('switchyard_rls_failure_mode_total{decision="allow"}')).toBe(0);
  });
});

describe('a Redis that does not answer', () => {
  it('still bounds every call of a burst by the deadline: the failure mode answers, long before Redis does', async () => {
    const { fleet } = await start(1, 'fixedWindow');
    const pauseMs = 3_000;
    await redis.pause(pauseMs);
    const started = performance.now();
    const outcomes = await fleet.burst(REQUEST, 2 * Q);
    expect(performance.now() - started).toBeLessThan(pauseMs / 3);
    expect(tally(outcomes)).toEqual({ OK: 2 * Q });
    expect(await fleet.metric('switchyard_rls_failure_mode_total{decision="allow"}')).toBe(2 * Q);
  });
});
