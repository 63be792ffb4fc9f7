import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticQuotaSource } from '../config/quota-source.ts';
import type { QuotaEntry } from '../../core/ratelimit/quota-table.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { startHarness, type Harness } from './rls-harness.test-support.ts';

// 15.25 s into an epoch-aligned minute.
const NOW = 1_700_000_040_000 + 15_250;
const QUOTA: QuotaEntry = { id: 'ns/q', domain: 'd', entries: [{ key: 'k', value: 'v' }], requestsPerUnit: 3, unit: 'MINUTE', shadow: false, algorithm: 'fixedWindow', failureMode: 'allow' };
const REQUEST = { domain: 'd', descriptors: [{ entries: [{ key: 'k', value: 'v' }] }] };

describe('the service with the real in-memory store', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(staticQuotaSource({ domains: { d: [QUOTA] } }), new MemoryStore(), { now: () => NOW, rateLimitHeaders: true });
  });
  afterAll(() => h.close());

  it('admits exactly the quota out of concurrent calls, with exact remaining and reset', async () => {
    const responses = await Promise.all(Array.from({ length: 5 }, () => h.call(REQUEST)));
    expect(responses.map((r) => r.overall_code).sort()).toEqual(['OK', 'OK', 'OK', 'OVER_LIMIT', 'OVER_LIMIT']);
    const over = responses.find((r) => r.overall_code === 'OVER_LIMIT');
    expect(over?.statuses).toEqual([
      { code: 'OVER_LIMIT', current_limit: { name: 'ns/q', requests_per_unit: 3, unit: 'MINUTE' }, limit_remaining: 0, duration_until_reset: { seconds: 44, nanos: 750_000_000 }, quota: null },
    ]);
    expect(over?.response_headers_to_add).toEqual([
      { key: 'x-ratelimit-limit', value: '3, 3;w=60' },
      { key: 'x-ratelimit-remaining', value: '0' },
      { key: 'x-ratelimit-reset', value: '45' },
    ]);
  });
});

describe('limit overrides in Envoy\'s long units', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(staticQuotaSource({ domains: { d: [QUOTA] } }), new MemoryStore(), { now: () => NOW, rateLimitHeaders: true });
  });
  afterAll(() => h.close());

  // NOW is Tuesday 2023-11-14T22:14:15.250Z.
  it.each<[string, string, number, number]>([
    ['WEEK', '2023-11-20T00:00:00Z (Monday)', 438_344, 604_800],
    ['MONTH', '2023-12-01T00:00:00Z', 1_388_744, 2_592_000],
    ['YEAR', '2024-01-01T00:00:00Z', 4_067_144, 31_536_000],
  ])('%s: counted in its UTC calendar window, which resets at %s', async (unit, _reset, seconds, nominal) => {
    const request = { domain: 'd', descriptors: [{ entries: [{ key: 'k', value: 'v' }], limit: { requests_per_unit: 2, unit } }] };
    const responses = [await h.call(request), await h.call(request), await h.call(request)];
    expect(responses.map((r) => r.overall_code)).toEqual(['OK', 'OK', 'OVER_LIMIT']);
    expect(responses[2]?.statuses).toEqual([
      { code: 'OVER_LIMIT', current_limit: { name: 'ns/q', requests_per_unit: 2, unit }, limit_remaining: 0, duration_until_reset: { seconds, nanos: 750_000_000 }, quota: null },
    ]);
    expect(responses[2]?.response_headers_to_add).toEqual([
      { key: 'x-ratelimit-limit', value: `2, 2;w=${nominal}` },
      { key: 'x-ratelimit-remaining', value: '0' },
      { key: 'x-ratelimit-reset', value: String(seconds + 1) },
    ]);
  });
});

describe('the in-memory store\'s cap', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(staticQuotaSource({ domains: { d: [QUOTA] } }), new MemoryStore({ maxCounters: 2 }), { now: () => NOW });
  });
  afterAll(() => h.close());

  it('is visible: every live counter dropped to stay within it is counted in switchyard_rls_store_evictions_total', async () => {
    const metric = async () => (await h.service.metrics.expose()).split('\n').filter((l) => l.startsWith('switchyard_rls_store_evictions_total'));
    expect(await metric()).toEqual(['switchyard_rls_store_evictions_total 0']);
    // Overrides on descriptors of a known domain are counted per descriptor: three counters.
    for (const value of ['a', 'b', 'c']) await h.call({ domain: 'd', descriptors: [{ entries: [{ key: 'user', value }], limit: { requests_per_unit: 5, unit: 'MINUTE' } }] });
    expect(await metric()).toEqual(['switchyard_rls_store_evictions_total 1']);
  });
});
