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
