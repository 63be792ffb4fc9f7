import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../kube/types.ts';
import { routerProvenance } from './provenance.ts';

const NOW = new Date('2025-01-01T00:00:00Z');
const ROUTER: KubeObject = {
  apiVersion: 'switchyard.io/v1alpha1',
  kind: 'Router',
  metadata: { name: 'page', namespace: 'shop' },
  spec: { port: 9090, subsets: [{ branch: 'main', versions: { v1: 90, v2: 10 } }] },
};

function filter(name: string, priority: number, patch: Record<string, unknown>, extra: Partial<KubeObject> = {}): KubeObject {
  return { apiVersion: 'switchyard.io/v1alpha1', kind: 'IstioFilter', metadata: { name, namespace: 'shop', creationTimestamp: '2025-01-01T00:00:00Z', generation: 1 }, spec: { target: { router: 'page' }, priority, patches: [patch] }, ...extra };
}

describe('field provenance of a Router\'s filter chain', () => {
  it('names the fields each filter decides and what a later filter overwrote', () => {
    const first = filter('timeout-a', 0, { timeout: '1s' });
    const second = filter('timeout-b', 5, { timeout: '3s' });
    const result = routerProvenance(ROUTER, [second, first], NOW);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.provenance.byFilter['shop/timeout-a']).toBeUndefined();
    expect(result.provenance.byFilter['shop/timeout-b']).toEqual([{ path: 'VirtualService spec.http[0].timeout', value: '3s', effect: 'overwrote 1s set by IstioFilter shop/timeout-a patch 0 (timeout), priority 0' }]);
    expect(result.provenance.text).toContain('# IstioFilters in chain order');
    expect(result.provenance.rejectedByServer).toEqual([]);
  });

  it('leaves out, as the controller does, a filter whose result the API server refused for its current generation', () => {
    const refused = filter('bad', 1, { retries: { attempts: 2 } }, { status: { conditions: [{ type: 'Ready', status: 'False', reason: 'RejectedByServer', message: 'no', lastTransitionTime: 't', observedGeneration: 1 }] } });
    const result = routerProvenance(ROUTER, [refused], NOW);
    expect(result).toMatchObject({ ok: true, provenance: { byFilter: {}, rejectedByServer: ['bad'] } });
    // A refusal of an older generation no longer counts: the edited filter is layered again.
    const edited = { ...refused, metadata: { ...refused.metadata, generation: 2 } };
    expect(routerProvenance(ROUTER, [edited], NOW)).toMatchObject({ ok: true, provenance: { byFilter: { 'shop/bad': [expect.objectContaining({ path: 'VirtualService spec.http[0].retries.attempts', value: '2' })] }, rejectedByServer: [] } });
  });

  it('says why there is no provenance for a Router failing its schema', () => {
    expect(routerProvenance({ ...ROUTER, spec: { port: 0, subsets: [] } }, [], NOW)).toEqual({ ok: false, message: expect.stringMatching(/^the Router does not match its schema \(.+\): no provenance$/) });
  });
});
