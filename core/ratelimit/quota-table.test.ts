import { describe, expect, it } from 'vitest';
import { SEED_SPEC, rateLimitOf } from './rate-limit-fixture.test-support.ts';
import { buildQuotaTable, lookup } from './quota-table.ts';

const seed = rateLimitOf();
const edge = rateLimitOf({ ...SEED_SPEC, domain: 'edge', quota: 5, unit: 'MINUTE', shadow: true, failureMode: 'deny', algorithm: 'tokenBucket', match: undefined }, 'login', 'auth');
const bad = rateLimitOf({ ...SEED_SPEC, match: { remoteAddress: 'fd00::/8' } }, 'v6', 'sm-verify');
const local = rateLimitOf({ ...SEED_SPEC, mode: 'local' }, 'per-pod', 'sm-verify');

describe('buildQuotaTable', () => {
  it('builds the good RateLimits, reports the bad one, skips local mode', () => {
    const { table, errors } = buildQuotaTable([local, bad, seed, edge]);
    expect(errors).toEqual([
      { namespace: 'sm-verify', name: 'v6', field: 'spec.match.remoteAddress', message: 'spec.match.remoteAddress: IPv6 addresses are not supported yet (got "fd00::/8")' },
    ]);
    expect(table).toMatchInlineSnapshot(`
      {
        "domains": {
          "edge": [
            {
              "algorithm": "tokenBucket",
              "domain": "edge",
              "entries": [
                {
                  "key": "switchyard_ratelimit",
                  "value": "auth.login",
                },
              ],
              "failureMode": "deny",
              "id": "auth/login",
              "requestsPerUnit": 5,
              "shadow": true,
              "unit": "MINUTE",
            },
          ],
          "switchyard": [
            {
              "algorithm": "fixedWindow",
              "domain": "switchyard",
              "entries": [
                {
                  "key": "switchyard_ratelimit",
                  "value": "sm-verify.page-show",
                },
                {
                  "key": "header_match",
                  "value": ":path == /Page.Show",
                },
              ],
              "failureMode": "allow",
              "id": "sm-verify/page-show",
              "requestsPerUnit": 800,
              "shadow": false,
              "unit": "SECOND",
            },
          ],
        },
      }
    `);
  });

  it('does not depend on input order', () => {
    expect(buildQuotaTable([edge, seed]).table).toEqual(buildQuotaTable([seed, edge]).table);
  });

  it('reports a RateLimit listed twice and keeps the first', () => {
    const { table, errors } = buildQuotaTable([seed, { ...seed, spec: { ...seed.spec, quota: 1 } }]);
    expect(errors).toEqual([
      { namespace: 'sm-verify', name: 'page-show', field: 'metadata.name', message: 'metadata.name: must be unique per namespace, RateLimit sm-verify/page-show appears twice' },
    ]);
    expect(table.domains.switchyard?.map((q) => q.requestsPerUnit)).toEqual([800]);
  });
});

describe('lookup', () => {
  const { table } = buildQuotaTable([seed, edge]);
  const seedEntries = [
    { key: 'switchyard_ratelimit', value: 'sm-verify.page-show' },
    { key: 'header_match', value: ':path == /Page.Show' },
  ];

  it.each([
    ['exact entries', 'switchyard', seedEntries, 'sm-verify/page-show'],
    ['other domain', 'edge', [{ key: 'switchyard_ratelimit', value: 'auth.login' }], 'auth/login'],
    ['wrong domain', 'edge', seedEntries, undefined],
    ['unknown domain', 'nope', seedEntries, undefined],
    ['prefix of the entries', 'switchyard', seedEntries.slice(0, 1), undefined],
    ['extra entry', 'switchyard', [...seedEntries, { key: 'x', value: 'y' }], undefined],
    ['entries out of order', 'switchyard', [...seedEntries].reverse(), undefined],
    ['different value', 'switchyard', [seedEntries[0], { key: 'header_match', value: ':path == /Page.Edit' }], undefined],
  ])('%s', (_label, domain, entries, id) => {
    expect(lookup(table, domain, entries as { key: string; value: string }[])?.entry.id).toBe(id);
  });

  describe('per-client', () => {
    const perKey = rateLimitOf({ ...SEED_SPEC, quota: 100, unit: 'MINUTE', per: { header: 'X-Api-Key', overrides: [{ value: 'gold', quota: 1_000 }] } }, 'api', 'shop');
    const { table: perTable, errors } = buildQuotaTable([perKey]);
    const fixed = [
      { key: 'switchyard_ratelimit', value: 'shop.api' },
      { key: 'header_match', value: ':path == /Page.Show' },
    ];
    it('keeps the fixed entries and the per-client key, lower-cased as Envoy reads headers', () => {
      expect(errors).toEqual([]);
      expect(perTable.domains.switchyard?.[0]).toMatchObject({ entries: fixed, per: { key: 'x-api-key', overrides: [{ value: 'gold', requestsPerUnit: 1_000 }] } });
    });
    it.each<[string, { key: string; value: string }[], [string, number] | undefined]>([
      ['any value of the key: the quota', [...fixed, { key: 'x-api-key', value: 'k1' }], ['shop/api', 100]],
      ['an overridden value: its own quota', [...fixed, { key: 'x-api-key', value: 'gold' }], ['shop/api', 1_000]],
      ['no per-client entry (no header): the quota, one shared counter', fixed, ['shop/api', 100]],
      ['another key in its place', [...fixed, { key: 'x-user', value: 'k1' }], undefined],
      ['two entries after the fixed ones', [...fixed, { key: 'x-api-key', value: 'k1' }, { key: 'x-api-key', value: 'k2' }], undefined],
      ['fixed entries that differ', [fixed[0]!, { key: 'x-api-key', value: 'k1' }], undefined],
    ])('%s', (_label, entries, want) => {
      const found = lookup(perTable, 'switchyard', entries);
      expect(found && [found.entry.id, found.requestsPerUnit]).toEqual(want);
    });
  });
});
