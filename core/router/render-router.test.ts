import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { RouterSpec } from '../../api/router.ts';
import { RenderError } from './render-error.ts';
import { renderRouter, routerSummary } from './render-router.ts';
import { makeRouter, seedRouter } from './router-fixtures.ts';

describe('renderRouter', () => {
  it('renders the seed Router', () => {
    expect(stringify(renderRouter(seedRouter()))).toMatchInlineSnapshot(`
      "destinationRule:
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: sm-verify-page
          namespace: sm-verify
          labels:
            app.kubernetes.io/managed-by: switchyard
            switchyard.io/owner: router.sm-verify-page
        spec:
          host: sm-verify-page.sm-verify.svc.cluster.local
          subsets:
            - name: master-v1-0-1
              labels:
                app: sm-verify-page
                branch: master
                version: v1.0.1
            - name: master-v1-0-2
              labels:
                app: sm-verify-page
                branch: master
                version: v1.0.2
            - name: box-0999
              labels:
                app: sm-verify-page
                branch: box-0999
      virtualService:
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: sm-verify-page
          namespace: sm-verify
          labels:
            app.kubernetes.io/managed-by: switchyard
            switchyard.io/owner: router.sm-verify-page
        spec:
          hosts:
            - sm-verify-page.sm-verify.svc.cluster.local
          http:
            - name: box-0999
              match:
                - sourceLabels:
                    branch: box-0999
              route:
                - destination:
                    host: sm-verify-page.sm-verify.svc.cluster.local
                    subset: box-0999
                    port:
                      number: 9090
            - name: master
              route:
                - destination:
                    host: sm-verify-page.sm-verify.svc.cluster.local
                    subset: master-v1-0-1
                    port:
                      number: 9090
                  weight: 90
                - destination:
                    host: sm-verify-page.sm-verify.svc.cluster.local
                    subset: master-v1-0-2
                    port:
                      number: 9090
                  weight: 10
      "
    `);
  });

  it('names and owner-references every object like the Router', () => {
    const out = renderRouter(makeRouter({ port: 80, ownService: true, subsets: [{ branch: 'main' }] }, { uid: 'u-1' }));
    for (const o of [out.destinationRule, out.virtualService, out.service]) {
      expect(o?.metadata.name).toBe('sm-verify-page');
      expect(o?.metadata.namespace).toBe('sm-verify');
      expect(o?.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Router', name: 'sm-verify-page', uid: 'u-1', controller: true });
    }
  });

  it('copies spec.trafficPolicy onto the DestinationRule only when set', () => {
    const policy = { connectionPool: { tcp: { maxConnections: 10 } } };
    expect(renderRouter(makeRouter({ port: 80, trafficPolicy: policy, subsets: [{ branch: 'main' }] })).destinationRule.spec.trafficPolicy).toEqual(policy);
    expect('trafficPolicy' in renderRouter(seedRouter()).destinationRule.spec).toBe(false);
  });

  it('renders no Service unless spec.ownService', () => {
    expect('service' in renderRouter(seedRouter())).toBe(false);
  });

  it('throws only RenderError, naming the field', () => {
    const router = makeRouter({ port: 80, subsets: [{ branch: 'main', versions: { 'v1.0': 50, 'V1.0': 50 } }] });
    expect(() => renderRouter(router)).toThrow(RenderError);
    expect(() => renderRouter(router)).toThrow(/^spec\.subsets\[0\]\.versions\.V1\.0: subset name main-v1-0/);
  });
});

describe('determinism', () => {
  const spec = (): RouterSpec => ({
    port: 8080,
    protocol: 'grpc',
    gateways: ['ns/b', 'ns/a'],
    selector: { app: 'page', tier: 'web' },
    trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' } },
    ownService: true,
    subsets: [
      { branch: 'main', versions: { v2: 20, v1: 80 } },
      { branch: 'box-1', match: { baggage: true, headers: { 'x-b': { exact: '1' }, 'x-a': { prefix: '2' } } } },
    ],
  });

  it('gives deep-equal output and byte-identical YAML for equal input', () => {
    const a = renderRouter(makeRouter(spec()));
    const b = renderRouter(makeRouter(spec()));
    expect(a).toEqual(b);
    expect(stringify(a)).toBe(stringify(b));
  });

  it('does not depend on the key order of the input (versions excepted: their order is meaningful)', () => {
    const s = spec();
    const shuffled = reverseKeys(s, 'versions') as RouterSpec;
    expect(Object.keys(shuffled)).toEqual(Object.keys(s).reverse());
    expect(stringify(renderRouter(makeRouter(shuffled)))).toBe(stringify(renderRouter(makeRouter(s))));
  });

  it('keeps version order as written (it is the order of the weighted destinations)', () => {
    const subsets = renderRouter(makeRouter(spec())).destinationRule.spec.subsets?.map((s) => s.name);
    expect(subsets).toEqual(['main-v2', 'main-v1', 'box-1']);
  });
});

describe('routerSummary', () => {
  it.each<[string, RouterSpec['subsets'], { weights: string; sandboxes: string }]>([
    ['seed', seedRouter().spec.subsets, { weights: 'v1.0.1=90,v1.0.2=10', sandboxes: 'box-0999' }],
    ['unversioned default, marked last', [{ branch: 'box-1' }, { branch: 'box-2' }, { branch: 'main', default: true }], { weights: '', sandboxes: 'box-1,box-2' }],
    ['no sandboxes', [{ branch: 'main', versions: { a: 100 } }], { weights: 'a=100', sandboxes: '' }],
  ])('%s', (_name, subsets, expected) => {
    expect(routerSummary({ port: 80, subsets })).toEqual(expected);
  });
});

/** A deep copy with every object's keys in reverse order, except under `keep`. */
function reverseKeys(value: unknown, keep: string): unknown {
  if (Array.isArray(value)) return value.map((v) => reverseKeys(v, keep));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).reverse();
  return Object.fromEntries(entries.map(([k, v]) => [k, k === keep ? v : reverseKeys(v, keep)]));
}
