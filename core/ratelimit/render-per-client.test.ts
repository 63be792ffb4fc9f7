import { describe, expect, it } from 'vitest';
import type { RateLimitSpec } from '../../api/rate-limit.ts';
import type { EnvoyFilter } from '../istio/types.ts';
import { envoyDescriptorFor, type ModelRequest } from './envoy-descriptor.test-support.ts';
import { buildQuotaTable, lookup } from './quota-table.ts';
import { rateLimitOf } from './rate-limit-fixture.test-support.ts';
import { RateLimitRenderError } from './render-error.ts';
import { defaultRenderOptions, renderRateLimit } from './render-rate-limit.ts';

const BASE: RateLimitSpec = { workloadSelector: { labels: { app: 'api' } }, quota: 100, unit: 'MINUTE' };
const PER_KEY: RateLimitSpec = {
  ...BASE,
  match: { headers: [{ key: ':path', matchType: 'prefix', value: '/api' }] },
  per: { header: 'X-Api-Key', overrides: [{ value: 'gold', quota: 1_000 }] },
};
const PER_NET: RateLimitSpec = { ...BASE, per: { remoteAddress: { prefixLength: 24 }, overrides: [{ value: '10.1.2.77', quota: 7 }] } };
const PER_PRINCIPAL: RateLimitSpec = { ...BASE, per: { principal: {}, overrides: [{ value: 'cluster.local/ns/shop/sa/batch', quota: 9 }] } };
const FROM_WEB: RateLimitSpec = { ...BASE, match: { source: { principal: 'cluster.local/ns/shop/sa/web' } } };
const SAN = (sa: string): string => `spiffe://cluster.local/ns/shop/sa/${sa}`;
const NAMES = new Map<RateLimitSpec, string>([[PER_KEY, 'api'], [PER_NET, 'net'], [PER_PRINCIPAL, 'by-principal'], [FROM_WEB, 'from-web']]);

function actionsOf(spec: RateLimitSpec, name = 'api'): unknown[] {
  const [ef] = renderRateLimit(rateLimitOf(spec, name, 'shop'), defaultRenderOptions) as [EnvoyFilter];
  const vhost = ef.spec.configPatches.find((p) => p.applyTo === 'VIRTUAL_HOST');
  return (vhost?.patch.value as { rate_limits: { actions: unknown[] }[] }).rate_limits[0]?.actions ?? [];
}

describe('spec.per renders Envoy actions beside the match', () => {
  it('a header: request_headers, skipped (not dropped) when absent', () => {
    expect(actionsOf(PER_KEY)).toEqual([
      { generic_key: { descriptor_key: 'switchyard_ratelimit', descriptor_value: 'shop.api' } },
      { header_value_match: { descriptor_value: ':path starts-with /api', expect_match: true, headers: [{ name: ':path', string_match: { prefix: '/api' } }] } },
      { request_headers: { header_name: 'x-api-key', descriptor_key: 'x-api-key', skip_if_absent: true } },
    ]);
  });

  it('an address: masked_remote_address with the prefix lengths (IPv6 per address by default)', () => {
    expect(actionsOf(PER_NET).at(-1)).toEqual({ masked_remote_address: { v4_prefix_mask_len: 24, v6_prefix_mask_len: 128 } });
    expect(actionsOf({ ...BASE, per: { remoteAddress: {} } }).at(-1)).toEqual({ masked_remote_address: { v4_prefix_mask_len: 32, v6_prefix_mask_len: 128 } });
  });

  it('a principal: the CEL descriptor extension reading the peer certificate\'s URI SAN, skipped when there is none', () => {
    const principal = (skip: boolean): unknown => ({
      extension: {
        name: 'envoy.rate_limit_descriptors.expr',
        typed_config: {
          '@type': 'type.googleapis.com/envoy.extensions.rate_limit_descriptors.expr.v3.Descriptor',
          descriptor_key: 'source_principal',
          text: 'connection.uri_san_peer_certificate',
          skip_if_error: skip,
        },
      },
    });
    expect(actionsOf(PER_PRINCIPAL).at(-1)).toEqual(principal(true));
    // A principal match: no certificate, no descriptor (not limited).
    expect(actionsOf(FROM_WEB).at(-1)).toEqual(principal(false));
  });
});

describe('what Envoy sends finds the quota it should (Envoy modelled from its documented semantics)', () => {
  const { table, errors } = buildQuotaTable([...NAMES].map(([spec, name]) => rateLimitOf(spec, name, 'shop')));
  it.each<[string, RateLimitSpec, ModelRequest, [string, number, string] | 'not limited']>([
    ['an API key', PER_KEY, { headers: { ':path': '/api/x', 'x-api-key': 'k1' }, remoteAddress: '10.0.0.1' }, ['shop/api', 100, 'k1']],
    ['the overridden key', PER_KEY, { headers: { ':path': '/api/x', 'x-api-key': 'gold' }, remoteAddress: '10.0.0.1' }, ['shop/api', 1_000, 'gold']],
    ['no key: the shared counter', PER_KEY, { headers: { ':path': '/api/x' }, remoteAddress: '10.0.0.1' }, ['shop/api', 100, ':path starts-with /api']],
    ['a key off /api', PER_KEY, { headers: { ':path': '/web', 'x-api-key': 'k1' }, remoteAddress: '10.0.0.1' }, 'not limited'],
    ['a caller in a /24', PER_NET, { headers: {}, remoteAddress: '10.9.9.9' }, ['shop/net', 100, '10.9.9.0/24']],
    ['a caller in the overridden /24', PER_NET, { headers: {}, remoteAddress: '10.1.2.3' }, ['shop/net', 7, '10.1.2.0/24']],
    ['a principal', PER_PRINCIPAL, { headers: {}, remoteAddress: '10.0.0.1', peerUriSan: SAN('web') }, ['shop/by-principal', 100, SAN('web')]],
    ['the overridden principal (written as Istio writes it)', PER_PRINCIPAL, { headers: {}, remoteAddress: '10.0.0.1', peerUriSan: SAN('batch') }, ['shop/by-principal', 9, SAN('batch')]],
    ['no certificate: the shared counter', PER_PRINCIPAL, { headers: {}, remoteAddress: '10.0.0.1' }, ['shop/by-principal', 100, 'shop.by-principal']],
    ['the matched principal', FROM_WEB, { headers: {}, remoteAddress: '10.0.0.1', peerUriSan: SAN('web') }, ['shop/from-web', 100, SAN('web')]],
    ['another principal than the match\'s', FROM_WEB, { headers: {}, remoteAddress: '10.0.0.1', peerUriSan: SAN('batch') }, 'not limited'],
    ['no certificate, with a principal match', FROM_WEB, { headers: {}, remoteAddress: '10.0.0.1' }, 'not limited'],
  ])('%s', (_label, spec, request, want) => {
    expect(errors).toEqual([]);
    const entries = envoyDescriptorFor(actionsOf(spec, NAMES.get(spec)), request);
    const found = entries && lookup(table, 'switchyard', entries);
    if (want === 'not limited') return expect(found).toBeUndefined();
    expect(found && [found.entry.id, found.requestsPerUnit, entries?.at(-1)?.value]).toEqual(want);
  });
});

describe('spec.per errors name the field, the rule and the value', () => {
  it.each<[string, RateLimitSpec, string]>([
    [
      'an override network of another prefix length',
      { ...BASE, per: { remoteAddress: { prefixLength: 24 }, overrides: [{ value: '10.1.0.0/16', quota: 5 }] } },
      'spec.per.overrides[0].value: must be a /24 network or an address in one, as spec.per.remoteAddress.prefixLength counts callers (got "10.1.0.0/16")',
    ],
    [
      'an IPv6 override',
      { ...BASE, per: { remoteAddress: {}, overrides: [{ value: '10.0.0.1', quota: 5 }, { value: 'fd00::1', quota: 5 }] } },
      'spec.per.overrides[1].value: IPv6 addresses are not supported yet (got "fd00::1")',
    ],
    [
      'an override that is no address',
      { ...BASE, per: { remoteAddress: {}, overrides: [{ value: 'gold', quota: 5 }] } },
      'spec.per.overrides[0].value: must be an IPv4 address or CIDR such as 10.1.0.0/16 (got "gold")',
    ],
  ])('%s', (_label, spec, message) => {
    const render = (): unknown => renderRateLimit(rateLimitOf(spec, 'api', 'shop'), defaultRenderOptions);
    expect(render).toThrow(RateLimitRenderError);
    expect(render).toThrow(message);
    const { errors } = buildQuotaTable([rateLimitOf(spec, 'api', 'shop')]);
    expect(errors.map((e) => `${e.field}: ${e.message}`)).toEqual([`${message.slice(0, message.indexOf(':'))}: ${message}`]);
  });
});
