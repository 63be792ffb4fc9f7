import { describe, expect, it } from 'vitest';
import type { DestinationRule } from '../istio/types.ts';
import { pruneHolds, removedSubsets, resolveHost, type ListedVirtualService } from './prune-holds.ts';

const HOST = 'reviews.shop.svc.cluster.local';

function vs(namespace: string, name: string, spec: ListedVirtualService['spec']): ListedVirtualService {
  return { metadata: { name, namespace }, spec };
}

function dr(...subsets: string[]): DestinationRule {
  return { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'reviews', namespace: 'shop' }, spec: { host: HOST, subsets: subsets.map((name) => ({ name, labels: { version: name } })) } };
}

const route = (host: string, subset: string) => ({ hosts: ['x'], http: [{ route: [{ destination: { host, subset } }] }] });

describe('removedSubsets', () => {
  it.each([
    ['nothing live', null, dr('a'), []],
    ['one dropped', dr('a', 'b'), dr('b'), ['a']],
    ['order does not count', dr('b', 'a'), dr('a', 'b'), []],
  ])('%s', (_, live, desired, removed) => {
    expect(removedSubsets(live, desired)).toEqual(removed);
  });
});

describe('resolveHost', () => {
  it.each([
    ['reviews', 'shop', HOST],
    ['reviews', 'other', 'reviews.other.svc.cluster.local'],
    ['reviews.shop', 'other', 'reviews.shop'],
    [HOST, 'other', HOST],
    ['*', 'shop', '*'],
  ])('%s in namespace %s is %s', (host, ns, fqdn) => {
    expect(resolveHost(host, ns)).toBe(fqdn);
  });
});

describe('pruneHolds', () => {
  it.each([
    ['routes to a removed subset by FQDN', [vs('other', 'legacy', route(HOST, 'v1'))], [{ virtualService: 'other/legacy', subsets: ['v1'] }]],
    ['routes by short name from the same namespace', [vs('shop', 'legacy', route('reviews', 'v1'))], [{ virtualService: 'shop/legacy', subsets: ['v1'] }]],
    ['a short name in another namespace is another service', [vs('other', 'legacy', route('reviews', 'v1'))], []],
    ['a subset that stays', [vs('shop', 'legacy', route(HOST, 'v2'))], []],
    ['another host', [vs('shop', 'legacy', route('ratings.shop.svc.cluster.local', 'v1'))], []],
    ['mirrors, tcp and tls routes', [
      vs('shop', 'mirror', { hosts: ['x'], http: [{ route: [{ destination: { host: 'ratings' } }], mirror: { host: HOST, subset: 'v1' }, mirrors: [{ destination: { host: HOST, subset: 'v3' } }] }] }),
      vs('shop', 'tcp', { hosts: ['x'], tcp: [{ route: [{ destination: { host: HOST, subset: 'v3' } }] }], tls: [{ route: [{ destination: { host: HOST, subset: 'v1' } }] }] }),
    ], [{ virtualService: 'shop/mirror', subsets: ['v1', 'v3'] }, { virtualService: 'shop/tcp', subsets: ['v1', 'v3'] }]],
    ['odd shapes are read defensively', [vs('shop', 'odd', { hosts: ['x'], http: [null, { route: 'no' }, { route: [{ destination: 7 }] }] as never })], []],
  ])('%s', (_, list, holds) => {
    expect(pruneHolds(list, HOST, ['v1', 'v3'])).toEqual(holds);
  });

  it('holds nothing when nothing is removed', () => {
    expect(pruneHolds([vs('shop', 'legacy', route(HOST, 'v1'))], HOST, [])).toEqual([]);
  });
});
