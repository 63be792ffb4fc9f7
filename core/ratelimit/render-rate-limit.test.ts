import { describe, expect, it } from 'vitest';
import type { EnvoyFilter } from '../istio/types.ts';
import { quotaEntry } from './quota-table.ts';
import { envoyDescriptorFor } from './envoy-descriptor.test-support.ts';
import { SEED_BACKENDS } from './host-backends-fixture.test-support.ts';
import { SEED_SPEC, rateLimitOf } from './rate-limit-fixture.test-support.ts';
import { defaultRenderOptions, renderRateLimit } from './render-rate-limit.ts';

type Patch = EnvoyFilter['spec']['configPatches'][number];

function only(filters: EnvoyFilter[]): EnvoyFilter {
  expect(filters).toHaveLength(1);
  return filters[0] as EnvoyFilter;
}

function patchesOf(ef: EnvoyFilter, applyTo: string): Patch[] {
  return ef.spec.configPatches.filter((p) => p.applyTo === applyTo);
}

/** The actions Envoy would run, read back from the rendered virtual-host patch. */
function renderedActions(ef: EnvoyFilter): unknown[] {
  const value = patchesOf(ef, 'VIRTUAL_HOST')[0]?.patch.value as { rate_limits: { actions: unknown[] }[] };
  return value.rate_limits[0]?.actions ?? [];
}

describe('renderRateLimit, global mode', () => {
  it('renders the seed example, selecting the pods of the host\'s Router', () => {
    expect(renderRateLimit(rateLimitOf(), defaultRenderOptions, SEED_BACKENDS)).toMatchInlineSnapshot(`
      [
        {
          "apiVersion": "networking.istio.io/v1alpha3",
          "kind": "EnvoyFilter",
          "metadata": {
            "labels": {
              "app.kubernetes.io/managed-by": "switchyard",
              "switchyard.io/owner": "ratelimit.page-show",
            },
            "name": "page-show-ratelimit",
            "namespace": "sm-verify",
          },
          "spec": {
            "configPatches": [
              {
                "applyTo": "HTTP_FILTER",
                "match": {
                  "context": "SIDECAR_INBOUND",
                  "listener": {
                    "filterChain": {
                      "filter": {
                        "name": "envoy.filters.network.http_connection_manager",
                        "subFilter": {
                          "name": "envoy.filters.http.router",
                        },
                      },
                    },
                  },
                },
                "patch": {
                  "operation": "INSERT_BEFORE",
                  "value": {
                    "name": "switchyard.ratelimit.sm-verify.page-show",
                    "typed_config": {
                      "@type": "type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimit",
                      "domain": "switchyard",
                      "enable_x_ratelimit_headers": "DRAFT_VERSION_03",
                      "failure_mode_deny": false,
                      "rate_limit_service": {
                        "grpc_service": {
                          "envoy_grpc": {
                            "cluster_name": "outbound|8081||switchyard-ratelimit.switchyard-system.svc.cluster.local",
                          },
                        },
                        "transport_api_version": "V3",
                      },
                      "stage": 1,
                      "timeout": "0.02s",
                    },
                  },
                },
              },
              {
                "applyTo": "VIRTUAL_HOST",
                "match": {
                  "context": "SIDECAR_INBOUND",
                  "routeConfiguration": {
                    "vhost": {
                      "name": "inbound|http|80",
                    },
                  },
                },
                "patch": {
                  "operation": "MERGE",
                  "value": {
                    "rate_limits": [
                      {
                        "actions": [
                          {
                            "generic_key": {
                              "descriptor_key": "switchyard_ratelimit",
                              "descriptor_value": "sm-verify.page-show",
                            },
                          },
                          {
                            "header_value_match": {
                              "descriptor_value": ":path == /Page.Show",
                              "expect_match": true,
                              "headers": [
                                {
                                  "name": ":path",
                                  "string_match": {
                                    "exact": "/Page.Show",
                                  },
                                },
                              ],
                            },
                          },
                        ],
                        "stage": 1,
                      },
                    ],
                  },
                },
              },
            ],
            "workloadSelector": {
              "labels": {
                "app": "sm-verify-page",
              },
            },
          },
        },
      ]
    `);
  });

  it('makes Envoy send exactly the quota entry for a matching request, and nothing otherwise', () => {
    const spec = {
      ...SEED_SPEC,
      domain: 'pages',
      match: {
        headers: [
          { key: ':path', matchType: 'exact' as const, value: '/Page.Show' },
          { key: ':method', matchType: 'regex' as const, value: 'GET|HEAD' },
          { key: 'x-canary', matchType: 'present' as const, invert: true },
          { key: 'x-tenant', matchType: 'prefix' as const, value: 'acme-' },
        ],
        remoteAddress: '10.1.2.3/16',
      },
    };
    const rl = rateLimitOf(spec);
    const ef = only(renderRateLimit(rl, defaultRenderOptions));
    const filter = patchesOf(ef, 'HTTP_FILTER')[0]?.patch.value as { typed_config: { domain: string } };
    const hit = { headers: { ':path': '/Page.Show', ':method': 'HEAD', 'x-tenant': 'acme-1' }, remoteAddress: '10.1.200.7' };
    const entry = quotaEntry(rl);
    expect(filter.typed_config.domain).toBe(entry.domain);
    expect(envoyDescriptorFor(renderedActions(ef), hit)).toEqual(entry.entries);
    const misses = [
      { ...hit, headers: { ...hit.headers, ':path': '/Page.Edit' } },
      { ...hit, headers: { ...hit.headers, ':method': 'POST' } },
      { ...hit, headers: { ...hit.headers, 'x-canary': '1' } },
      { ...hit, headers: { ...hit.headers, 'x-tenant': 'other' } },
    ];
    for (const miss of misses) expect(envoyDescriptorFor(renderedActions(ef), miss)).toBeUndefined();
    // Outside the CIDR Envoy still sends a descriptor, but its masked address differs from the quota's.
    expect(envoyDescriptorFor(renderedActions(ef), { ...hit, remoteAddress: '10.2.0.1' })).not.toEqual(entry.entries);
  });

  it.each([
    ['allow by default', undefined, false],
    ['deny', 'deny' as const, true],
    ['allow', 'allow' as const, false],
  ])('failure mode %s sets failure_mode_deny', (_label, failureMode, deny) => {
    const ef = only(renderRateLimit(rateLimitOf({ ...SEED_SPEC, failureMode }), defaultRenderOptions));
    const value = patchesOf(ef, 'HTTP_FILTER')[0]?.patch.value as { typed_config: Record<string, unknown> };
    expect(value.typed_config.failure_mode_deny).toBe(deny);
  });

  it('renders shadow mode exactly like enforcing mode (the service decides)', () => {
    const plain = renderRateLimit(rateLimitOf(), defaultRenderOptions);
    expect(renderRateLimit(rateLimitOf({ ...SEED_SPEC, shadow: true }), defaultRenderOptions)).toEqual(plain);
  });

  it('converts the timeout to protobuf JSON seconds and uses the given service cluster', () => {
    const ef = only(renderRateLimit(rateLimitOf({ ...SEED_SPEC, timeout: '1m30s' }), { serviceCluster: 'outbound|9|x|rls.example' }));
    const value = patchesOf(ef, 'HTTP_FILTER')[0]?.patch.value as { typed_config: Record<string, unknown> };
    expect(value.typed_config.timeout).toBe('90s');
    expect(value.typed_config.rate_limit_service).toEqual({ grpc_service: { envoy_grpc: { cluster_name: 'outbound|9|x|rls.example' } }, transport_api_version: 'V3' });
  });
});

describe('renderRateLimit, sides', () => {
  it('server side patches the inbound virtual host of each distinct port of the selected workload', () => {
    const spec = { ...SEED_SPEC, hosts: ['a.sm-verify.svc.cluster.local:8080', 'b.sm-verify.svc.cluster.local:80', 'c:80'], workloadSelector: { labels: { app: 'page' } } };
    const ef = only(renderRateLimit(rateLimitOf(spec), defaultRenderOptions));
    expect(ef.spec.workloadSelector).toEqual({ labels: { app: 'page' } });
    expect(ef.spec.configPatches.map((p) => [p.applyTo, p.match])).toEqual([
      ['HTTP_FILTER', { context: 'SIDECAR_INBOUND', listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } } } } }],
      ['VIRTUAL_HOST', { context: 'SIDECAR_INBOUND', routeConfiguration: { vhost: { name: 'inbound|http|80' } } }],
      ['VIRTUAL_HOST', { context: 'SIDECAR_INBOUND', routeConfiguration: { vhost: { name: 'inbound|http|8080' } } }],
    ]);
  });

  it('server side with a host without port patches every inbound virtual host', () => {
    const ef = only(renderRateLimit(rateLimitOf({ ...SEED_SPEC, hosts: ['page', 'page:80'] }), defaultRenderOptions));
    expect(patchesOf(ef, 'VIRTUAL_HOST').map((p) => p.match)).toEqual([{ context: 'SIDECAR_INBOUND' }]);
  });

  it('client side patches the callers\' outbound listener and virtual host per host, selecting callers by source labels', () => {
    const spec = {
      ...SEED_SPEC,
      side: 'client' as const,
      hosts: ['b.ns.svc.cluster.local:80', 'a.ns.svc.cluster.local:80', 'a.ns.svc.cluster.local:9090'],
      match: { source: { labels: { app: 'frontend' } } },
    };
    const ef = only(renderRateLimit(rateLimitOf(spec), defaultRenderOptions));
    expect(ef.spec.workloadSelector).toEqual({ labels: { app: 'frontend' } });
    expect(ef.spec.configPatches.map((p) => [p.applyTo, p.match?.context, p.match?.listener ?? p.match?.routeConfiguration])).toEqual([
      ['HTTP_FILTER', 'SIDECAR_OUTBOUND', { portNumber: 80, filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } } } }],
      ['HTTP_FILTER', 'SIDECAR_OUTBOUND', { portNumber: 9090, filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } } } }],
      ['VIRTUAL_HOST', 'SIDECAR_OUTBOUND', { vhost: { name: 'a.ns.svc.cluster.local:80' } }],
      ['VIRTUAL_HOST', 'SIDECAR_OUTBOUND', { vhost: { name: 'a.ns.svc.cluster.local:9090' } }],
      ['VIRTUAL_HOST', 'SIDECAR_OUTBOUND', { vhost: { name: 'b.ns.svc.cluster.local:80' } }],
    ]);
    // Source labels pick the proxies; they add no descriptor entry.
    expect(quotaEntry(rateLimitOf(spec)).entries).toEqual([{ key: 'switchyard_ratelimit', value: 'sm-verify.page-show' }]);
  });
});
