import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { QuotaEntry } from '../core/ratelimit/quota-table.ts';
import { startRedis, type RedisInstance } from '../dev/redis.ts';
import { startRlsFleet, type CallOutcome, type RlsFleet } from './support/rls-fleet.ts';

/**
 * `algorithm: slidingWindow` through the gRPC service on real Redis, with the default settings:
 * exact at the window edge under concurrency (one replica and three sharing Redis), and its Redis
 * cost per decision, counted by Redis itself (INFO commandstats).
 */

const Q = 100;
/** The start of a minute (pinned: the tests move the clock themselves). */
const START = Date.UTC(2026, 0, 1, 0, 1, 0);
const REQUEST = { domain: 'shop', descriptors: [{ entries: [{ key: 'k', value: 'v' }] }] };
const STATE_KEY = 'shop_k_v_sliding';

const quota = (requestsPerUnit: number): QuotaEntry => ({
  id: 'shop/sliding',
  domain: 'shop',
  entries: [{ key: 'k', value: 'v' }],
  requestsPerUnit,
  unit: 'MINUTE',
  shadow: false,
  algorithm: 'slidingWindow',
  failureMode: 'allow',
});

let redis: RedisInstance;
let admin: Redis;
let fleet: RlsFleet | undefined;
let prefixes = 0;
let clock = START;

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

async function start(replicas: number, requestsPerUnit = Q): Promise<{ fleet: RlsFleet; prefix: string }> {
  const prefix = `sliding${++prefixes}_`;
  fleet = await startRlsFleet({ redisUrl: redis.url, replicas, quota: quota(requestsPerUnit), keyPrefix: prefix, service: { now: () => clock } });
  return { fleet, prefix };
}

function oks(outcomes: readonly CallOutcome[]): number {
  const unexpected = outcomes.filter((o) => o !== 'OK' && o !== 'OVER_LIMIT');
  expect(unexpected).toEqual([]);
  return outcomes.filter((o) => o === 'OK').length;
}

describe(`slidingWindow, quota ${Q}/MINUTE, default deadline`, () => {
  it.each([
    [1, 50],
    [1, 500],
    [1, 2_000],
    [3, 50],
    [3, 500],
    [3, 2_000],
  ])('%i replica(s), %i concurrent calls at the edge and half a window later: exactly the rule\'s room', async (replicas, calls) => {
    const { fleet, prefix } = await start(replicas);
    // The last millisecond of the previous minute: 60 hits.
    clock = START - 1;
    expect(oks(await fleet.burst(REQUEST, 60))).toBe(60);
    // At the edge the previous minute weighs fully: room for exactly 100 - 60.
    clock = START;
    expect(oks(await fleet.burst(REQUEST, calls))).toBe(Math.min(calls, 40));
    // Half way, it weighs half (30): room for exactly 100 - 30 - 40.
    clock = START + 30_000;
    expect(oks(await fleet.burst(REQUEST, calls))).toBe(Math.min(calls, 30));
    expect(await admin.get(`${prefix}${STATE_KEY}`)).toBe(`${START}:${40 + Math.min(calls, 30)}:60`);
    expect(await fleet.metric('switchyard_rls_store_errors_total{kind="unavailable"}')).toBe(0);
    expect(await fleet.metric('switchyard_rls_failure_mode_total{decision="allow"}')).toBe(0);
  });
});

/**
 * Calls per command, from Redis's own counters since the last CONFIG RESETSTAT (commands a script
 * runs included). EVAL and EVALSHA are summed as `script`: a connection's first call of a script
 * sends its body.
 */
async function commandCalls(): Promise<Record<string, number>> {
  const info = await admin.info('commandstats');
  const out: Record<string, number> = {};
  for (const m of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) {
    const name = m[1] === 'eval' || m[1] === 'evalsha' ? 'script' : (m[1] ?? '');
    if (name !== 'info' && name !== 'config|resetstat') out[name] = (out[name] ?? 0) + Number(m[2]);
  }
  return out;
}

describe('Redis cost per decision (INFO commandstats)', () => {
  it('one script call (a GET and a SET inside) per admitted decision; none once the key is known over limit; one per tick for a burst', async () => {
    const { fleet } = await start(1, 150);
    clock = START + 1_000;
    await admin.config('RESETSTAT');
    // One call at a time: each decision is its own tick, so nothing is coalesced.
    for (let i = 0; i < 100; i++) expect(await fleet.burst(REQUEST, 1)).toEqual(['OK']);
    expect(await commandCalls()).toEqual({ script: 100, get: 100, set: 100 });

    await admin.config('RESETSTAT');
    // 50 more are admitted, the last bringing the estimate to the limit: Redis's reply says so,
    // and the over-limit cache answers the other 50 without Redis.
    const tally = { OK: 0, OVER_LIMIT: 0 };
    for (let i = 0; i < 100; i++) for (const o of await fleet.burst(REQUEST, 1)) tally[o === 'OK' ? 'OK' : 'OVER_LIMIT']++;
    expect(tally).toEqual({ OK: 50, OVER_LIMIT: 50 });
    expect(await commandCalls()).toEqual({ script: 50, get: 50, set: 50 });

    clock = START + 2_000 + 60_000;
    await admin.config('RESETSTAT');
    const outcomes = await fleet.burst(REQUEST, 500);
    const calls = await commandCalls();
    // Coalesced: far fewer script calls than decisions (one per key per event-loop tick).
    expect(calls.script).toBeLessThanOrEqual(50);
    expect(calls.get).toBe(calls.script);
    // 2 s into the minute the previous one's weight is ceil(58/60 × 65536) = 63,352 steps, so it
    // weighs ceil(150 × 63352 / 65536) = ceil(145.001) = 146: room for 4.
    expect(oks(outcomes)).toBe(4);
  });
});
