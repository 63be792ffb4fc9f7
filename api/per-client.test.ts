import { describe, expect, it } from 'vitest';
import { rateLimitSpec } from './rate-limit.ts';

const base = { workloadSelector: {}, quota: 100, unit: 'MINUTE' };

describe('spec.per (zod, as the CRD says it at apply time)', () => {
  it.each<[string, unknown]>([
    ['a header', { header: 'x-api-key' }],
    ['a pseudo-header', { header: ':authority' }],
    ['an address per /24', { remoteAddress: { prefixLength: 24 } }],
    ['a principal', { principal: {}, overrides: [{ value: 'cluster.local/ns/shop/sa/batch', quota: 5 }] }],
    ['an address with overrides', { remoteAddress: {}, overrides: [{ value: '10.0.0.1', quota: 5 }, { value: '10.0.0.2', quota: 7 }] }],
  ])('accepts %s', (_label, per) => {
    expect(rateLimitSpec.safeParse({ ...base, per }).success).toBe(true);
  });

  it.each<[string, Record<string, unknown>, (string | number)[], string]>([
    ['no kind', { per: {} }, ['per'], 'set exactly one of header, remoteAddress or principal: the value each caller is counted by'],
    ['two kinds', { per: { header: 'x', remoteAddress: {} } }, ['per'], 'set exactly one of header, remoteAddress or principal: the value each caller is counted by'],
    ['a principal on the client side', { side: 'client', hosts: ['x:80'], workloadSelector: undefined, per: { principal: {} } }, ['per', 'principal'], "needs side server: the caller's principal is known only where its mTLS connection ends, in the target's inbound"],
    ['a principal match on the client side', { side: 'client', hosts: ['x:80'], workloadSelector: undefined, match: { source: { principal: 'cluster.local/ns/a/sa/b' } } }, ['match', 'source', 'principal'], "needs side server: the caller's principal is known only where its mTLS connection ends, in the target's inbound"],
    ['a header name with a space', { per: { header: 'x api' } }, ['per', 'header'], "must be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~) or a pseudo-header such as :authority"],
    ['a prefix past 32', { per: { remoteAddress: { prefixLength: 33 } } }, ['per', 'remoteAddress', 'prefixLength'], 'Too big: expected number to be <=32'],
    ['a zero override', { per: { header: 'x', overrides: [{ value: 'k', quota: 0 }] } }, ['per', 'overrides', 0, 'quota'], 'quota must be greater than 0 (got 0)'],
    ['an override named twice', { per: { header: 'x', overrides: [{ value: 'k', quota: 1 }, { value: 'k', quota: 2 }] } }, ['per', 'overrides', 1, 'value'], 'must be unique, "k" appears twice'],
    ['per in local mode', { mode: 'local', per: { header: 'x' } }, ['per'], 'needs mode global: a local limit keeps one token bucket per pod, not one per caller'],
  ])('refuses %s, naming the field', (_label, change, path, message) => {
    const result = rateLimitSpec.safeParse({ ...base, ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path, i.message])).toContainEqual([path, message]);
  });
});
