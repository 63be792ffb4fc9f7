import { describe, expect, it } from 'vitest';
import type { RateLimitSpec } from '../../api/rate-limit.ts';
import { routerOf, SEED_ROUTER, serviceOf } from './host-backends-fixture.test-support.ts';
import { findHostBackends, HostUnresolvedError, hostsToResolve, type HostBackends } from './host-backends.ts';
import { qualifiedHost, serviceOfHost } from './host-port.ts';
import { SEED_SPEC, rateLimitOf } from './rate-limit-fixture.test-support.ts';
import { defaultRenderOptions, renderRateLimit } from './render-rate-limit.ts';

const NS = 'sm-verify';
const HOST = 'sm-verify-page.sm-verify.svc.cluster.local';

describe('host names', () => {
  it.each([
    ['page', 'page.sm-verify.svc.cluster.local', { namespace: NS, name: 'page' }],
    ['page.other.svc.cluster.local', 'page.other.svc.cluster.local', { namespace: 'other', name: 'page' }],
    ['page.other', 'page.other', undefined],
    ['api.example.com', 'api.example.com', undefined],
    ['a.b.c.svc.cluster.local', 'a.b.c.svc.cluster.local', undefined],
  ])('%s is %s, Service %j', (host, qualified, service) => {
    expect(qualifiedHost(host, NS)).toBe(qualified);
    expect(serviceOfHost(host, NS)).toEqual(service);
  });
});

describe('hostsToResolve', () => {
  it.each<[string, RateLimitSpec, string[]]>([
    ['server side hosts', { ...SEED_SPEC, hosts: ['page:8080', HOST] }, ['page.sm-verify.svc.cluster.local:8080 Service sm-verify/page', `${HOST} Service sm-verify/sm-verify-page`]],
    ['a custom host has no Service to read', { ...SEED_SPEC, hosts: ['api.example.com:443'] }, ['api.example.com:443 -']],
    ['none with an explicit selector', { ...SEED_SPEC, workloadSelector: { labels: { app: 'x' } } }, []],
    ['none for workloadSelector: {}', { ...SEED_SPEC, workloadSelector: {} }, []],
    ['none on the client side', { ...SEED_SPEC, side: 'client' }, []],
  ])('%s', (_label, spec, expected) => {
    const list = hostsToResolve(rateLimitOf(spec)).map((h) => `${h.host}${h.port ? `:${h.port}` : ''} ${h.service ? `Service ${h.service.namespace}/${h.service.name}` : '-'}`);
    expect(list).toEqual(expected);
  });
});

describe('findHostBackends', () => {
  it('finds the Router by its host (default or spec.host), else the Service, and ignores others', () => {
    const spec = { ...SEED_SPEC, hosts: [`${HOST}:80`, 'api.example.com:443', 'legacy:8080', 'missing:80'] };
    const found = {
      routers: [SEED_ROUTER, routerOf('api', NS, 443, { host: 'api.example.com' }), routerOf('unrelated', NS, 80)],
      services: [serviceOf('legacy', NS, { app: 'legacy' }, [8080]), serviceOf('sm-verify-page', NS, { app: 'not-this' })],
    };
    expect(Object.fromEntries(findHostBackends(rateLimitOf(spec), found))).toEqual({
      [HOST]: { source: 'Router sm-verify/sm-verify-page', namespace: NS, labels: { app: 'sm-verify-page' }, ports: [80] },
      'api.example.com': { source: 'Router sm-verify/api', namespace: NS, labels: { app: 'api' }, ports: [443] },
      'legacy.sm-verify.svc.cluster.local': { source: 'Service sm-verify/legacy', namespace: NS, labels: { app: 'legacy' }, ports: [8080] },
    });
  });
});

/** One fixture per way hosts fail to lead to workloads, with the exact status message. */
const unresolved: [string, RateLimitSpec, HostBackends, string][] = [
  [
    'nothing serves the host',
    SEED_SPEC,
    new Map(),
    `spec.hosts[0]: no workload to limit: no Router routes ${HOST} and no Service sm-verify/sm-verify-page; create the Router or Service, or name the pods with workloadSelector (got "${HOST}:80")`,
  ],
  [
    'a custom host nothing routes',
    { ...SEED_SPEC, hosts: ['api.example.com'] },
    new Map(),
    'spec.hosts[0]: no workload to limit: no Router routes api.example.com and it names no Service of the cluster; create the Router or Service, or name the pods with workloadSelector (got "api.example.com")',
  ],
  [
    'a Router of another namespace serves the host',
    { ...SEED_SPEC, hosts: ['api.example.com'] },
    findHostBackends(rateLimitOf({ ...SEED_SPEC, hosts: ['api.example.com'] }), { routers: [routerOf('api', 'edge', 80, { host: 'api.example.com' })], services: [] }),
    'spec.hosts[0]: is served by Router edge/api in namespace edge; a server-side RateLimit limits workloads of its own namespace (sm-verify), create it in namespace edge (got "api.example.com")',
  ],
  [
    'a Service without selector',
    SEED_SPEC,
    findHostBackends(rateLimitOf(), { routers: [], services: [serviceOf('sm-verify-page', NS, undefined)] }),
    `spec.hosts[0]: Service sm-verify/sm-verify-page has no selector, so its pods cannot be told apart; name them with workloadSelector (got "${HOST}:80")`,
  ],
  [
    'a port the backend does not serve',
    { ...SEED_SPEC, hosts: [`${HOST}:9090`] },
    findHostBackends(rateLimitOf(), { routers: [SEED_ROUTER], services: [] }),
    `spec.hosts[0]: port 9090 is not served by Router sm-verify/sm-verify-page (ports 80), so no inbound virtual host would match (got "${HOST}:9090")`,
  ],
  [
    'hosts leading to different pods',
    { ...SEED_SPEC, hosts: [`${HOST}:80`, 'legacy:80'] },
    findHostBackends(rateLimitOf({ ...SEED_SPEC, hosts: [`${HOST}:80`, 'legacy:80'] }), { routers: [SEED_ROUTER], services: [serviceOf('legacy', NS, { app: 'legacy' })] }),
    'spec.hosts[1]: leads to pods {"app":"legacy"} (Service sm-verify/legacy) but spec.hosts[0] to pods {"app":"sm-verify-page"} (Router sm-verify/sm-verify-page); one RateLimit limits one set of workloads, split it per service or name the pods with workloadSelector (got "legacy:80")',
  ],
];

describe('hosts that lead to no workloads render nothing', () => {
  it.each(unresolved)('%s', (_label, spec, backends, message) => {
    let thrown: unknown;
    try {
      renderRateLimit(rateLimitOf(spec), defaultRenderOptions, backends);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(HostUnresolvedError);
    expect((thrown as HostUnresolvedError).message).toBe(message);
  });
});
