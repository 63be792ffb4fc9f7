import { describe, expect, it } from 'vitest';
import { RlsMetrics } from '../service/rls-metrics.ts';
import { planHit } from './hit-plan.ts';
import { OverLimitCache } from './over-limit-cache.ts';
import { NOW, hitOf, quota } from './store-fixture.test-support.ts';

/** A fixed-window plan for one caller's key (quota 2 a second). */
const planFor = (caller: string) => planHit(hitOf(quota({ requestsPerUnit: 2, entries: [{ key: 'x-api-key', value: caller }] })), '', NOW);

describe('OverLimitCache', () => {
  it('stays within its cap by dropping the entry remembered longest ago, and counts each drop', () => {
    const cache = new OverLimitCache(2);
    for (const caller of ['a', 'b', 'c']) cache.remember(planFor(caller), 2, NOW);
    expect([cache.size, cache.evictions]).toEqual([2, 1]);
    // 'a' asks Redis again; 'b' and 'c' are still answered here.
    expect([planFor('a'), planFor('b'), planFor('c')].map((p) => cache.answer(p, NOW + 1)?.code)).toEqual([undefined, 'OVER_LIMIT', 'OVER_LIMIT']);
    cache.remember(planFor('c'), 2, NOW);
    expect(cache.evictions).toBe(1);
  });

  it('answers a sliding window over limit with the weight of the hit\'s own instant, and stops when the estimate has room', () => {
    const cache = new OverLimitCache();
    const sliding = quota({ algorithm: 'slidingWindow', requestsPerUnit: 10, unit: 'MINUTE', entries: [{ key: 'k', value: 'v' }] });
    // NOW is 20 s into its minute; the previous minute held 12, the current 2. 21 s in, one more
    // hit would make the estimate ceil(12 × 39/60, rounded up to a step) + 2 + 1 = 8 + 3 = 11.
    const at = (ms: number) => planHit(hitOf(sliding), '', ms);
    cache.remember(at(NOW), { startMs: NOW - 20_000, previous: 12, current: 2 }, NOW);
    expect(cache.answer(at(NOW + 1_000), NOW + 1_000)?.code).toBe('OVER_LIMIT');
    // Half way, 12 weighs 6: 6 + 2 + 1 = 9 fits, so Redis decides.
    expect(cache.answer(at(NOW + 10_000), NOW + 10_000)).toBeUndefined();
  });
});

describe('switchyard_rls_over_limit_cache_evictions_total', () => {
  it('exposes the running count, no label', async () => {
    const metrics = new RlsMetrics();
    let evictions = 0;
    metrics.trackCacheEvictions(() => evictions);
    const line = async () => (await metrics.expose()).split('\n').filter((l) => l.startsWith('switchyard_rls_over_limit_cache_evictions_total'));
    expect(await line()).toEqual(['switchyard_rls_over_limit_cache_evictions_total 0']);
    evictions = 3;
    expect(await line()).toEqual(['switchyard_rls_over_limit_cache_evictions_total 3']);
  });
});
