import { describe, expect, it } from 'vitest';
import type { RateLimitMatch } from '../../api/rate-limit.ts';
import { hasMatchConditions, rateLimitActions, rateLimitDescriptor } from './descriptor.ts';
import { protoDuration } from './envoy-filters.ts';
import { SEED_SPEC, rateLimitOf } from './rate-limit-fixture.test-support.ts';
import { parseIpv4Network } from './remote-address.ts';

const ID = { key: 'switchyard_ratelimit', value: 'sm-verify.page-show' };

describe('rateLimitDescriptor', () => {
  it.each<[string, RateLimitMatch | undefined, { key: string; value: string }[]]>([
    ['no match', undefined, [ID]],
    ['source labels only', { source: { labels: { app: 'web' } } }, [ID]],
    ['exact', { headers: [{ key: ':path', matchType: 'exact', value: '/a' }] }, [ID, { key: 'header_match', value: ':path == /a' }]],
    ['prefix', { headers: [{ key: ':path', matchType: 'prefix', value: '/api/' }] }, [ID, { key: 'header_match', value: ':path starts-with /api/' }]],
    ['regex', { headers: [{ key: ':method', matchType: 'regex', value: 'GET|HEAD' }] }, [ID, { key: 'header_match', value: ':method matches GET|HEAD' }]],
    ['inverted present', { headers: [{ key: 'x-debug', matchType: 'present', invert: true }] }, [ID, { key: 'header_match', value: 'not x-debug present' }]],
    ['single address', { remoteAddress: '10.1.2.3' }, [ID, { key: 'masked_remote_address', value: '10.1.2.3/32' }]],
    [
      'headers then address, in spec order',
      { headers: [{ key: 'b', matchType: 'present' }, { key: 'a', matchType: 'present' }], remoteAddress: '192.168.77.1/20' },
      [ID, { key: 'header_match', value: 'b present' }, { key: 'header_match', value: 'a present' }, { key: 'masked_remote_address', value: '192.168.64.0/20' }],
    ],
  ])('%s', (_label, match, entries) => {
    const rl = rateLimitOf({ ...SEED_SPEC, match });
    expect(rateLimitDescriptor(rl)).toEqual({ domain: 'switchyard', entries });
    expect(rateLimitActions(rl)).toHaveLength(entries.length);
    expect(hasMatchConditions(rl)).toBe(entries.length > 1);
  });

  it('uses the spec domain when given', () => {
    expect(rateLimitDescriptor(rateLimitOf({ ...SEED_SPEC, domain: 'edge' })).domain).toBe('edge');
  });

  it('renders inverted and regex headers as Envoy actions', () => {
    const rl = rateLimitOf({ ...SEED_SPEC, match: { headers: [{ key: ':method', matchType: 'regex', value: 'GET|HEAD', invert: true }] } });
    expect(rateLimitActions(rl)[1]).toEqual({
      header_value_match: { descriptor_value: 'not :method matches GET|HEAD', expect_match: false, headers: [{ name: ':method', string_match: { safe_regex: { regex: 'GET|HEAD' } } }] },
    });
  });
});

describe('parseIpv4Network', () => {
  it.each([
    ['10.1.2.3', '10.1.2.3', 32],
    ['10.1.2.3/16', '10.1.0.0', 16],
    ['255.255.255.255/1', '128.0.0.0', 1],
    ['1.2.3.4/0', '0.0.0.0', 0],
  ])('%s → %s/%i', (raw, address, prefixLength) => {
    expect(parseIpv4Network(raw)).toEqual({ address, prefixLength });
  });
});

describe('protoDuration', () => {
  it.each([
    ['20ms', '0.02s'],
    ['5s', '5s'],
    ['1m30s', '90s'],
    ['1h', '3600s'],
    ['0.5ms', '0.0005s'],
    ['0s', '0s'],
  ])('%s → %s', (input, expected) => {
    expect(protoDuration(input)).toBe(expected);
  });
});
