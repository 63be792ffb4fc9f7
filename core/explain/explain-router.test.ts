import { describe, expect, it } from 'vitest';
import { layerFilters } from '../filters/layer-filters.ts';
import { filter } from '../filters/layer-fixtures.ts';
import { renderRouter } from '../router/render-router.ts';
import { seedRouter } from '../router/router-fixtures.ts';
import { explainRouter } from './explain-router.ts';
import { formatExplanation } from './format-explanation.ts';
import { specDrift } from './live-drift.ts';

const NOW = new Date('2030-01-01T12:00:00Z');
const router = seedRouter();
const target = { target: { router: 'sm-verify-page' }, namespace: 'sm-verify' };
const sre = filter('sre-baseline', [{ timeout: '2s' }, { retries: { attempts: 2 } }], { ...target, priority: 0 });
const chaos = filter(
  'latency',
  [{ jsonPatch: { target: 'VirtualService', ops: [{ op: 'replace', path: '/http/1/timeout', value: '9s' }, { op: 'remove', path: '/http/1/retries' }] } }],
  { ...target, priority: 100 },
);

describe('explainRouter', () => {
  it('names both filters when the second overwrites the first, with the overwritten value', () => {
    const e = explainRouter(router, [chaos, sre], NOW);
    const timeout = e.virtualService.fields.find((f) => f.path === 'spec.http[1].timeout');
    expect(timeout).toEqual({
      path: 'spec.http[1].timeout',
      value: '9s',
      // Of the patch's two ops, the one that wrote this field.
      setBy: { by: 'IstioFilter', namespace: 'sm-verify', name: 'latency', priority: 100, position: 2, patch: { index: 0, type: 'jsonPatch', ops: [{ op: 'replace', path: '/http/1/timeout' }] } },
      overwrote: { value: '2s', setBy: { by: 'IstioFilter', namespace: 'sm-verify', name: 'sre-baseline', priority: 0, position: 1, patch: { index: 0, type: 'timeout' } } },
    });
    // The route the chaos filter did not touch keeps the SRE's value.
    expect(e.virtualService.fields.find((f) => f.path === 'spec.http[0].timeout')?.setBy).toMatchObject({ name: 'sre-baseline' });
    expect(e.virtualService.removed).toEqual([
      { path: 'spec.http[1].retries.attempts', value: 2, setBy: expect.objectContaining({ name: 'sre-baseline', patch: { index: 1, type: 'retries' } }), removedBy: expect.objectContaining({ name: 'latency', patch: { index: 0, type: 'jsonPatch', ops: [{ op: 'remove', path: '/http/1/retries' }] } }) },
    ]);
    expect(e.virtualService.fields.find((f) => f.path === 'spec.http[1].route[1].weight')).toEqual({ path: 'spec.http[1].route[1].weight', value: 10, setBy: { by: 'Router', namespace: 'sm-verify', name: 'sm-verify-page' } });
  });

  it('returns exactly the objects layerFilters produces', () => {
    const e = explainRouter(router, [chaos, sre], NOW);
    const layered = layerFilters(renderRouter(router), [sre, chaos], NOW);
    expect(e.virtualService.object).toEqual(layered.virtualService);
    expect(e.destinationRule.object).toEqual(layered.destinationRule);
    expect(e.filters.map((f) => [f.position, f.name, f.priority, f.phase])).toEqual([[1, 'sre-baseline', 0, 'Applied'], [2, 'latency', 100, 'Applied']]);
  });

  it('keeps the origin of routes that a jsonPatch moved by inserting one ahead of them', () => {
    const insert = filter('maintenance', [{ jsonPatch: { target: 'VirtualService', ops: [{ op: 'add', path: '/http/0', value: { name: 'maint', route: [{ destination: { host: 'sorry.sm-verify.svc.cluster.local' } }] } }] } }], target);
    const e = explainRouter(router, [insert], NOW);
    const field = (path: string) => e.virtualService.fields.find((f) => f.path === path)?.setBy.by;
    expect(field('spec.http[0].name')).toBe('IstioFilter');
    expect(field('spec.http[1].name')).toBe('Router');
    expect(field('spec.http[2].route[0].weight')).toBe('Router');
    expect(e.virtualService.removed).toEqual([]);
  });

  it('on the DestinationRule: a later trafficPolicy overwrites one leaf, removes the rest of the piece it replaces', () => {
    const first = filter('pool-a', [{ trafficPolicy: { connectionPool: { http: { http1MaxPendingRequests: 10, maxRequestsPerConnection: 5 } } } }], { ...target, priority: 1 });
    const second = filter('pool-b', [{ trafficPolicy: { connectionPool: { http: { http1MaxPendingRequests: 99 } } } }], { ...target, priority: 2 });
    const e = explainRouter(router, [second, first], NOW);
    expect(e.destinationRule.fields.filter((f) => f.path.startsWith('spec.trafficPolicy')).map((f) => [f.path, f.value, f.setBy.by === 'IstioFilter' && f.setBy.name, f.overwrote?.value])).toEqual([
      ['spec.trafficPolicy.connectionPool.http.http1MaxPendingRequests', 99, 'pool-b', 10],
    ]);
    expect(e.destinationRule.removed.map((r) => [r.path, r.value, r.setBy.by === 'IstioFilter' && r.setBy.name, r.removedBy.name])).toEqual([
      ['spec.trafficPolicy.connectionPool.http.maxRequestsPerConnection', 5, 'pool-a', 'pool-b'],
    ]);
    expect(e.virtualService.fields.every((f) => f.setBy.by === 'Router')).toBe(true);
  });

  it('attributes nothing to a skipped or expired filter and reports why', () => {
    const broken = filter('broken', [{ timeout: '1s' }, { jsonPatch: { target: 'VirtualService', ops: [{ op: 'replace', path: '/http/7/timeout', value: '1s' }] } }], target);
    const expired = filter('old-chaos', [{ timeout: '7s' }], { ...target, expiresAt: '2029-01-01T00:00:00Z' });
    const e = explainRouter(router, [broken, expired], NOW);
    expect(e.virtualService.fields.every((f) => f.setBy.by === 'Router')).toBe(true);
    expect(e.filters.map((f) => [f.name, f.phase])).toEqual([['broken', 'Skipped'], ['old-chaos', 'Expired']]);
    expect(formatExplanation(e)).toContain('broken  priority 0  Skipped: patch 1 (jsonPatch): jsonPatch op 0 (replace /http/7/timeout)');
  });

  it('formats each leaf with its origin and what it overwrote', () => {
    const text = formatExplanation(explainRouter(router, [chaos, sre], NOW));
    expect(text).toMatch(/^ {4}timeout: 9s +# IstioFilter sm-verify\/latency patch 0 \(jsonPatch replace \/http\/1\/timeout\), priority 100; overwrote 2s set by IstioFilter sm-verify\/sre-baseline patch 0 \(timeout\), priority 0$/m);
    expect(text).toMatch(/^ {6}weight: 10 +# Router$/m);
    expect(text).toContain('#   spec.http[1].retries.attempts: 2 (set by IstioFilter sm-verify/sre-baseline patch 1 (retries), priority 0) removed by IstioFilter sm-verify/latency patch 0 (jsonPatch remove /http/1/retries), priority 100');
  });
});

describe('specDrift', () => {
  it('lists changed, missing and added spec leaves, and nothing for equal specs', () => {
    const computed = explainRouter(router, [], NOW).virtualService.object as { spec: { http: { timeout?: string; route: { weight?: number }[] }[] } };
    expect(specDrift(computed, structuredClone(computed))).toEqual([]);
    const live = structuredClone(computed);
    live.spec.http[1]!.route[0]!.weight = 50;
    live.spec.http[1]!.timeout = '1s';
    delete live.spec.http[1]!.route[1]!.weight;
    expect(specDrift(computed, live)).toEqual([
      { path: 'spec.http[1].route[0].weight', live: 50, computed: 90 },
      { path: 'spec.http[1].route[1].weight', computed: 10 },
      { path: 'spec.http[1].timeout', live: '1s' },
    ]);
  });
});
