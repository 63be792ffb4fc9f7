import { describe, expect, it } from 'vitest';
import type { RateLimit, RateLimitSpec } from '../../api/rate-limit.ts';
import { buildQuotaTable, lookup } from '../../core/ratelimit/quota-table.ts';
import { indexQuotaTable } from './quota-index.ts';

const rl = (name: string, spec: Partial<RateLimitSpec>): RateLimit => ({
  apiVersion: 'switchyard.io/v1alpha1',
  kind: 'RateLimit',
  metadata: { name, namespace: 'shop' },
  spec: { workloadSelector: {}, quota: 100, unit: 'MINUTE', ...spec },
});

const { table, errors } = buildQuotaTable([
  rl('api', { match: { headers: [{ key: ':path', matchType: 'prefix', value: '/api' }] }, per: { header: 'x-api-key', overrides: [{ value: 'gold', quota: 1_000 }] } }),
  rl('by-net', { quota: 10, per: { remoteAddress: { prefixLength: 24 }, overrides: [{ value: '10.1.2.77', quota: 50 }] } }),
  rl('plain', { quota: 5 }),
]);
const index = indexQuotaTable(table);

const API = [
  { key: 'switchyard_ratelimit', value: 'shop.api' },
  { key: 'header_match', value: ':path starts-with /api' },
];
const NET = [{ key: 'switchyard_ratelimit', value: 'shop.by-net' }];
const PLAIN = [{ key: 'switchyard_ratelimit', value: 'shop.plain' }];

describe('indexQuotaTable', () => {
  it.each<[string, { key: string; value: string }[], [string, number] | undefined]>([
    ['an API key', [...API, { key: 'x-api-key', value: 'k1' }], ['shop/api', 100]],
    ['an overridden API key', [...API, { key: 'x-api-key', value: 'gold' }], ['shop/api', 1_000]],
    ['no API key: the shared counter', API, ['shop/api', 100]],
    ['a /24 network', [...NET, { key: 'masked_remote_address', value: '10.9.9.0/24' }], ['shop/by-net', 10]],
    ['the overridden network (written as an address in it)', [...NET, { key: 'masked_remote_address', value: '10.1.2.0/24' }], ['shop/by-net', 50]],
    ['a value for a RateLimit without per', [...PLAIN, { key: 'x-api-key', value: 'k1' }], undefined],
    ['the plain RateLimit', PLAIN, ['shop/plain', 5]],
    ['another key after the fixed entries', [...API, { key: 'x-user', value: 'k1' }], undefined],
    ['an empty descriptor', [], undefined],
  ])('%s: agrees with lookup', (_label, entries, want) => {
    expect(errors).toEqual([]);
    const matched = index.match('switchyard', entries);
    expect(matched && [matched.entry.id, matched.entry.requestsPerUnit]).toEqual(want);
    const looked = lookup(table, 'switchyard', entries);
    expect(looked && [looked.entry.id, looked.requestsPerUnit]).toEqual(want);
  });
});
