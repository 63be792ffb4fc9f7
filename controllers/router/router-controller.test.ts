import { describe, expect, it } from 'vitest';
import { chainSiblings, filterController, filtersOfRouter } from '../filters/filter-controller.ts';
import { FakeCluster } from '../../kube/fake-context.ts';
import { DESTINATION_RULE, ISTIO_FILTER, ROUTER, SERVICE, VIRTUAL_SERVICE } from '../scheme.ts';
import type { KubeObject } from '../../kube/types.ts';
import { ownerRateLimitKeys, rateLimitController } from '../ratelimit/rate-limit-controller.ts';
import { CANARY, filterObject, NS, routerObject } from './reconcile-scenario.test-support.ts';
import { filterTargetRouterKeys, ownerRouterKeys, routerController } from './router-controller.ts';
import { ANY_VIRTUAL_SERVICE, unmanagedVsRouterKeys } from './unmanaged-virtual-services.ts';

function owned(labels?: Record<string, string>, ownerReferences?: KubeObject['metadata']['ownerReferences']): KubeObject {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'x', namespace: NS, ...(labels ? { labels } : {}), ...(ownerReferences ? { ownerReferences } : {}) } };
}

function clusterWithRouters(): FakeCluster {
  const cluster = new FakeCluster();
  cluster.put(routerObject(CANARY, 'reviews'));
  cluster.put(routerObject({ ...CANARY, host: 'reviews.example.com' }, 'reviews-edge'));
  cluster.put(filterObject('by-name', [{ timeout: '1s' }]));
  cluster.put(filterObject('by-host', [{ timeout: '1s' }], { target: { host: 'reviews.shop.svc.cluster.local' } }));
  cluster.put(filterObject('edge', [{ timeout: '1s' }], { target: { host: 'reviews.example.com' } }));
  return cluster;
}

describe('watch map functions', () => {
  it.each([
    ['controller ownerReference', owned(undefined, [{ apiVersion: 'switchyard.io/v1alpha1', kind: 'Router', name: 'reviews', uid: 'u' }]), [{ namespace: NS, name: 'reviews' }]],
    ['owner label', owned({ 'switchyard.io/owner': 'router.reviews' }), [{ namespace: NS, name: 'reviews' }]],
    ['another kind’s label', owned({ 'switchyard.io/owner': 'ratelimit.reviews' }), []],
    ['nothing', owned(), []],
  ])('maps a generated object to its Router by %s', (_, obj, keys) => {
    expect(ownerRouterKeys(obj)).toEqual(keys);
  });

  it('maps an IstioFilter to its Router by name, or to every Router with its host', () => {
    const cluster = clusterWithRouters();
    const get = (name: string): KubeObject => cluster.get(ISTIO_FILTER, { namespace: NS, name }) as KubeObject;
    expect(filterTargetRouterKeys(get('by-name'), cluster.cache)).toEqual([{ namespace: NS, name: 'reviews' }]);
    expect(filterTargetRouterKeys(get('by-host'), cluster.cache)).toEqual([{ namespace: NS, name: 'reviews' }]);
    expect(filterTargetRouterKeys(get('edge'), cluster.cache)).toEqual([{ namespace: NS, name: 'reviews-edge' }]);
  });

  it('maps a Router to its filters, and a filter to the rest of its chain', () => {
    const cluster = clusterWithRouters();
    const router = cluster.get(ROUTER, { namespace: NS, name: 'reviews' }) as KubeObject;
    expect(filtersOfRouter(router, cluster.cache).map((k) => k.name).sort()).toEqual(['by-host', 'by-name']);
    const byName = cluster.get(ISTIO_FILTER, { namespace: NS, name: 'by-name' }) as KubeObject;
    expect(chainSiblings(byName, cluster.cache)).toEqual([{ namespace: NS, name: 'by-host' }]);
  });

  it.each([
    ['by FQDN from another namespace', 'other', 'reviews.shop.svc.cluster.local', undefined, ['reviews']],
    ['by short name in the Router’s namespace', NS, 'reviews', undefined, ['reviews']],
    ['a short name elsewhere is another service', 'other', 'reviews', undefined, []],
    ['by a Router’s host override', 'other', 'reviews.example.com', undefined, ['reviews-edge']],
    ['never for a VirtualService Switchyard manages', NS, 'reviews', { 'app.kubernetes.io/managed-by': 'switchyard' }, []],
  ])('maps an unmanaged VirtualService to the Routers it routes to: %s', (_, namespace, host, labels, names) => {
    const vs: KubeObject = {
      ...ANY_VIRTUAL_SERVICE,
      metadata: { name: 'hand-written', namespace, ...(labels ? { labels } : {}) },
      spec: { hosts: ['x'], http: [{ route: [{ destination: { host, subset: 'v1' } }] }] },
    };
    expect(unmanagedVsRouterKeys(vs, clusterWithRouters().cache)).toEqual(names.map((name) => ({ namespace: NS, name })));
  });

  it('maps an EnvoyFilter to its RateLimit', () => {
    expect(ownerRateLimitKeys(owned({ 'switchyard.io/owner': 'ratelimit.page-show' }))).toEqual([{ namespace: NS, name: 'page-show' }]);
    expect(ownerRateLimitKeys(owned({ 'switchyard.io/owner': 'router.page-show' }))).toEqual([]);
  });

  it('wires the three controllers', () => {
    const router = routerController({ settleDelayMs: 50, concurrency: 3 });
    expect([router.name, router.primary, router.concurrency]).toEqual(['router', ROUTER, 3]);
    expect(router.watches.map((w) => w.kind)).toEqual([VIRTUAL_SERVICE, DESTINATION_RULE, SERVICE, ISTIO_FILTER, ANY_VIRTUAL_SERVICE]);
    expect(filterController().watches.map((w) => w.kind)).toEqual([ROUTER, ISTIO_FILTER]);
    expect(rateLimitController({ serviceCluster: 'outbound|1||x' }).concurrency).toBe(4);
  });
});
