import { describe, expect, it } from 'vitest';
import { staticQuotaSource } from '../config/quota-source.ts';
import type { QuotaEntry } from '../../core/ratelimit/quota-table.ts';
import { FakeStore, startHarness } from './rls-harness.test-support.ts';

const QUOTA: QuotaEntry = { id: 'ns/q', domain: 'd', entries: [{ key: 'k', value: 'v' }], requestsPerUnit: 5, unit: 'MINUTE', shadow: false, algorithm: 'fixedWindow', failureMode: 'deny' };

describe('graceful shutdown', () => {
  it('lets an in-flight call finish, refuses new ones, then closes the store', async () => {
    const store = new FakeStore();
    store.mode = 'slow';
    store.delayMs = 300;
    // A store deadline above the delay, so the in-flight call is answered by the store itself.
    const h = await startHarness(staticQuotaSource({ domains: { d: [QUOTA] } }), store, { storeDeadlineMs: 1_000 });
    const inFlight = h.call({ domain: 'd', descriptors: [{ entries: [{ key: 'k', value: 'v' }] }] });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(store.calls).toHaveLength(1);
    const shutdown = h.service.shutdown();
    const response = await inFlight;
    expect((response.statuses as { limit_remaining: number }[])[0]?.limit_remaining).toBe(4);
    await shutdown;
    expect(store.closed).toBe(true);
    await expect(h.call({ domain: 'd', descriptors: [{ entries: [{ key: 'k', value: 'v' }] }] })).rejects.toMatchObject({ code: 14 });
    await h.close();
  });
});
