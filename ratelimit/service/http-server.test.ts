import { afterEach, describe, expect, it } from 'vitest';
import { QuotaSnapshotHolder, staticQuotaSource } from '../config/quota-source.ts';
import type { QuotaEntry } from '../../core/ratelimit/quota-table.ts';
import { MAX_DEBUG_BODY_BYTES, MAX_DEBUG_DISCARD_BYTES } from './http-server.ts';
import { FakeStore, startHarness, type Harness } from './rls-harness.test-support.ts';

const NOW = 1_700_000_040_000 + 30_000;
const QUOTA: QuotaEntry = { id: 'ns/q', domain: 'd', entries: [{ key: 'k', value: 'v' }], requestsPerUnit: 2, unit: 'MINUTE', shadow: false, algorithm: 'fixedWindow', failureMode: 'allow' };
const BODY = JSON.stringify({ domain: 'd', descriptors: [{ entries: [{ key: 'k', value: 'v' }] }] });

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('HTTP endpoints', () => {
  it('/healthz and /readyz follow the table and the store', async () => {
    const store = new FakeStore();
    h = await startHarness(staticQuotaSource({ domains: { d: [QUOTA] } }), store, { now: () => NOW });
    expect((await h.http('/healthz')).status).toBe(200);
    expect([(await h.http('/readyz')).status]).toEqual([200]);
    store.isHealthy = false;
    const res = await h.http('/readyz');
    expect([res.status, await res.text()]).toEqual([503, 'not ready: counter store unreachable\n']);
  });

  it('/readyz is 503 before a table is loaded', async () => {
    h = await startHarness(new QuotaSnapshotHolder(), new FakeStore());
    const res = await h.http('/readyz');
    expect([res.status, await res.text()]).toEqual([503, 'not ready: no quota table loaded\n']);
  });

  it('/debug/quotas shows the live table', async () => {
    h = await startHarness(staticQuotaSource({ domains: { d: [QUOTA] } }, NOW), new FakeStore());
    expect(await (await h.http('/debug/quotas')).json()).toEqual({ loaded: true, origin: 'static', format: 'switchyard', loadedAt: new Date(NOW).toISOString(), entries: [QUOTA] });
  });

  it('POST /debug/decide checks without counting, and counts with ?count=true', async () => {
    const store = new FakeStore();
    h = await startHarness(staticQuotaSource({ domains: { d: [QUOTA] } }), store, { now: () => NOW });
    const decide = async (query = '') => (await (await h!.http(`/debug/decide${query}`, { method: 'POST', body: BODY })).json()) as { overall_code: string; statuses: { limit_remaining: number }[] };
    expect((await decide()).statuses[0]?.limit_remaining).toBe(2);
    expect((await decide()).statuses[0]?.limit_remaining).toBe(2);
    expect((await decide('?count=true')).statuses[0]?.limit_remaining).toBe(1);
    expect(await decide('?count=true')).toEqual({
      overall_code: 'OK',
      statuses: [{ code: 'OK', current_limit: { name: 'ns/q', requests_per_unit: 2, unit: 'MINUTE' }, limit_remaining: 0, duration_until_reset: { seconds: 30, nanos: 0 } }],
      response_headers_to_add: [],
      request_headers_to_add: [],
    });
    expect(store.calls.map((c) => c.requests[0]?.hits)).toEqual([0, 0, 1, 1]);
  });

  it('POST /debug/decide rejects bad input with 400 and the message', async () => {
    h = await startHarness(staticQuotaSource({ domains: {} }), new FakeStore());
    const bad = await h.http('/debug/decide', { method: 'POST', body: JSON.stringify({ domain: 'd', descriptors: [] }) });
    expect([bad.status, await bad.json()]).toEqual([400, { error: 'descriptors: must be a non-empty list (got [])' }]);
    const notJson = await h.http('/debug/decide', { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toMatch(/^body: must be JSON \(got /);
  });

  it('POST /debug/decide answers an oversized body with 400 (not a reset connection), and cuts one past the discard limit', async () => {
    h = await startHarness(staticQuotaSource({ domains: { d: [QUOTA] } }), new FakeStore(), { now: () => NOW });
    const big = await h.http('/debug/decide', { method: 'POST', body: ' '.repeat(2 * MAX_DEBUG_BODY_BYTES) });
    expect([big.status, await big.json()]).toEqual([400, { error: 'body: must be at most 1048576 bytes (got 2097152 bytes)' }]);
    // The same connection goes on serving.
    const next = await h.http('/debug/decide', { method: 'POST', body: BODY });
    expect(next.status).toBe(200);
    await expect(h.http('/debug/decide', { method: 'POST', body: ' '.repeat(MAX_DEBUG_DISCARD_BYTES + MAX_DEBUG_BODY_BYTES) })).rejects.toThrow();
  });

  it('/metrics exposes the Prometheus text format', async () => {
    h = await startHarness(staticQuotaSource({ domains: { d: [QUOTA] } }), new FakeStore(), { now: () => NOW });
    await h.call({ domain: 'd', descriptors: [{ entries: [{ key: 'k', value: 'v' }] }] });
    const res = await h.http('/metrics');
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('# TYPE switchyard_rls_descriptor_hits_total counter\nswitchyard_rls_descriptor_hits_total{quota="ns/q"} 1\n');
    expect(text).toContain('switchyard_rls_config_reloads_total{result="success"} 1\n');
    expect(text).toContain('switchyard_rls_quota_entries 1\n');
    expect(text).toMatch(/switchyard_rls_decision_seconds_count 1\n/);
  });
});
