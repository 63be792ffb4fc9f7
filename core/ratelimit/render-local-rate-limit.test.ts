import { describe, expect, it } from 'vitest';
import type { EnvoyFilter } from '../istio/types.ts';
import { rateLimitDescriptor } from './descriptor.ts';
import { envoyDescriptorFor } from './envoy-descriptor.test-support.ts';
import { rateLimitOf } from './rate-limit-fixture.test-support.ts';
import { defaultRenderOptions, renderRateLimit } from './render-rate-limit.ts';

/** Example 08: each reviews pod takes at most 100 GET requests a second. */
const LOCAL_SPEC = {
  workloadSelector: { labels: { app: 'reviews' } },
  hosts: ['reviews.bookinfo.svc.cluster.local:9080'],
  mode: 'local' as const,
  match: { headers: [{ key: ':method', matchType: 'exact' as const, value: 'GET' }] },
  quota: 100,
  unit: 'SECOND' as const,
};

interface LocalConfig {
  token_bucket: Record<string, unknown>;
  descriptors?: { entries: { key: string; value: string }[]; token_bucket: Record<string, unknown> }[];
  filter_enforced: { default_value: { numerator: number } };
}

function vhostValue(ef: EnvoyFilter): { rate_limits?: { actions: unknown[] }[]; typed_per_filter_config: Record<string, LocalConfig> } {
  const patch = ef.spec.configPatches.find((p) => p.applyTo === 'VIRTUAL_HOST');
  return patch?.patch.value as ReturnType<typeof vhostValue>;
}

function render(spec: object): EnvoyFilter {
  const [ef] = renderRateLimit(rateLimitOf({ ...LOCAL_SPEC, ...spec }, 'reviews-per-pod', 'bookinfo'), defaultRenderOptions);
  if (!ef) throw new Error('no EnvoyFilter rendered');
  return ef;
}

describe('renderRateLimit, local mode', () => {
  it('renders example 08', () => {
    expect(render({})).toMatchInlineSnapshot(`
      {
        "apiVersion": "networking.istio.io/v1alpha3",
        "kind": "EnvoyFilter",
        "metadata": {
          "labels": {
            "app.kubernetes.io/managed-by": "switchyard",
            "switchyard.io/owner": "ratelimit.reviews-per-pod",
          },
          "name": "reviews-per-pod-ratelimit",
          "namespace": "bookinfo",
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
                  "name": "switchyard.local_ratelimit.bookinfo.reviews-per-pod",
                  "typed_config": {
                    "@type": "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
                    "stat_prefix": "switchyard_bookinfo_reviews_per_pod",
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
                    "name": "inbound|http|9080",
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
                            "descriptor_value": "bookinfo.reviews-per-pod",
                          },
                        },
                        {
                          "header_value_match": {
                            "descriptor_value": ":method == GET",
                            "expect_match": true,
                            "headers": [
                              {
                                "name": ":method",
                                "string_match": {
                                  "exact": "GET",
                                },
                              },
                            ],
                          },
                        },
                      ],
                      "stage": 0,
                    },
                  ],
                  "typed_per_filter_config": {
                    "switchyard.local_ratelimit.bookinfo.reviews-per-pod": {
                      "@type": "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
                      "descriptors": [
                        {
                          "entries": [
                            {
                              "key": "switchyard_ratelimit",
                              "value": "bookinfo.reviews-per-pod",
                            },
                            {
                              "key": "header_match",
                              "value": ":method == GET",
                            },
                          ],
                          "token_bucket": {
                            "fill_interval": "1s",
                            "max_tokens": 100,
                            "tokens_per_fill": 100,
                          },
                        },
                      ],
                      "filter_enabled": {
                        "default_value": {
                          "denominator": "HUNDRED",
                          "numerator": 100,
                        },
                        "runtime_key": "switchyard_bookinfo_reviews_per_pod_enabled",
                      },
                      "filter_enforced": {
                        "default_value": {
                          "denominator": "HUNDRED",
                          "numerator": 100,
                        },
                        "runtime_key": "switchyard_bookinfo_reviews_per_pod_enforced",
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
                      "stat_prefix": "switchyard_bookinfo_reviews_per_pod",
                      "token_bucket": {
                        "fill_interval": "1s",
                        "max_tokens": 4294967295,
                        "tokens_per_fill": 4294967295,
                      },
                    },
                  },
                },
              },
            },
          ],
          "workloadSelector": {
            "labels": {
              "app": "reviews",
            },
          },
        },
      }
    `);
  });

  it('puts the quota on a descriptor whose entries Envoy builds from the rendered actions', () => {
    const ef = render({});
    const value = vhostValue(ef);
    const config = value.typed_per_filter_config['switchyard.local_ratelimit.bookinfo.reviews-per-pod'];
    const sent = envoyDescriptorFor(value.rate_limits?.[0]?.actions ?? [], { headers: { ':method': 'GET' }, remoteAddress: '10.0.0.1' });
    expect(config?.descriptors?.map((d) => d.entries)).toEqual([sent]);
    expect(sent).toEqual(rateLimitDescriptor(rateLimitOf({ ...LOCAL_SPEC }, 'reviews-per-pod', 'bookinfo')).entries);
    expect(envoyDescriptorFor(value.rate_limits?.[0]?.actions ?? [], { headers: { ':method': 'POST' }, remoteAddress: '10.0.0.1' })).toBeUndefined();
  });

  it.each([
    ['MINUTE', '60s'],
    ['HOUR', '3600s'],
    ['DAY', '86400s'],
  ])('without match conditions the virtual host bucket holds the quota per %s', (unit, interval) => {
    const value = vhostValue(render({ match: undefined, unit, quota: 7 }));
    expect(value.rate_limits).toBeUndefined();
    const config = value.typed_per_filter_config['switchyard.local_ratelimit.bookinfo.reviews-per-pod'];
    expect(config?.token_bucket).toEqual({ max_tokens: 7, tokens_per_fill: 7, fill_interval: interval });
    expect(config?.descriptors).toBeUndefined();
  });

  it.each([
    [undefined, 100],
    [false, 100],
    [true, 0],
  ])('shadow %s enforces %i%% of requests', (shadow, percent) => {
    const config = vhostValue(render({ shadow })).typed_per_filter_config['switchyard.local_ratelimit.bookinfo.reviews-per-pod'];
    expect(config?.filter_enforced.default_value.numerator).toBe(percent);
  });
});
