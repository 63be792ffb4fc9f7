import { describe, expect, it } from 'vitest';
import type { RateLimit } from '../../api/rate-limit.ts';
import { SEED_SPEC, rateLimitOf } from './rate-limit-fixture.test-support.ts';
import { RateLimitRenderError } from './render-error.ts';
import { defaultRenderOptions, renderRateLimit } from './render-rate-limit.ts';

const cases: [string, RateLimit, string, string][] = [
  [
    'source principal on the client side',
    rateLimitOf({ ...SEED_SPEC, side: 'client', match: { source: { principal: 'cluster.local/ns/a/sa/b' } } }),
    'spec.match.source.principal',
    'spec.match.source.principal: needs side server: the caller\'s principal is known only where its mTLS connection ends, in the target\'s inbound (got "cluster.local/ns/a/sa/b")',
  ],
  [
    'source labels on the server side',
    rateLimitOf({ ...SEED_SPEC, match: { source: { labels: { app: 'web' } } } }),
    'spec.match.source.labels',
    'spec.match.source.labels: source labels need side client, a server cannot see its caller\'s labels (got {"app":"web"})',
  ],
  [
    'IPv6 remote address',
    rateLimitOf({ ...SEED_SPEC, match: { remoteAddress: 'fd00::/8' } }),
    'spec.match.remoteAddress',
    'spec.match.remoteAddress: IPv6 addresses are not supported yet (got "fd00::/8")',
  ],
  [
    'octet out of range',
    rateLimitOf({ ...SEED_SPEC, match: { remoteAddress: '10.300.0.0/16' } }),
    'spec.match.remoteAddress',
    'spec.match.remoteAddress: must be an IPv4 address or CIDR such as 10.1.0.0/16 (got "10.300.0.0/16")',
  ],
  [
    'prefix length out of range',
    rateLimitOf({ ...SEED_SPEC, match: { remoteAddress: '10.0.0.0/33' } }),
    'spec.match.remoteAddress',
    'spec.match.remoteAddress: prefix length must be between 0 and 32 (got "10.0.0.0/33")',
  ],
  [
    'bad port',
    rateLimitOf({ ...SEED_SPEC, hosts: ['page', 'page:http'] }),
    'spec.hosts[1]',
    'spec.hosts[1]: must be host or host:port with a port from 1 to 65535 (got "page:http")',
  ],
  [
    'client side host without port',
    rateLimitOf({ ...SEED_SPEC, side: 'client', hosts: ['page.ns.svc.cluster.local'] }),
    'spec.hosts[0]',
    'spec.hosts[0]: side client needs host:port, outbound virtual hosts are named host:port (got "page.ns.svc.cluster.local")',
  ],
  [
    'client side without hosts',
    rateLimitOf({ ...SEED_SPEC, side: 'client', hosts: undefined }),
    'spec.hosts',
    'spec.hosts: side client needs at least one host:port, callers match the target by its outbound virtual host (got none)',
  ],
  [
    'client side with workloadSelector',
    rateLimitOf({ ...SEED_SPEC, side: 'client', workloadSelector: { labels: { app: 'page' } } }),
    'spec.workloadSelector',
    'spec.workloadSelector: selects the target\'s own pods, which only side server uses; with side client select callers with match.source.labels (got {"app":"page"})',
  ],
  [
    'server side host naming a Service of another namespace',
    rateLimitOf({ ...SEED_SPEC, hosts: ['page.sm-verify.svc.cluster.local:80', 'page.other.svc.cluster.local:80'], workloadSelector: { labels: { app: 'page' } } }),
    'spec.hosts[1]',
    'spec.hosts[1]: names a service of namespace other; a server-side RateLimit limits workloads of its own namespace (sm-verify), create it in namespace other (got "page.other.svc.cluster.local:80")',
  ],
  [
    'client side with workloadSelector: {}',
    rateLimitOf({ ...SEED_SPEC, side: 'client', workloadSelector: {} }),
    'spec.workloadSelector',
    'spec.workloadSelector: selects the target\'s own pods, which only side server uses; with side client select callers with match.source.labels (got {})',
  ],
  [
    'failure mode in local mode',
    rateLimitOf({ ...SEED_SPEC, mode: 'local', failureMode: 'deny' }),
    'spec.failureMode',
    'spec.failureMode: is only used in mode global, mode local counts in each pod\'s Envoy (got "deny")',
  ],
  [
    'fixed window in local mode',
    rateLimitOf({ ...SEED_SPEC, mode: 'local', algorithm: 'fixedWindow' }),
    'spec.algorithm',
    'spec.algorithm: mode local always uses Envoy\'s token bucket (got "fixedWindow")',
  ],
  [
    'sliding window in local mode',
    rateLimitOf({ ...SEED_SPEC, mode: 'local', algorithm: 'slidingWindow' }),
    'spec.algorithm',
    'spec.algorithm: mode local always uses Envoy\'s token bucket (got "slidingWindow")',
  ],
  [
    'header regex RE2 refuses (lookahead)',
    rateLimitOf({ ...SEED_SPEC, match: { headers: [{ key: ':path', matchType: 'regex', value: '/api(?=/v1)' }] } }),
    'spec.match.headers[0].value',
    'spec.match.headers[0].value: must be an RE2 regex (Envoy and istiod use RE2: no lookaround, no backreferences): error parsing regexp: invalid or unsupported Perl syntax: `(?=` (got "/api(?=/v1)")',
  ],
  [
    'header regex RE2 refuses (backreference)',
    rateLimitOf({ ...SEED_SPEC, match: { headers: [{ key: ':path', matchType: 'exact', value: '/a' }, { key: 'x-id', matchType: 'regex', value: '(a)\\1' }] } }),
    'spec.match.headers[1].value',
    'spec.match.headers[1].value: must be an RE2 regex (Envoy and istiod use RE2: no lookaround, no backreferences): error parsing regexp: invalid escape sequence: `\\1` (got "(a)\\\\1")',
  ],
  [
    'missing namespace',
    { ...rateLimitOf(), metadata: { name: 'page-show' } },
    'metadata.namespace',
    'metadata.namespace: is required, the descriptor and the EnvoyFilter live in it (got null)',
  ],
  [
    'name too long for the suffix',
    rateLimitOf(SEED_SPEC, 'a'.repeat(250)),
    'metadata.name',
    'metadata.name: must be at most 243 characters so that "-ratelimit" can be appended (got 250)',
  ],
];

describe('renderRateLimit errors', () => {
  it.each(cases)('%s', (_label, rl, field, message) => {
    let thrown: unknown;
    try {
      renderRateLimit(rl, defaultRenderOptions);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(RateLimitRenderError);
    expect((thrown as RateLimitRenderError).field).toBe(field);
    expect((thrown as RateLimitRenderError).message).toBe(message);
  });
});
