import { describe, expect, it } from 'vitest';
import { routerView, routerViews } from '../cluster/router-view.ts';
import { namespaceFilters, walkingRouter } from '../cluster/view-fixtures.test-support.ts';
import { routersTableText, routerTreesText } from './router-text.ts';
import { relativeTime, shortDuration, tableLines, treeLines, weightBar } from './tree-text.ts';

const NOW = new Date('2026-01-01T10:05:12Z');

describe('weightBar', () => {
  it.each([
    [0, '░░░░░░░░░░'],
    [4, '░░░░░░░░░░'],
    [5, '█░░░░░░░░░'],
    [10, '█░░░░░░░░░'],
    [80, '████████░░'],
    [100, '██████████'],
    [130, '██████████'],
  ])('%i%% → %s', (weight, bar) => expect(weightBar(weight)).toBe(bar));
});

describe('text helpers', () => {
  it('draws nested children under ├─ and └─, continuing multi-line labels', () => {
    expect(treeLines({ label: 'root', children: [{ label: 'a', children: [{ label: 'a1' }, { label: 'a2\nmore' }] }, { label: 'b', children: [{ label: 'b1' }] }] })).toEqual([
      'root',
      '├─ a',
      '│  ├─ a1',
      '│  └─ a2',
      '│     more',
      '└─ b',
      '   └─ b1',
    ]);
  });

  it('pads table columns to the widest cell', () => {
    expect(tableLines(['NAME', 'PHASE'], [['a', 'Ready'], ['longer', '-']])).toEqual(['NAME     PHASE', 'a        Ready', 'longer   -']);
  });

  it('says durations and times the way people read them', () => {
    expect([shortDuration(0), shortDuration(42_000), shortDuration(192_000), shortDuration(3_600_000), shortDuration(7_500_000), shortDuration(200_000_000)]).toEqual(['0s', '42s', '3m12s', '1h', '2h5m', '2d']);
    expect(relativeTime('2026-01-01T10:05:30Z', NOW)).toBe('in 18s');
    expect(relativeTime('2026-01-01T10:05:00Z', NOW)).toBe('12s ago');
    expect(relativeTime('not a time', NOW)).toBe('not a time');
  });
});

describe('get router NAME: the tree', () => {
  it('shows branches with weight bars, the step and its proxies, the walk and its checks, the filter chain, conditions and generated objects', () => {
    expect(routerTreesText([routerView(walkingRouter(), namespaceFilters())], NOW)).toMatchInlineSnapshot(`
      "Router shop/reviews: Progressing
      ├─ host reviews.shop.svc.cluster.local:9080 http, propagation verified
      ├─ branches
      │  ├─ main (default)
      │  │  ├─ v1 █████████░  90%  (declared 50%)
      │  │  └─ v2 █░░░░░░░░░  10%  (declared 50%)
      │  └─ box-1 (sandbox; matches header x-branch=box-1, baggage)
      │     └─ every pod of the branch ██████████ 100%
      ├─ step 2/3: apply-virtual-service VirtualService reviews, started 12s ago
      │  └─ proxies: 2/3 confirmed
      ├─ progression: Progressing, step 1/3 at 20%
      │  ├─ from v1=100,v2=0 to v1=50,v2=50; now v1=90,v2=10
      │  ├─ walk: steps 20%, 50%, then 100%; 30s of analysis each, pause at 50%
      │  ├─ failures 1/2, unknowns in a row 0/2
      │  ├─ analysis until 2026-01-01T10:05:30Z (in 18s)
      │  ├─ check success: 97.25 (want >= 99) Fail
      │  ├─ message: step 1/3 live
      │  └─ command pause@abc: not yet taken by the controller
      ├─ filters (4, in the order they apply)
      │  ├─ 1. chaos priority -5: Applied (targets host reviews.shop.svc.cluster.local), expires in 54m48s
      │  │  └─ patch 0 fault: applied
      │  ├─ 2. early-cors priority 0: Skipped
      │  │  ├─ patch 0 corsPolicy: not applied (rolled back)
      │  │  ├─ patch 1 jsonPatch: not applied (bad path)
      │  │  └─ skipped: patch 1 (jsonPatch) failed: bad path
      │  ├─ 3. late-timeout priority 0: no status yet
      │  │  └─ patch 0 timeout: not reported
      │  └─ 4. retries priority 10: Applied
      │     └─ patch 0 retries: applied
      ├─ conditions
      │  ├─ Ready False Walking: canary walk step 1/3
      │  └─ Progressing True Walking
      └─ generated
         ├─ DestinationRule shop/reviews
         └─ VirtualService shop/reviews"
    `);
  });
});

describe('get routers: the table', () => {
  it('lists one row per Router, with the namespace under -A', () => {
    const settled = { ...walkingRouter(), metadata: { name: 'ratings', namespace: 'shop', creationTimestamp: '2026-01-01T08:05:12Z' }, status: { phase: 'Ready', weights: 'v1=100' } };
    const views = routerViews([walkingRouter(), settled], namespaceFilters());
    expect(routersTableText(views, NOW, true)).toMatchInlineSnapshot(`
      "NAMESPACE   NAME      PHASE         WEIGHTS       SANDBOXES   WALK                  STEP                        FILTERS       AGE
      shop        ratings   Ready         v1=100        box-1       -                     -                           0/1 applied   2h
      shop        reviews   Progressing   v1=90,v2=10   box-1       Progressing 1/3 20%   2/3 apply-virtual-service   2/4 applied   5m12s"
    `);
    expect(routersTableText(views, NOW, false).split('\n')[0]).toMatch(/^NAME {2,}PHASE/);
  });
});
