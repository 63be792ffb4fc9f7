import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeStore, startHarness, type Harness } from '../service/rls-harness.test-support.ts';
import { parseConfigText } from './load-config-file.ts';
import { QuotaSnapshotHolder } from './quota-source.ts';

const CONFIG = `
domain: edge
descriptors:
  - key: client
    value: internal
    rate_limit: {unlimited: true}
  - key: tenant
    rate_limit: {unit: minute, requests_per_unit: 100, name: tenant}
  - key: user
    rate_limit: {unit: minute, requests_per_unit: 1, name: user, replaces: [{name: tenant}]}
  - key: plan
    rate_limit: {unit: month, requests_per_unit: 2}
`;

describe('an envoyproxy/ratelimit config served over gRPC', () => {
  let h: Harness;
  let store: FakeStore;
  beforeAll(async () => {
    const source = new QuotaSnapshotHolder();
    source.publish(parseConfigText('edge.yaml', CONFIG, 0));
    store = new FakeStore();
    h = await startHarness(source, store, { now: () => 60_000 });
  });
  afterAll(() => h.close());

  it('unlimited descriptors answer OK with the uint32 maximum remaining and are not counted', async () => {
    const res = await h.call({ domain: 'edge', descriptors: [{ entries: [{ key: 'client', value: 'internal' }] }] });
    expect(res.statuses).toEqual([{ code: 'OK', current_limit: null, limit_remaining: 4_294_967_295, duration_until_reset: null, quota: null }]);
    expect(store.calls).toEqual([]);
  });

  it('a limit named in another matched limit\'s replaces is not counted', async () => {
    const res = await h.call({ domain: 'edge', descriptors: [{ entries: [{ key: 'tenant', value: 'acme' }] }, { entries: [{ key: 'user', value: 'ann' }] }] });
    expect((res.statuses as { code: string; current_limit: unknown }[]).map((s) => [s.code, s.current_limit])).toEqual([
      ['OK', null],
      ['OK', { name: 'edge.user', requests_per_unit: 1, unit: 'MINUTE' }],
    ]);
    expect(store.calls.at(-1)?.requests.map((r) => r.entry.id)).toEqual(['edge.user']);
  });

  it('counts a month limit of the config file in its UTC calendar month, as the reference accepts it', async () => {
    const call = { domain: 'edge', descriptors: [{ entries: [{ key: 'plan', value: 'free' }] }] };
    // now = 1970-01-01T00:01:00Z: the month ends 31 days after midnight, 60 s have gone.
    const want = (code: string, remaining: number): unknown => ({ code, current_limit: { name: 'edge.plan', requests_per_unit: 2, unit: 'MONTH' }, limit_remaining: remaining, duration_until_reset: { seconds: 31 * 86_400 - 60, nanos: 0 }, quota: null });
    expect((await h.call(call)).statuses).toEqual([want('OK', 1)]);
    expect((await h.call(call)).statuses).toEqual([want('OK', 0)]);
    expect((await h.call(call)).statuses).toEqual([want('OVER_LIMIT', 0)]);
  });

  it('a limit override counts a descriptor no quota matches when the domain is known', async () => {
    const res = await h.call({ domain: 'edge', descriptors: [{ entries: [{ key: 'route', value: 'x' }], limit: { requests_per_unit: 7, unit: 'SECOND' } }] });
    expect(res.statuses).toEqual([{ code: 'OK', current_limit: { name: 'edge/limit-override', requests_per_unit: 7, unit: 'SECOND' }, limit_remaining: 6, duration_until_reset: { seconds: 1, nanos: 0 }, quota: null }]);
  });
});
