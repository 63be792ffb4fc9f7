import { describe, expect, it } from 'vitest';
import { pointerToDotted, validateIstioObject } from './validate.ts';

const meta = { name: 'checkout', namespace: 'shop' };

function vs(spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: meta, spec };
}

function dr(spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: meta, spec };
}

function ef(spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: meta, spec };
}

const goodRoute = {
  name: 'canary',
  match: [{ headers: { 'x-branch': { exact: 'feature-a' } } }],
  route: [
    { destination: { host: 'checkout', subset: 'stable' }, weight: 90 },
    { destination: { host: 'checkout', subset: 'canary', port: { number: 8080 } }, weight: 10 },
  ],
  timeout: '5s',
  retries: { attempts: 3, perTryTimeout: '1s', retryOn: '5xx' },
  mirrors: [{ destination: { host: 'checkout', subset: 'shadow' }, percentage: { value: 5 } }],
};

const goodEnvoyFilter = ef({
  workloadSelector: { labels: { app: 'checkout' } },
  configPatches: [
    {
      applyTo: 'HTTP_FILTER',
      match: { context: 'SIDECAR_INBOUND', listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager' } } } },
      // `value` is free-form Envoy config: its fields are not Istio's to check.
      patch: { operation: 'INSERT_BEFORE', value: { name: 'envoy.filters.http.ratelimit', typed_config: { '@type': 'x', domain: 'shop' } } },
    },
  ],
});

describe('validateIstioObject accepts', () => {
  it.each([
    ['a VirtualService with weights, matches, retries and mirrors', vs({ hosts: ['checkout'], http: [goodRoute] })],
    [
      'a DestinationRule with subsets and a traffic policy',
      dr({
        host: 'checkout',
        // proxyProtocol and idleTimeout: fields of current Istio CRDs (core/istio/schemas/).
        trafficPolicy: { connectionPool: { tcp: { maxConnections: 100, idleTimeout: '1h' } }, loadBalancer: { simple: 'ROUND_ROBIN' }, proxyProtocol: { version: 'V2' } },
        subsets: [{ name: 'stable', labels: { version: 'v1' } }],
      }),
    ],
    ['an EnvoyFilter inserting an HTTP filter', goodEnvoyFilter],
    ['a Service', { apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { selector: { app: 'checkout' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } }],
  ])('%s', (_name, obj) => {
    expect(validateIstioObject(obj)).toEqual([]);
  });
});

describe('validateIstioObject rejects', () => {
  it.each([
    [
      'a weight given as a string',
      vs({ hosts: ['checkout'], http: [{ route: [{ destination: { host: 'checkout' }, weight: '90' }] }] }),
      [{ path: 'spec.http[0].route[0].weight', message: 'must be integer, got "90"' }],
    ],
    [
      'an unknown field (pruned by the API server)',
      vs({ hosts: ['checkout'], http: [{ route: [{ destination: { host: 'checkout' } }], retrys: { attempts: 2 } }] }),
      [{ path: 'spec.http[0].retrys', message: 'unknown field (the API server would prune it)' }],
    ],
    [
      'a route destination without host',
      vs({ hosts: ['checkout'], http: [{ route: [{ destination: { subset: 'stable' } }] }] }),
      [{ path: 'spec.http[0].route[0].destination.host', message: 'required field is missing' }],
    ],
    [
      'a DestinationRule without host',
      dr({ subsets: [{ name: 'stable', labels: { version: 'v1' } }] }),
      [{ path: 'spec.host', message: 'required field is missing' }],
    ],
    [
      'a DestinationRule subset without name',
      dr({ host: 'checkout', subsets: [{ labels: { version: 'v1' } }] }),
      [{ path: 'spec.subsets[0].name', message: 'required field is missing' }],
    ],
    [
      'a wrong type in a DestinationRule traffic policy',
      dr({ host: 'checkout', trafficPolicy: { connectionPool: { tcp: { maxConnections: 'lots' } } } }),
      [{ path: 'spec.trafficPolicy.connectionPool.tcp.maxConnections', message: 'must be integer, got "lots"' }],
    ],
    [
      'an unknown field inside a map value',
      vs({ hosts: ['checkout'], http: [{ match: [{ headers: { 'x-branch': { exakt: 'a' } } }], route: [{ destination: { host: 'checkout' } }] }] }),
      [{ path: 'spec.http[0].match[0].headers["x-branch"].exakt', message: 'unknown field (the API server would prune it)' }],
    ],
    [
      'an unsupported kind',
      { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: meta, spec: {} },
      [{ path: 'kind', message: 'unsupported kind Gateway' }],
    ],
    [
      'a VirtualService at the wrong apiVersion',
      { ...vs({ hosts: ['checkout'] }), apiVersion: 'networking.istio.io/v1beta1' },
      [{ path: 'apiVersion', message: 'VirtualService must have apiVersion networking.istio.io/v1, got "networking.istio.io/v1beta1"' }],
    ],
    [
      'a Service port given as a string',
      { apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { ports: [{ port: 'http' }] } },
      [{ path: 'spec.ports[0].port', message: 'must be integer, got "http"' }],
    ],
  ])('%s', (_name, obj, expected) => {
    expect(validateIstioObject(obj)).toEqual(expected);
  });

  it('an EnvoyFilter with a bad applyTo, naming the allowed values', () => {
    const bad = structuredClone(goodEnvoyFilter) as { spec: { configPatches: { applyTo: string }[] } };
    bad.spec.configPatches[0]!.applyTo = 'HTTP_FILTERS';
    const issues = validateIstioObject(bad);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('spec.configPatches[0].applyTo');
    expect(issues[0]?.message).toMatch(/^must be one of .*"HTTP_FILTER".*, got "HTTP_FILTERS"$/);
  });

  it('a non-object', () => {
    expect(validateIstioObject('nope')).toEqual([{ path: '', message: 'must be an object, got "nope"' }]);
  });
});

describe('pointerToDotted', () => {
  it.each([
    ['', ''],
    ['/spec/http/0/route/1/weight', 'spec.http[0].route[1].weight'],
    ['/spec/headers/x.y~1z', 'spec.headers["x.y/z"]'],
  ])('%j → %j', (pointer, dotted) => {
    expect(pointerToDotted(pointer)).toBe(dotted);
  });
});
