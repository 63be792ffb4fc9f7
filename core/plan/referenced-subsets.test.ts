import { describe, expect, it } from 'vitest';
import type { VirtualService } from '../istio/types.ts';
import { referencedSubsets } from './referenced-subsets.ts';

const H = 'page.ns.svc.cluster.local';
const vs: VirtualService = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'page', namespace: 'ns' },
  spec: {
    hosts: [H],
    http: [
      { name: 'a', route: [{ destination: { host: H, subset: 'b' } }, { destination: { host: 'page', subset: 'a' } }], mirror: { host: H, subset: 'm1' } },
      { name: 'b', route: [{ destination: { host: 'other.ns.svc.cluster.local', subset: 'x' } }], mirrors: [{ destination: { host: H, subset: 'm2' } }] },
      { name: 'c', route: [{ destination: { host: H } }] },
    ],
    tcp: [{ route: [{ destination: { host: H, subset: 't' } }] }],
    tls: [{ match: [], route: [{ destination: { host: H, subset: 'tls' } }] }],
  },
};

describe('referencedSubsets', () => {
  it('collects route, mirror and mirrors subsets of http, tcp and tls routes, sorted and unique', () => {
    expect(referencedSubsets(vs)).toEqual(['a', 'b', 'm1', 'm2', 't', 'tls', 'x']);
  });
  it('with a host, keeps that host and its short forms only', () => {
    expect(referencedSubsets(vs, H)).toEqual(['a', 'b', 'm1', 'm2', 't', 'tls']);
  });
});
