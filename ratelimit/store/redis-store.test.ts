import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisInstance } from '../../dev/redis.ts';
import type { QuotaEntry } from '../../core/ratelimit/quota-table.ts';
import type { HitRequest, HitResult } from '../../core/limits/hit.ts';
import { MemoryStore } from './memory-store.ts';
import { RedisStore, type RedisStoreOptions } from './redis-store.ts';
import { NOW, codes, hitOf, quota } from './store-fixture.test-support.ts';

/** Generous: these tests check counting, not latency (redis-store-failure.test.ts does). */
const DEADLINE_MS = 5_000;

let redis: RedisInstance;
let admin: Redis;
let prefixes = 0;
const stores: RedisStore[] = [];

beforeAll(async () => {
  redis = await startRedis();
  admin = redis.admin();
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  admin.disconnect();
  await redis?.stop();
});

/** A connected store; each test gets its own key prefix so tests never share counters. */
async function storeOf(options: Partial<RedisStoreOptions> = {}, prefix = `t${++prefixes}_`): Promise<RedisStore> {
  const store = new RedisStore({ topology: { mode: 'standalone', url: redis.url }, keyPrefix: prefix, ...options });
  stores.push(store);
  for (let i = 0; i < 100 && !store.healthy(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(store.healthy()).toBe(true);
  return store;
}

function concurrent(store: RedisStore, n: number, request: HitRequest, nowMs = NOW): Promise<HitResult[]> {
  return Promise.all(Array.from({ length: n }, () => store.hit([request], nowMs, DEADLINE_MS))).then((r) => r.flat());
}

describe('RedisStore against a real Redis', () => {
  it('admits exactly 137 of 500 concurrent hits, in one command and one round trip', async () => {
    const store = await storeOf();
    const results = await concurrent(store, 500, hitOf(quota()));
    expect(codes(results)).toEqual({ OK: 137, OVER_LIMIT: 363 });
    expect(results.slice(0, 2).map((r) => r.remaining)).toEqual([136, 135]);
    expect(store.stats()).toEqual({ redisCommands: 1, redisRoundTrips: 1, coalescedHits: 499, overLimitCacheHits: 0, errors: 0 });
  });

  it.each<[QuotaEntry['algorithm']]>([['fixedWindow'], ['tokenBucket'], ['slidingWindow']])('%s: two replicas sharing Redis admit exactly 137 together', async (algorithm) => {
    const prefix = `shared${algorithm}_`;
    const [a, b] = [await storeOf({}, prefix), await storeOf({}, prefix)];
    const request = hitOf(quota({ algorithm, unit: 'MINUTE' }));
    // Forty interleaved ticks of 15 hits per replica, so their batches race on the server.
    const rounds = Array.from({ length: 40 }, async (_x, i) => {
      await new Promise((r) => setTimeout(r, i % 7));
      return [...(await concurrent(a, 15, request)), ...(await concurrent(b, 15, request))];
    });
    const results = (await Promise.all(rounds)).flat();
    expect(results).toHaveLength(1_200);
    expect(codes(results).OK).toBe(137);
  });

  it('stores exactly the admitted hits by default, and every hit when counting over limit', async () => {
    const stopping = await storeOf({}, 'stop_');
    const counting = await storeOf({ stopCountingOverLimit: false }, 'count_');
    await concurrent(stopping, 500, hitOf(quota()));
    await concurrent(counting, 500, hitOf(quota()));
    const suffix = 'switchyard_switchyard%5Fratelimit_sm-verify.page-show_header%5Fmatch_:path%20==%20/Page.Show_1700000000';
    expect(await admin.mget(`stop_${suffix}`, `count_${suffix}`)).toEqual(['137', '500']);
  });

  it('restarts counting in the next window and keeps exact, expiring keys per window', async () => {
    const store = await storeOf({}, 'win_');
    const entry = quota({ requestsPerUnit: 3, entries: [{ key: 'k', value: 'v_1 {x}' }] });
    const first = await concurrent(store, 5, hitOf(entry), NOW + 999);
    const second = await concurrent(store, 5, hitOf(entry), NOW + 1_000);
    expect([codes(first), codes(second)]).toEqual([{ OK: 3, OVER_LIMIT: 2 }, { OK: 3, OVER_LIMIT: 2 }]);
    const keys = (await admin.keys('win_*')).sort();
    expect(keys).toEqual(['win_switchyard_k_v%5F1%20%7Bx%7D_1700000000', 'win_switchyard_k_v%5F1%20%7Bx%7D_1700000001']);
    const ttls = await Promise.all(keys.map((k) => admin.pttl(k)));
    // window end - now + 2 s of slack: 1 ms + 2000 and 1000 ms + 2000, minus time passed since.
    expect(ttls[0]).toBeGreaterThan(1_500);
    expect(ttls[0]).toBeLessThanOrEqual(2_001);
    expect(ttls[1]).toBeGreaterThan(2_500);
    expect(ttls[1]).toBeLessThanOrEqual(3_000);
  });

  it('coalesces hits of one tick: 500 hits in one round trip, against 500 one by one', async () => {
    const batched = await storeOf();
    const sequential = await storeOf();
    const request = hitOf(quota({ requestsPerUnit: 1_000 }));
    await concurrent(batched, 500, request);
    for (let i = 0; i < 500; i++) await sequential.hit([request], NOW, DEADLINE_MS);
    expect([batched.stats().redisRoundTrips, sequential.stats().redisRoundTrips]).toEqual([1, 500]);
    expect([batched.stats().coalescedHits, sequential.stats().coalescedHits]).toEqual([499, 0]);
  });

  it('sends all keys of a request in one pipeline', async () => {
    const store = await storeOf();
    const requests = Array.from({ length: 10 }, (_x, i) => hitOf(quota({ entries: [{ key: 'k', value: String(i) }] })));
    const results = await store.hit(requests, NOW, DEADLINE_MS);
    expect(results.map((r) => r.remaining)).toEqual(Array(10).fill(136));
    expect(store.stats()).toMatchObject({ redisCommands: 10, redisRoundTrips: 1 });
  });

  it('answers keys known to be over limit locally until their window ends', async () => {
    const store = await storeOf();
    const request = hitOf(quota({ requestsPerUnit: 2 }));
    await concurrent(store, 3, request, NOW + 10);
    const before = store.stats();
    const [local] = await store.hit([request], NOW + 500, DEADLINE_MS);
    expect(local).toEqual({ code: 'OVER_LIMIT', limit: 2, remaining: 0, resetMs: 500, nearLimit: false });
    expect(store.stats()).toMatchObject({ redisCommands: before.redisCommands, overLimitCacheHits: 1 });
    const [next] = await store.hit([request], NOW + 1_000, DEADLINE_MS);
    expect(next?.code).toBe('OK');
    expect(store.stats()).toMatchObject({ redisCommands: before.redisCommands + 1, overLimitCacheHits: 1 });
  });

  it('asks Redis for every hit when told to count over limit', async () => {
    const store = await storeOf({ stopCountingOverLimit: false });
    const request = hitOf(quota({ requestsPerUnit: 2 }));
    await concurrent(store, 3, request);
    await store.hit([request], NOW, DEADLINE_MS);
    expect(store.stats()).toMatchObject({ redisCommands: 2, overLimitCacheHits: 0 });
  });

  it.each<[QuotaEntry['algorithm'], boolean]>([
    ['fixedWindow', true],
    ['fixedWindow', false],
    ['tokenBucket', true],
    ['slidingWindow', true],
    ['slidingWindow', false],
  ])('%s (stop counting: %s) decides exactly like the in-memory store, step by step', async (algorithm, stopCountingOverLimit) => {
    const redisStore = await storeOf({ stopCountingOverLimit });
    const memory = new MemoryStore({ stopCountingOverLimit });
    const entry = quota({ algorithm, requestsPerUnit: 7 });
    let seed = 42;
    const next = (n: number): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    let now = NOW;
    for (let step = 0; step < 60; step++) {
      now += next(400);
      const batch = Array.from({ length: 1 + next(6) }, () => hitOf(entry, next(4), next(5) === 0 ? { limitOverride: { requestsPerUnit: 9, unit: 'SECOND' } } : {}));
      const fromRedis = await Promise.all(batch.map((r) => redisStore.hit([r], now, DEADLINE_MS)));
      const fromMemory = await Promise.all(batch.map((r) => memory.hit([r], now, DEADLINE_MS)));
      expect(fromRedis, `step ${step}`).toEqual(fromMemory);
    }
  });

  it('hands a token back after exactly T = 1000/3 ms, to the fraction of a millisecond', async () => {
    const request = hitOf(quota({ algorithm: 'tokenBucket', requestsPerUnit: 3 }));
    // A fresh replica per hit: nothing is answered from an over-limit cache, Redis decides each.
    const at = async (offset: number, hits = 1): Promise<string | undefined> =>
      (await (await storeOf({}, 'third_')).hit([{ ...request, hits }], NOW + offset, DEADLINE_MS))[0]?.code;
    expect([await at(0, 3), await at(333), await at(334), await at(334), await at(667), await at(1_667, 3)]).toEqual(['OK', 'OVER_LIMIT', 'OK', 'OVER_LIMIT', 'OK', 'OK']);
  });

  it('keeps a token bucket as one exact key with a TTL of the refill time', async () => {
    const store = await storeOf({}, 'tb_');
    const entry = quota({ algorithm: 'tokenBucket', requestsPerUnit: 3, entries: [{ key: 'k', value: 'v' }] });
    expect(codes(await concurrent(store, 5, hitOf(entry)))).toEqual({ OK: 3, OVER_LIMIT: 2 });
    expect(await admin.keys('tb_*')).toEqual(['tb_switchyard_k_v_gcra']);
    expect(await admin.get('tb_switchyard_k_v_gcra')).toBe(`${NOW + 1_000}:0:3`);
    const ttl = await admin.pttl('tb_switchyard_k_v_gcra');
    expect(ttl).toBeGreaterThan(900);
    expect(ttl).toBeLessThanOrEqual(1_001);
  });

  it('keeps a sliding window as one key holding both counts, with a TTL until the next window ends', async () => {
    const store = await storeOf({}, 'sw_');
    const entry = quota({ algorithm: 'slidingWindow', requestsPerUnit: 4, entries: [{ key: 'k', value: 'v' }] });
    expect(codes(await concurrent(store, 3, hitOf(entry), NOW + 500))).toEqual({ OK: 3 });
    // A quarter into the next second: 3 × 3/4 rounds up to 3, one hit left.
    expect(codes(await concurrent(store, 3, hitOf(entry), NOW + 1_250))).toEqual({ OK: 1, OVER_LIMIT: 2 });
    expect(await admin.keys('sw_*')).toEqual(['sw_switchyard_k_v_sliding']);
    expect(await admin.get('sw_switchyard_k_v_sliding')).toBe(`${NOW + 1_000}:1:3`);
    const ttl = await admin.pttl('sw_switchyard_k_v_sliding');
    // Until the end of the second after (NOW + 3000) plus 2 s of slack, from NOW + 1250.
    expect(ttl).toBeGreaterThan(3_500);
    expect(ttl).toBeLessThanOrEqual(3_750);
  });

  it('a replica whose clock is behind counts into the state a replica ahead wrote, keeping its window', async () => {
    const [ahead, behind] = [await storeOf({}, 'skew_'), await storeOf({}, 'skew_')];
    const entry = quota({ algorithm: 'slidingWindow', requestsPerUnit: 10, entries: [{ key: 'k', value: 'v' }] });
    await concurrent(ahead, 4, hitOf(entry), NOW - 100);
    await concurrent(ahead, 2, hitOf(entry), NOW + 5);
    expect(await admin.get('skew_switchyard_k_v_sliding')).toBe(`${NOW}:2:4`);
    // 10 ms behind, still in the previous second: its window holds 4 of 10.
    expect(codes(await concurrent(behind, 8, hitOf(entry), NOW - 5))).toEqual({ OK: 6, OVER_LIMIT: 2 });
    expect(await admin.get('skew_switchyard_k_v_sliding')).toBe(`${NOW}:2:10`);
    // The replica ahead now sees the previous second full: ceil(10 × 0.995) + 2 = 12 > 10.
    expect(codes(await ahead.hit([hitOf(entry)], NOW + 5, DEADLINE_MS))).toEqual({ OVER_LIMIT: 1 });
  });
});
