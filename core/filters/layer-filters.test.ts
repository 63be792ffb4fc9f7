import { describe, expect, it } from 'vitest';
import { layerFilters, NOT_ATTEMPTED } from './layer-filters.ts';
import { base, deepFreeze, filter, HOST, NOW } from './layer-fixtures.ts';

describe('layerFilters chain', () => {
  it('returns the base unchanged and no results for an empty chain', () => {
    const input = base();
    const out = layerFilters(input, [], NOW);
    expect(out).toEqual({ ...base(), results: [] });
  });

  it('applies in total order and reports 1-based positions', () => {
    const filters = [
      filter('late', [{ timeout: '3s' }], { priority: 10 }),
      filter('early', [{ timeout: '1s' }], { priority: -10 }),
      filter('middle', [{ timeout: '2s' }]),
    ];
    const out = layerFilters(base(), filters, NOW);
    expect(out.results.map((r) => [r.name, r.position, r.chainLength, r.phase])).toEqual([
      ['early', 1, 3, 'Applied'],
      ['middle', 2, 3, 'Applied'],
      ['late', 3, 3, 'Applied'],
    ]);
    // The last filter in the order wins the same field.
    expect(out.virtualService.spec.http?.map((r) => r.timeout)).toEqual(['3s', '3s']);
  });

  it('skips a broken filter between two good ones; both good ones apply and the broken one changes nothing', () => {
    const filters = [
      filter('a-good', [{ timeout: '2s' }], { priority: 1 }),
      filter('b-broken', [{ retries: { attempts: 3 } }, { jsonPatch: { target: 'VirtualService', ops: [{ op: 'replace', path: '/http/7/timeout', value: '9s' }] } }, { timeout: '9s' }], { priority: 2 }),
      filter('c-good', [{ retries: { attempts: 2, perTryTimeout: '1s' } }], { priority: 3, scope: { routes: ['master'] } }),
    ];
    const out = layerFilters(base(), filters, NOW);
    const [a, b, c] = out.results;
    expect(a?.phase).toBe('Applied');
    expect(c?.phase).toBe('Applied');
    expect(b).toEqual({
      namespace: 'shop',
      name: 'b-broken',
      position: 2,
      chainLength: 3,
      phase: 'Skipped',
      patches: [
        { index: 0, type: 'retries', applied: true },
        {
          index: 1,
          type: 'jsonPatch',
          applied: false,
          reason:
            'jsonPatch op 0 (replace /http/7/timeout) on the VirtualService failed: path /http/7/timeout does not exist (jsonPatch paths are relative to the VirtualService spec, e.g. /http/0/timeout)',
        },
        { index: 2, type: 'timeout', applied: false, reason: NOT_ATTEMPTED },
      ],
      message:
        'skipped: patch 1 (jsonPatch) failed: jsonPatch op 0 (replace /http/7/timeout) on the VirtualService failed: path /http/7/timeout does not exist (jsonPatch paths are relative to the VirtualService spec, e.g. /http/0/timeout)',
    });
    // Only the good filters' changes: b's retries (patch 0, which did apply on its own) are absent too.
    const expected = layerFilters(base(), [filters[0]!, filters[2]!], NOW);
    expect(out.virtualService).toEqual(expected.virtualService);
    expect(out.destinationRule).toEqual(expected.destinationRule);
    expect(out.virtualService.spec.http?.map((r) => [r.name, r.timeout, r.retries])).toEqual([
      ['box-0999', '2s', undefined],
      ['master', '2s', { attempts: 2, perTryTimeout: '1s' }],
    ]);
  });

  it('marks a filter whose expiresAt is not after now Expired and applies none of it', () => {
    const filters = [
      filter('chaos-over', [{ timeout: '1s' }], { expiresAt: NOW.toISOString() }),
      filter('chaos-running', [{ timeout: '2s' }], { expiresAt: '2030-01-01T12:00:01Z' }),
    ];
    const out = layerFilters(base(), filters, NOW);
    expect(out.results[0]).toEqual({
      namespace: 'shop',
      name: 'chaos-over',
      position: 1,
      chainLength: 2,
      phase: 'Expired',
      patches: [{ index: 0, type: 'timeout', applied: false, reason: 'not attempted: filter expired' }],
      message: 'expired at 2030-01-01T12:00:00.000Z; no patch applied',
      expiresAt: '2030-01-01T12:00:00.000Z',
    });
    expect(out.results[1]).toMatchObject({ phase: 'Applied', expiresAt: '2030-01-01T12:00:01Z' });
    expect(out.virtualService.spec.http?.map((r) => r.timeout)).toEqual(['2s', '2s']);
  });

  it('skips a filter whose result the Istio schema rejects, quoting path and message', () => {
    const weightAsString = filter('bad-weight', [
      { jsonPatch: { target: 'VirtualService', ops: [{ op: 'replace', path: '/http/1/route/0/weight', value: '90' }] } },
    ]);
    const unknownField = filter('typo', [{ jsonPatch: { target: 'DestinationRule', ops: [{ op: 'add', path: '/trafficPolicy', value: { conectionPool: {} } }] } }]);
    const out = layerFilters(base(), [weightAsString, unknownField], NOW);
    expect(out.results.map((r) => [r.name, r.phase, r.message])).toEqual([
      ['bad-weight', 'Skipped', 'skipped: the result is rejected by the Istio schema: VirtualService shop/reviews spec.http[1].route[0].weight: must be integer, got "90"'],
      [
        'typo',
        'Skipped',
        'skipped: the result is rejected by the Istio schema: DestinationRule shop/reviews spec.trafficPolicy.conectionPool: unknown field (the API server would prune it)',
      ],
    ]);
    expect(out.results[0]?.patches).toEqual([
      {
        index: 0,
        type: 'jsonPatch',
        applied: false,
        reason: 'rolled back: the result is rejected by the Istio schema: VirtualService shop/reviews spec.http[1].route[0].weight: must be integer, got "90"',
      },
    ]);
    expect(out.virtualService).toEqual(base().virtualService);
    expect(out.destinationRule).toEqual(base().destinationRule);
  });

  it('skips a filter that routes to a subset the DestinationRule lacks, naming the subset', () => {
    const reroute = filter('reroute', [
      { jsonPatch: { target: 'VirtualService', ops: [{ op: 'replace', path: '/http/0/route/0/destination/subset', value: 'box-1234' }] } },
    ]);
    const out = layerFilters(base(), [reroute], NOW);
    expect(out.results[0]?.message).toBe(
      `skipped: VirtualService shop/reviews references subset box-1234 of ${HOST}, which DestinationRule shop/reviews does not define (subsets: box-0999, master-v1-0-1, master-v1-0-2); proxies would answer 503`,
    );
    expect(out.virtualService).toEqual(base().virtualService);
  });

  it('lets a later filter build on an earlier one (jsonPatch test sees the earlier timeout)', () => {
    const filters = [
      filter('first', [{ timeout: '2s' }], { priority: 1 }),
      filter('second', [{ jsonPatch: { target: 'VirtualService', ops: [{ op: 'test', path: '/http/1/timeout', value: '2s' }, { op: 'replace', path: '/http/1/timeout', value: '4s' }] } }], { priority: 2 }),
    ];
    const out = layerFilters(base(), filters, NOW);
    expect(out.results.map((r) => r.phase)).toEqual(['Applied', 'Applied']);
    expect(out.virtualService.spec.http?.map((r) => r.timeout)).toEqual(['2s', '4s']);
  });

  it('never mutates its inputs (deeply frozen base and filters still layer)', () => {
    const input = deepFreeze(base());
    const filters = deepFreeze([
      filter('all', [
        { timeout: '1s' },
        { fault: { delay: { fixedDelay: '5s', percentage: 10 } } },
        { headers: { request: { set: { 'x-a': '1' } } } },
        { mirror: { subset: 'shadow', labels: { app: 'reviews', version: 'shadow' }, percentage: 5 } },
        { trafficPolicy: { outlierDetection: { consecutive5xxErrors: 5 } } },
        { jsonPatch: { target: 'DestinationRule', ops: [{ op: 'add', path: '/trafficPolicy/loadBalancer', value: { simple: 'LEAST_REQUEST' } }] } },
      ]),
    ]);
    const out = layerFilters(input, filters, NOW);
    expect(out.results[0]?.phase).toBe('Applied');
    expect(input).toEqual(base());
    expect(out.virtualService).not.toEqual(base().virtualService);
    expect(out.destinationRule.spec.subsets?.map((s) => s.name)).toContain('shadow');
    expect(out.destinationRule.spec.trafficPolicy).toEqual({ outlierDetection: { consecutive5xxErrors: 5 }, loadBalancer: { simple: 'LEAST_REQUEST' } });
  });
});
