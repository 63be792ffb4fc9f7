import { describe, expect, it } from 'vitest';
import type { RateLimitSpec } from '../../api/rate-limit.ts';
import type { EnvoyFilter } from '../istio/types.ts';
import { routerOf, SEED_BACKENDS, SEED_ROUTER, serviceOf } from './host-backends-fixture.test-support.ts';
import { findHostBackends, type HostBackends } from './host-backends.ts';
import { SEED_SPEC, rateLimitOf } from './rate-limit-fixture.test-support.ts';
import { defaultRenderOptions, renderRateLimit } from './render-rate-limit.ts';

const NS = 'sm-verify';

function render(spec: RateLimitSpec, backends?: HostBackends): EnvoyFilter {
  const [ef] = renderRateLimit(rateLimitOf(spec), defaultRenderOptions, backends);
  if (!ef) throw new Error('no EnvoyFilter rendered');
  return ef;
}

/** Resolves `spec`'s hosts among the given Routers and Services, as the controller does. */
function resolved(spec: RateLimitSpec, found: Parameters<typeof findHostBackends>[1]): HostBackends {
  return findHostBackends(rateLimitOf(spec), found);
}

/** The spec of an EnvoyFilter without its patches: where it lands, not what it does. */
const scope = (ef: EnvoyFilter) => ({ namespace: ef.metadata.namespace, workloadSelector: ef.spec.workloadSelector, vhosts: ef.spec.configPatches.map((p) => p.match?.routeConfiguration ?? p.match?.listener ?? p.match?.context) });

describe('what a server-side RateLimit selects', () => {
  it.each<[string, RateLimitSpec, HostBackends | undefined, Record<string, string> | undefined]>([
    ['the pods behind the host\'s Router', SEED_SPEC, SEED_BACKENDS, { app: 'sm-verify-page' }],
    ['the Router\'s own selector when it sets one', SEED_SPEC, resolved(SEED_SPEC, { routers: [routerOf('sm-verify-page', NS, 80, { selector: { tier: 'web', app: 'page' } })], services: [] }), { app: 'page', tier: 'web' }],
    ['the pods of the Service of that name when no Router routes the host', SEED_SPEC, resolved(SEED_SPEC, { routers: [], services: [serviceOf('sm-verify-page', NS, { app: 'legacy' })] }), { app: 'legacy' }],
    ['the Router over a Service of the same host', SEED_SPEC, resolved(SEED_SPEC, { routers: [SEED_ROUTER], services: [serviceOf('sm-verify-page', NS, { app: 'legacy' })] }), { app: 'sm-verify-page' }],
    ['one selector for hosts leading to the same pods', { ...SEED_SPEC, hosts: ['sm-verify-page:80', 'sm-verify-page.sm-verify.svc.cluster.local'] }, SEED_BACKENDS, { app: 'sm-verify-page' }],
    ['explicit labels, without resolving hosts', { ...SEED_SPEC, workloadSelector: { labels: { app: 'explicit' } } }, new Map(), { app: 'explicit' }],
    ['every workload of the namespace for workloadSelector: {}', { ...SEED_SPEC, workloadSelector: {} }, new Map(), undefined],
    ['every workload of the namespace for workloadSelector: {labels: {}}', { ...SEED_SPEC, workloadSelector: { labels: {} } }, new Map(), undefined],
    ['nothing derived from hosts without backends (offline preview only)', SEED_SPEC, undefined, undefined],
  ])('%s', (_label, spec, backends, labels) => {
    expect(render(spec, backends).spec.workloadSelector).toEqual(labels === undefined ? undefined : { labels });
  });

  it('lands in the RateLimit\'s (= the host\'s) namespace, on the host\'s inbound virtual host', () => {
    expect(scope(render(SEED_SPEC, SEED_BACKENDS))).toMatchInlineSnapshot(`
      {
        "namespace": "sm-verify",
        "vhosts": [
          {
            "filterChain": {
              "filter": {
                "name": "envoy.filters.network.http_connection_manager",
                "subFilter": {
                  "name": "envoy.filters.http.router",
                },
              },
            },
          },
          {
            "vhost": {
              "name": "inbound|http|80",
            },
          },
        ],
        "workloadSelector": {
          "labels": {
            "app": "sm-verify-page",
          },
        },
      }
    `);
  });

  it('renders a local limit on the pods of a Service found by short name', () => {
    const spec: RateLimitSpec = { hosts: ['legacy:8080'], mode: 'local', quota: 10, unit: 'SECOND' };
    const ef = render(spec, resolved(spec, { routers: [], services: [serviceOf('legacy', NS, { app: 'legacy', track: 'stable' }, [8080, 9090])] }));
    expect(ef.spec).toMatchInlineSnapshot(`
      {
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
                "name": "switchyard.local_ratelimit.sm-verify.page-show",
                "typed_config": {
                  "@type": "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
                  "stat_prefix": "switchyard_sm_verify_page_show",
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
                  "name": "inbound|http|8080",
                },
              },
            },
            "patch": {
              "operation": "MERGE",
              "value": {
                "typed_per_filter_config": {
                  "switchyard.local_ratelimit.sm-verify.page-show": {
                    "@type": "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
                    "filter_enabled": {
                      "default_value": {
                        "denominator": "HUNDRED",
                        "numerator": 100,
                      },
                      "runtime_key": "switchyard_sm_verify_page_show_enabled",
                    },
                    "filter_enforced": {
                      "default_value": {
                        "denominator": "HUNDRED",
                        "numerator": 100,
                      },
                      "runtime_key": "switchyard_sm_verify_page_show_enforced",
                    },
                    "response_headers_to_add": [
                      {
                        "append_action": "OVERWRITE_IF_EXISTS_OR_ADD",
                        "header": {
                          "key": "x-local-rate-limit",
                          "value": "true",
                        },
                      },
                    ],
                    "stage": 0,
                    "stat_prefix": "switchyard_sm_verify_page_show",
                    "token_bucket": {
                      "fill_interval": "1s",
                      "max_tokens": 10,
                      "tokens_per_fill": 10,
                    },
                  },
                },
              },
            },
          },
        ],
        "workloadSelector": {
          "labels": {
            "app": "legacy",
            "track": "stable",
          },
        },
      }
    `);
  });
});

describe('what a client-side RateLimit selects (unchanged: hosts name the callee, never resolved)', () => {
  it('selects the callers by match.source.labels, in the RateLimit\'s namespace, whatever namespace the host is in', () => {
    const spec: RateLimitSpec = { ...SEED_SPEC, side: 'client', hosts: ['page.other.svc.cluster.local:80'], match: { source: { labels: { app: 'frontend' } } } };
    expect(scope(render(spec, new Map()))).toMatchInlineSnapshot(`
      {
        "namespace": "sm-verify",
        "vhosts": [
          {
            "filterChain": {
              "filter": {
                "name": "envoy.filters.network.http_connection_manager",
                "subFilter": {
                  "name": "envoy.filters.http.router",
                },
              },
            },
            "portNumber": 80,
          },
          {
            "vhost": {
              "name": "page.other.svc.cluster.local:80",
            },
          },
        ],
        "workloadSelector": {
          "labels": {
            "app": "frontend",
          },
        },
      }
    `);
  });

  it('without source labels, every workload of the namespace is a caller', () => {
    const spec: RateLimitSpec = { ...SEED_SPEC, side: 'client', match: undefined };
    expect(render(spec, new Map()).spec.workloadSelector).toBeUndefined();
  });
});
