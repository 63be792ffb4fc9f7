import { describe, expect, it } from 'vitest';
import type { PlanStep } from '../../../core/plan/make-before-break.ts';
import { clusterName, desiredSignatures, expectationFor, routeSignatures, unmetReason, XDS_TYPE_URL, type IstiodDump } from './xds-expectation.ts';

const HOST = 'shop.mesh.svc.cluster.local';
const c = (subset: string): string => clusterName(80, subset, HOST);
const VS_PATH = '/namespaces/mesh/virtual-service/shop';

const vs = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'shop', namespace: 'mesh' },
  spec: {
    hosts: [HOST],
    http: [
      { match: [{ headers: { 'x-branch': { exact: 'box-1' } } }], route: [{ destination: { host: HOST, subset: 'box-1' } }] },
      { route: [{ destination: { host: HOST, subset: 'main-v1' }, weight: 80 }, { destination: { host: HOST, subset: 'main-v2' }, weight: 20 }], mirror: { host: HOST, subset: 'main-rc' } },
    ],
  },
};

function step(action: PlanStep['action'], kind: PlanStep['kind'], object: unknown): PlanStep {
  return { number: 1, action, kind, name: 'shop', namespace: 'mesh', object: object as PlanStep['object'], changes: [] };
}

/** istiod's protojson dump of one proxy with the given subset clusters and routes. */
function istiodDump(subsets: string[], routes: object[]): IstiodDump {
  return {
    configs: [
      { '@type': XDS_TYPE_URL.clusters, name: c('') },
      ...subsets.map((s) => ({ '@type': XDS_TYPE_URL.clusters, name: c(s) })),
      { '@type': XDS_TYPE_URL.routes, name: 'http.8080', virtualHosts: [{ routes: routes.map((route) => ({ route, metadata: { filterMetadata: { istio: { config: `/apis/networking.istio.io/v1${VS_PATH}` } } } })) }] },
    ],
  };
}

describe('desiredSignatures', () => {
  it('renders each HTTP route as its weighted clusters and mirrors, a lone destination at 100', () => {
    expect(desiredSignatures(vs as never, HOST, 80)).toEqual([`${c('box-1')}=100`, `${c('main-v1')}=80,${c('main-v2')}=20 mirror ${c('main-rc')}`]);
  });
});

describe('routeSignatures', () => {
  it('reads Envoy admin (snake_case) and istiod (camelCase) route configs alike, only for this VirtualService', () => {
    const snake = [{ virtual_hosts: [{ routes: [
      { route: { weighted_clusters: { clusters: [{ name: c('main-v1'), weight: 80 }, { name: c('main-v2'), weight: 20 }] }, request_mirror_policies: [{ cluster: c('main-rc') }] }, metadata: { filter_metadata: { istio: { config: `/apis/networking.istio.io/v1${VS_PATH}` } } } },
      { route: { cluster: 'other' }, metadata: { filter_metadata: { istio: { config: '/apis/networking.istio.io/v1/namespaces/mesh/virtual-service/other' } } } },
    ] }] }];
    expect(routeSignatures(snake, VS_PATH)).toEqual([`${c('main-v1')}=80,${c('main-v2')}=20 mirror ${c('main-rc')}`]);
  });
});

describe('unmetReason', () => {
  const dr = (names: string[]) => ({ spec: { host: HOST, subsets: names.map((name) => ({ name, labels: {} })) } });

  it('union DestinationRule: met when every subset has a cluster, extra clusters allowed', () => {
    const e = expectationFor(step('apply-union-destination-rule', 'DestinationRule', dr(['main-v1', 'main-v2'])), HOST, 80);
    expect(e && unmetReason(istiodDump(['main-v1', 'main-v2', 'main-v0'], []), e)).toBeUndefined();
    expect(e && unmetReason(istiodDump(['main-v1'], []), e)).toBe(`missing cluster ${c('main-v2')}`);
  });

  it('pruned DestinationRule: met only when the removed subsets are gone too', () => {
    const e = expectationFor(step('apply-pruned-destination-rule', 'DestinationRule', dr(['main-v2'])), HOST, 80);
    expect(e && unmetReason(istiodDump(['main-v1', 'main-v2'], []), e)).toBe(`still has cluster ${c('main-v1')}`);
    expect(e && unmetReason(istiodDump(['main-v2'], []), e)).toBeUndefined();
  });

  it('VirtualService: met when every route of it routes as declared; a stale weight is named', () => {
    const e = expectationFor(step('apply-virtual-service', 'VirtualService', vs), HOST, 80);
    const current = { weightedClusters: { clusters: [{ name: c('main-v1'), weight: 80 }, { name: c('main-v2'), weight: 20 }] }, requestMirrorPolicies: [{ cluster: c('main-rc') }] };
    expect(e && unmetReason(istiodDump([], [current, { cluster: c('box-1') }]), e)).toBeUndefined();
    const stale = { weightedClusters: { clusters: [{ name: c('main-v1'), weight: 90 }, { name: c('main-v2'), weight: 10 }] } };
    expect(e && unmetReason(istiodDump([], [stale]), e)).toBe(`still routes ${c('main-v1')}=90,${c('main-v2')}=10`);
  });
});
