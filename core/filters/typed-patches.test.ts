import { describe, expect, it } from 'vitest';
import type { FilterPatch } from '../../api/istio-filter.ts';
import type { VirtualService } from '../istio/types.ts';
import { layerFilters } from './layer-filters.ts';
import type { FilterOptions } from './layer-fixtures.ts';
import { base, filter, HOST, NOW } from './layer-fixtures.ts';

function layer(patches: FilterPatch[], options: FilterOptions = {}, start = base()) {
  const out = layerFilters(start, [filter('f', patches, options)], NOW);
  return { ...out, result: out.results[0] };
}

function route(out: { virtualService: VirtualService }, name: string) {
  return out.virtualService.spec.http?.find((r) => r.name === name);
}

describe('typed HTTP route patches', () => {
  it('fault: delay and abort in Istio shape; a later delay keeps an earlier abort', () => {
    const first = layer([{ fault: { abort: { httpStatus: 503, percentage: 1 } } }], { scope: { routes: ['master'] } });
    const out = layerFilters(first, [filter('g', [{ fault: { delay: { fixedDelay: '5s', percentage: 10 } } }], { scope: { routes: ['master'] } })], NOW);
    expect(route(out, 'master')?.fault).toMatchInlineSnapshot(`
      {
        "abort": {
          "httpStatus": 503,
          "percentage": {
            "value": 1,
          },
        },
        "delay": {
          "fixedDelay": "5s",
          "percentage": {
            "value": 10,
          },
        },
      }
    `);
    expect(route(out, 'box-0999')?.fault).toBeUndefined();
  });

  it('fault: abort with both httpStatus and grpcStatus fails', () => {
    const out = layer([{ fault: { abort: { httpStatus: 503, grpcStatus: 'UNAVAILABLE', percentage: 1 } } }]);
    expect(out.result?.patches[0]?.reason).toBe('fault.abort needs exactly one of httpStatus or grpcStatus (got both)');
  });

  it('retries and timeout replace the route fields', () => {
    const out = layer([{ retries: { attempts: 3, perTryTimeout: '2s', retryOn: '5xx,reset' } }, { timeout: '10s' }]);
    expect(out.virtualService.spec.http?.map((r) => [r.retries, r.timeout])).toEqual([
      [{ attempts: 3, perTryTimeout: '2s', retryOn: '5xx,reset' }, '10s'],
      [{ attempts: 3, perTryTimeout: '2s', retryOn: '5xx,reset' }, '10s'],
    ]);
  });

  it('headers: set/add maps merge, remove lists union without duplicates', () => {
    const first = layer([{ headers: { request: { set: { 'x-a': '1', 'x-b': '1' }, remove: ['x-old'] } } }]);
    const out = layerFilters(first, [filter('g', [{ headers: { request: { set: { 'x-b': '2' }, add: { 'x-c': '3' }, remove: ['x-old', 'x-debug'] }, response: { remove: ['server'] } } }])], NOW);
    expect(route(out, 'master')?.headers).toMatchInlineSnapshot(`
      {
        "request": {
          "add": {
            "x-c": "3",
          },
          "remove": [
            "x-old",
            "x-debug",
          ],
          "set": {
            "x-a": "1",
            "x-b": "2",
          },
        },
        "response": {
          "remove": [
            "server",
          ],
        },
      }
    `);
  });

  it('corsPolicy in Istio shape', () => {
    const out = layer([
      { corsPolicy: { allowOrigins: [{ exact: 'https://shop.example.com' }, { regex: 'https://.*\\.example\\.org' }], allowMethods: ['GET', 'POST'], maxAge: '24h', allowCredentials: true } },
    ]);
    expect(out.result?.phase).toBe('Applied');
    expect(route(out, 'box-0999')?.corsPolicy).toMatchInlineSnapshot(`
      {
        "allowCredentials": true,
        "allowMethods": [
          "GET",
          "POST",
        ],
        "allowOrigins": [
          {
            "exact": "https://shop.example.com",
          },
          {
            "regex": "https://.*\\.example\\.org",
          },
        ],
        "maxAge": "24h",
      }
    `);
  });
});

describe('scope', () => {
  it.each([
    { scope: { routes: ['master'] }, touched: ['master'] },
    { scope: { branches: ['box-0999'] }, touched: ['box-0999'] },
    { scope: { routes: ['master'], branches: ['box-0999'] }, touched: ['box-0999', 'master'] },
    { scope: { routes: ['master', 'gone'] }, touched: ['master'] },
    { scope: {}, touched: ['box-0999', 'master'] },
    { scope: undefined, touched: ['box-0999', 'master'] },
  ])('$scope touches $touched', ({ scope, touched }) => {
    const out = layer([{ timeout: '7s' }], scope ? { scope } : {});
    expect(out.virtualService.spec.http?.filter((r) => r.timeout === '7s').map((r) => r.name)).toEqual(touched);
  });

  it('a scope matching no route fails, naming the scope and the routes', () => {
    const out = layer([{ timeout: '7s' }], { scope: { routes: ['canary'], branches: ['box-1'] } });
    expect(out.result?.phase).toBe('Skipped');
    expect(out.result?.patches[0]?.reason).toBe(
      'scope (routes [canary], branches [box-1]) matches no HTTP route of VirtualService shop/reviews (routes: box-0999, master)',
    );
  });

  it('an HTTP patch on a tcp-only VirtualService fails with a clear reason', () => {
    const start = base();
    start.virtualService.spec = { hosts: [HOST], tcp: [{ route: [{ destination: { host: HOST, subset: 'master-v1-0-1' } }] }] };
    const out = layer([{ retries: { attempts: 1 } }], {}, start);
    expect(out.result?.patches[0]?.reason).toBe('retries patches HTTP routes, but VirtualService shop/reviews has none (it has only tcp routes)');
  });
});

describe('mirror', () => {
  it('mirrors to a brand-new subset: adds it to the DestinationRule and to the routes in scope', () => {
    const out = layer([{ mirror: { subset: 'shadow', labels: { app: 'reviews', version: 'v2-shadow' }, port: 9080, percentage: 5 } }], { scope: { routes: ['master'] } });
    expect(out.result?.phase).toBe('Applied');
    expect(out.destinationRule.spec.subsets?.at(-1)).toEqual({ name: 'shadow', labels: { app: 'reviews', version: 'v2-shadow' } });
    expect(route(out, 'master')?.mirrors).toMatchInlineSnapshot(`
      [
        {
          "destination": {
            "host": "reviews.shop.svc.cluster.local",
            "port": {
              "number": 9080,
            },
            "subset": "shadow",
          },
          "percentage": {
            "value": 5,
          },
        },
      ]
    `);
    expect(route(out, 'master')?.mirror).toBeUndefined();
    expect(route(out, 'box-0999')?.mirrors).toBeUndefined();
  });

  it('appends to existing mirrors and moves a deprecated mirror field into mirrors', () => {
    const start = base();
    const master = start.virtualService.spec.http?.[1];
    if (master) Object.assign(master, { mirror: { host: 'audit.shop.svc.cluster.local' }, mirrorPercentage: { value: 1 } });
    const out = layer([{ mirror: { host: 'copy.shop.svc.cluster.local', percentage: 50 } }], { scope: { routes: ['master'] } }, start);
    expect(out.result?.phase).toBe('Applied');
    expect(route(out, 'master')?.mirror).toBeUndefined();
    expect(route(out, 'master')?.mirrorPercentage).toBeUndefined();
    expect(route(out, 'master')?.mirrors).toEqual([
      { destination: { host: 'audit.shop.svc.cluster.local' }, percentage: { value: 1 } },
      { destination: { host: 'copy.shop.svc.cluster.local' }, percentage: { value: 50 } },
    ]);
  });

  type MirrorPatch = NonNullable<FilterPatch['mirror']>;
  it.each<{ name: string; mirror: MirrorPatch; reason: string }>([
    {
      name: 'unknown subset without labels',
      mirror: { subset: 'shadow', percentage: 5 },
      reason: 'mirror subset shadow is not defined in DestinationRule shop/reviews (subsets: box-0999, master-v1-0-1, master-v1-0-2); set mirror.labels to add it',
    },
    {
      name: 'existing subset with other labels',
      mirror: { subset: 'box-0999', labels: { branch: 'box-1' }, percentage: 5 },
      reason: 'mirror subset box-0999 already exists in DestinationRule shop/reviews with labels {"app":"reviews","branch":"box-0999"}, not {"branch":"box-1"}',
    },
    {
      name: 'labels for another host',
      mirror: { host: 'other.shop.svc.cluster.local', subset: 'x', labels: { a: 'b' }, percentage: 5 },
      reason: `mirror.labels can only add a subset to DestinationRule shop/reviews for host ${HOST}, but mirror.host is other.shop.svc.cluster.local`,
    },
  ])('fails: $name', ({ mirror, reason }) => {
    const out = layer([{ mirror }]);
    expect(out.result?.phase).toBe('Skipped');
    expect(out.result?.patches[0]?.reason).toBe(reason);
    expect(out.destinationRule).toEqual(base().destinationRule);
    expect(out.virtualService).toEqual(base().virtualService);
  });

  it('reuses an existing subset with the same labels', () => {
    const out = layer([{ mirror: { subset: 'box-0999', labels: { branch: 'box-0999', app: 'reviews' }, percentage: 100 } }], { scope: { routes: ['master'] } });
    expect(out.result?.phase).toBe('Applied');
    expect(out.destinationRule).toEqual(base().destinationRule);
  });
});

describe('trafficPolicy', () => {
  it('replaces each given piece of the DestinationRule traffic policy and keeps the others', () => {
    const start = base();
    start.destinationRule.spec.trafficPolicy = { connectionPool: { tcp: { maxConnections: 10 } }, loadBalancer: { simple: 'ROUND_ROBIN' } };
    const out = layer([{ trafficPolicy: { connectionPool: { http: { http1MaxPendingRequests: 5 } }, outlierDetection: { consecutive5xxErrors: 3, interval: '10s' } } }], {}, start);
    expect(out.result?.phase).toBe('Applied');
    expect(out.destinationRule.spec.trafficPolicy).toMatchInlineSnapshot(`
      {
        "connectionPool": {
          "http": {
            "http1MaxPendingRequests": 5,
          },
        },
        "loadBalancer": {
          "simple": "ROUND_ROBIN",
        },
        "outlierDetection": {
          "consecutive5xxErrors": 3,
          "interval": "10s",
        },
      }
    `);
  });

  it('a piece the Istio schema rejects skips the filter', () => {
    const out = layer([{ trafficPolicy: { loadBalancer: { simple: 'FASTEST' } } }]);
    expect(out.result?.phase).toBe('Skipped');
    expect(out.result?.message).toMatch(/^skipped: the result is rejected by the Istio schema: DestinationRule shop\/reviews spec\.trafficPolicy\.loadBalancer/);
  });
});
