import { describe, expect, it } from 'vitest';
import type { FilterPatch } from '../../api/istio-filter.ts';
import { layerFilters } from './layer-filters.ts';
import { base, filter, NOW } from './layer-fixtures.ts';

type Target = 'VirtualService' | 'DestinationRule';
type Ops = NonNullable<FilterPatch['jsonPatch']>['ops'];

function run(target: Target, ops: Ops) {
  const out = layerFilters(base(), [filter('raw', [{ jsonPatch: { target, ops } }])], NOW);
  return { ...out, result: out.results[0] };
}

describe('jsonPatch', () => {
  it('paths are relative to the spec of the target', () => {
    const out = run('VirtualService', [{ op: 'add', path: '/http/0/timeout', value: '3s' }]);
    expect(out.result?.phase).toBe('Applied');
    expect(out.virtualService.spec.http?.[0]?.timeout).toBe('3s');
    expect(out.virtualService.metadata).toEqual(base().virtualService.metadata);
  });

  it('patches the DestinationRule spec', () => {
    const out = run('DestinationRule', [
      { op: 'test', path: '/host', value: 'reviews.shop.svc.cluster.local' },
      { op: 'add', path: '/subsets/-', value: { name: 'extra', labels: { version: 'extra' } } },
    ]);
    expect(out.result?.phase).toBe('Applied');
    expect(out.destinationRule.spec.subsets?.map((s) => s.name)).toEqual(['box-0999', 'master-v1-0-1', 'master-v1-0-2', 'extra']);
  });

  it.each([
    {
      name: 'test op on a different value',
      target: 'VirtualService' as Target,
      ops: [{ op: 'test' as const, path: '/http/1/route/0/weight', value: 50 }],
      reason: 'jsonPatch op 0 (test /http/1/route/0/weight) on the VirtualService failed: value at /http/1/route/0/weight is 90, test expects 50 (jsonPatch paths are relative to the VirtualService spec, e.g. /http/0/timeout)',
    },
    {
      name: 'test op on an absent value, after an op that applied',
      target: 'VirtualService' as Target,
      ops: [
        { op: 'add' as const, path: '/http/0/timeout', value: '1s' },
        { op: 'test' as const, path: '/http/1/timeout', value: '1s' },
      ],
      reason: 'jsonPatch op 1 (test /http/1/timeout) on the VirtualService failed: value at /http/1/timeout is absent, test expects "1s" (jsonPatch paths are relative to the VirtualService spec, e.g. /http/0/timeout)',
    },
    {
      name: 'remove of a missing path',
      target: 'DestinationRule' as Target,
      ops: [{ op: 'remove' as const, path: '/trafficPolicy' }],
      reason: 'jsonPatch op 0 (remove /trafficPolicy) on the DestinationRule failed: path /trafficPolicy does not exist (jsonPatch paths are relative to the DestinationRule spec, e.g. /trafficPolicy/connectionPool)',
    },
    {
      name: 'a path written from the object root instead of the spec',
      target: 'VirtualService' as Target,
      ops: [{ op: 'replace' as const, path: '/spec/http/0/timeout', value: '1s' }],
      reason: 'jsonPatch op 0 (replace /spec/http/0/timeout) on the VirtualService failed: path /spec/http/0/timeout does not exist (jsonPatch paths are relative to the VirtualService spec, e.g. /http/0/timeout)',
    },
    {
      name: 'add under a missing parent',
      target: 'VirtualService' as Target,
      ops: [{ op: 'add' as const, path: '/http/0/fault/delay', value: { fixedDelay: '1s' } }],
      reason: 'jsonPatch op 0 (add /http/0/fault/delay) on the VirtualService failed: path /http/0/fault/delay does not exist (jsonPatch paths are relative to the VirtualService spec, e.g. /http/0/timeout)',
    },
    {
      name: 'replacing the whole spec with a non-object',
      target: 'VirtualService' as Target,
      ops: [{ op: 'replace' as const, path: '', value: 'nothing' }],
      reason: 'jsonPatch left the VirtualService spec as "nothing"; it must stay an object (jsonPatch paths are relative to the VirtualService spec, e.g. /http/0/timeout)',
    },
  ])('fails: $name', ({ target, ops, reason }) => {
    const out = run(target, ops);
    expect(out.result?.phase).toBe('Skipped');
    expect(out.result?.patches).toEqual([{ index: 0, type: 'jsonPatch', applied: false, reason }]);
    expect(out.virtualService).toEqual(base().virtualService);
    expect(out.destinationRule).toEqual(base().destinationRule);
  });

  it('a later typed patch on a shape jsonPatch broke fails that filter only', () => {
    const broken = filter('broken', [{ jsonPatch: { target: 'VirtualService', ops: [{ op: 'replace', path: '/http/0', value: 'oops' }] } }, { timeout: '1s' }], { priority: 1 });
    const good = filter('good', [{ timeout: '2s' }], { priority: 2 });
    const out = layerFilters(base(), [broken, good], NOW);
    expect(out.results.map((r) => r.phase)).toEqual(['Skipped', 'Applied']);
    expect(out.virtualService.spec.http?.map((r) => r.timeout)).toEqual(['2s', '2s']);
  });
});
