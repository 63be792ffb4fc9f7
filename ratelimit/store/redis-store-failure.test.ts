import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisInstance } from '../../dev/redis.ts';
import { StoreUnavailableError } from './counter-store.ts';
import { RedisStore } from './redis-store.ts';
import { NOW, codes, hitOf, quota } from './store-fixture.test-support.ts';

/** What the service passes: below Envoy's 20 ms rate-limit filter timeout. */
const DEADLINE_MS = 15;
/** Timer and scheduling jitter on a loaded CI host. */
const SLACK_MS = 40;
/** How long a restarted Redis may take to be found again (backoff is capped at 2 s). */
const RECOVERY_MS = 8_000;

let redis: RedisInstance;
const stores: RedisStore[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await redis?.stop();
});

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function storeOf(prefix: string): Promise<RedisStore> {
  const store = new RedisStore({ topology: { mode: 'standalone', url: redis.url }, keyPrefix: prefix });
  stores.push(store);
  await until('store connected', () => store.healthy(), 2_000);
  return store;
}

/** Holds the event loop, as decoding a burst of calls does. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** Time a hit takes to settle, and how it settled. */
async function timed(store: RedisStore, deadlineMs = DEADLINE_MS): Promise<{ ms: number; outcome: unknown }> {
  const start = performance.now();
  const outcome = await store.hit([hitOf(quota({ requestsPerUnit: 1_000 }))], NOW, deadlineMs).then(
    (r) => r[0]?.code,
    (e: unknown) => e,
  );
  return { ms: performance.now() - start, outcome };
}

describe('RedisStore when Redis is slow or gone', () => {
  it('gives up at the deadline on a slow Redis, and the late hit counts once', async () => {
    const store = await storeOf('slow_');
    await redis.pause(300);
    const { ms, outcome } = await timed(store);
    expect(outcome).toBeInstanceOf(StoreUnavailableError);
    expect((outcome as Error).message).toBe('redis: no answer within the 15 ms deadline');
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(store.stats().errors).toBe(1);
    // Once Redis answers again, the hit that timed out has been applied exactly once.
    await until('pause over', async () => (await timed(store, 1_000)).outcome === 'OK', 2_000);
    const admin = redis.admin();
    const [key] = await admin.keys('slow_*');
    expect(await admin.get(key ?? '')).toBe('2');
    admin.disconnect();
  });

  it('uses the answer of a Redis that replied in time, even when our own busy loop reads it late', async () => {
    const store = await storeOf('busy_');
    const started = performance.now();
    const hit = store.hit([hitOf(quota({ requestsPerUnit: 1_000 }))], NOW, DEADLINE_MS);
    // Runs right after the store's flush (both are immediates, the flush queued first): the
    // pipeline is on its way, and Redis answers while the loop is held for 4 deadlines.
    setImmediate(() => busyFor(4 * DEADLINE_MS));
    expect((await hit)[0]?.code).toBe('OK');
    expect(performance.now() - started).toBeGreaterThanOrEqual(4 * DEADLINE_MS);
    expect(store.stats().errors).toBe(0);
  });

  it('fails fast while Redis is down and recovers by itself when it is back', async () => {
    const store = await storeOf('down_');
    expect((await timed(store)).outcome).toBe('OK');
    await redis.kill();
    await until('store notices', () => !store.healthy(), 2_000);
    const { ms, outcome } = await timed(store, 1_000);
    expect(outcome).toBeInstanceOf(StoreUnavailableError);
    expect((outcome as Error).message).toMatch(/^redis: not connected/);
    expect(ms).toBeLessThan(SLACK_MS);
    await redis.start();
    await until('store reconnected', () => store.healthy(), RECOVERY_MS);
    // A fresh server has no scripts loaded and no counters: both come back transparently.
    expect(codes(await Promise.all([1, 2, 3].map(() => store.hit([hitOf(quota({ requestsPerUnit: 2 }))], NOW, 1_000))).then((r) => r.flat()))).toEqual({
      OK: 2,
      OVER_LIMIT: 1,
    });
  });
});

describe('RedisStore against a Redis Cluster', () => {
  let cluster: RedisInstance;
  beforeAll(async () => {
    cluster = await startRedis({ cluster: true });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('counts exactly, each descriptor in its own slot', async () => {
    const store = new RedisStore({ topology: { mode: 'cluster', nodes: [{ host: '127.0.0.1', port: cluster.port }] }, keyPrefix: 'c_' });
    stores.push(store);
    await until('cluster client ready', () => store.healthy(), 5_000);
    const requests = ['a', 'b', 'c'].map((v) => hitOf(quota({ requestsPerUnit: 5, entries: [{ key: 'k', value: v }] })));
    const results = await Promise.all(Array.from({ length: 8 }, () => store.hit(requests, NOW, 1_000)));
    expect(results.map((r) => r.map((x) => x.code).join(','))).toEqual([...Array(5).fill('OK,OK,OK'), ...Array(3).fill('OVER_LIMIT,OVER_LIMIT,OVER_LIMIT')]);
    const admin = cluster.admin();
    expect((await admin.keys('c_*')).sort()).toEqual(['c_switchyard_k_a_1700000000', 'c_switchyard_k_b_1700000000', 'c_switchyard_k_c_1700000000']);
    expect(await admin.get('c_switchyard_k_a_1700000000')).toBe('5');
    admin.disconnect();
  });
});
