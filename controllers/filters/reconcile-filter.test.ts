import { beforeEach, describe, expect, it } from 'vitest';
import type { IstioFilterStatus } from '../../api/istio-filter.ts';
import type { RouterStatus } from '../../api/router.ts';
import type { VirtualService } from '../../core/istio/types.ts';
import { routerReconciler } from '../router/reconcile-router.ts';
import { CANARY, filterObject, KEY, NS, routerObject, routingCluster, runUntilSettled, SETTLE_MS, writesSince } from '../router/reconcile-scenario.test-support.ts';
import type { FakeCluster } from '../../kube/fake-context.ts';
import { ISTIO_FILTER, ROUTER, VIRTUAL_SERVICE } from '../scheme.ts';
import type { KubeObject } from '../../kube/types.ts';
import { filterReconciler } from './reconcile-filter.ts';

const reconcileRouter = routerReconciler({ settleDelayMs: SETTLE_MS });
const reconcileFilter = filterReconciler();

function filterStatus(cluster: FakeCluster, name: string): IstioFilterStatus {
  return cluster.get(ISTIO_FILTER, { namespace: NS, name })?.status as IstioFilterStatus;
}
function liveRoutes(cluster: FakeCluster): NonNullable<VirtualService['spec']['http']> {
  return cluster.get<KubeObject & VirtualService>(VIRTUAL_SERVICE, KEY)?.spec.http ?? [];
}
const BROKEN_PATCH = { jsonPatch: { target: 'VirtualService' as const, ops: [{ op: 'test' as const, path: '/hosts/0', value: 'elsewhere' }] } };

let cluster: FakeCluster;
beforeEach(async () => {
  cluster = routingCluster();
  cluster.put(routerObject(CANARY));
  await runUntilSettled(reconcileRouter, cluster);
});

describe('IstioFilters through the Router and filter reconciles', () => {
  it('layers filters in priority order; each filter reports its position and patches', async () => {
    cluster.put(filterObject('retries', [{ retries: { attempts: 3 } }], { priority: 10 }));
    cluster.put(filterObject('timeout', [{ timeout: '2s' }], { priority: -5 }));
    const mark = cluster.writes.length;
    await runUntilSettled(reconcileRouter, cluster);
    expect(writesSince(cluster, mark)).toEqual(['update VirtualService reviews']);
    expect(liveRoutes(cluster).map((r) => [r.name, r.timeout, r.retries?.attempts])).toEqual([
      ['box-0999', '2s', 3],
      ['master', '2s', 3],
    ]);
    for (const name of ['retries', 'timeout']) expect(await reconcileFilter({ namespace: NS, name }, cluster.context())).toEqual({ kind: 'done' });
    expect(filterStatus(cluster, 'timeout')).toMatchObject({ phase: 'Applied', position: 1, chainLength: 2, patches: [{ index: 0, type: 'timeout', applied: true }] });
    expect(filterStatus(cluster, 'retries')).toMatchObject({ phase: 'Applied', position: 2, chainLength: 2, message: 'applied 1 patch (Router reviews, position 2/2)' });
    expect(filterStatus(cluster, 'retries').conditions?.[0]).toMatchObject({ type: 'Ready', status: 'True', reason: 'Applied' });
    expect((cluster.get(ROUTER, KEY)?.status as RouterStatus).conditions?.[0]?.message).toBe('live routing matches the spec; filters: 2 applied, 0 skipped, 0 expired');
  });

  it('skips a broken filter on its own status; the Router stays Ready with the other filter applied', async () => {
    cluster.put(filterObject('broken', [BROKEN_PATCH]));
    cluster.put(filterObject('good', [{ timeout: '1s' }], {}, 1));
    await runUntilSettled(reconcileRouter, cluster);
    expect((cluster.get(ROUTER, KEY)?.status as RouterStatus).phase).toBe('Ready');
    expect(liveRoutes(cluster).map((r) => r.timeout)).toEqual(['1s', '1s']);
    await reconcileFilter({ namespace: NS, name: 'broken' }, cluster.context());
    const s = filterStatus(cluster, 'broken');
    expect(s).toMatchObject({ phase: 'Skipped', position: 1, chainLength: 2, patches: [{ index: 0, type: 'jsonPatch', applied: false }] });
    expect(s.message).toMatch(/^skipped: patch 0 \(jsonPatch\) failed: .*\(Router reviews, position 1\/2\)$/);
    expect(s.conditions?.[0]).toMatchObject({ type: 'Ready', status: 'False', reason: 'Skipped' });
  });

  it('removes an expiring filter once it expires: both reconciles ask to be re-run just after the expiry', async () => {
    const expiresAt = new Date(cluster.clockMs + 60_000).toISOString();
    cluster.put(filterObject('chaos', [{ fault: { abort: { httpStatus: 503, percentage: 10 } } }], { expiresAt }));
    const routerResults = await runUntilSettled(reconcileRouter, cluster);
    const left = Date.parse(expiresAt) - cluster.clockMs;
    expect(routerResults.at(-1)).toEqual({ kind: 'requeueAfter', ms: left + 500 });
    expect(liveRoutes(cluster).every((r) => r.fault?.abort?.httpStatus === 503)).toBe(true);
    expect(await reconcileFilter({ namespace: NS, name: 'chaos' }, cluster.context())).toEqual({ kind: 'requeueAfter', ms: left + 500 });
    expect(filterStatus(cluster, 'chaos').phase).toBe('Applied');

    cluster.advance(left + 500);
    const mark = cluster.writes.length;
    expect((await runUntilSettled(reconcileRouter, cluster)).at(-1)).toEqual({ kind: 'done' });
    expect(writesSince(cluster, mark)).toEqual(['update VirtualService reviews']);
    expect(liveRoutes(cluster).some((r) => r.fault !== undefined)).toBe(false);
    expect(await reconcileFilter({ namespace: NS, name: 'chaos' }, cluster.context())).toEqual({ kind: 'done' });
    expect(filterStatus(cluster, 'chaos')).toMatchObject({ phase: 'Expired', message: `expired at ${expiresAt}; no patch applied (Router reviews, position 1/1)` });
  });

  it('is Pending while no Router matches its target, by name or by host', async () => {
    cluster.put(filterObject('orphan', [{ timeout: '1s' }], { target: { router: 'ratings' } }));
    cluster.put(filterObject('by-host', [{ timeout: '1s' }], { target: { host: 'nowhere.shop.svc.cluster.local' } }));
    expect(await reconcileFilter({ namespace: NS, name: 'orphan' }, cluster.context())).toEqual({ kind: 'done' });
    await reconcileFilter({ namespace: NS, name: 'by-host' }, cluster.context());
    expect(filterStatus(cluster, 'orphan')).toMatchObject({ phase: 'Pending', message: 'waiting for Router ratings in namespace shop' });
    expect(filterStatus(cluster, 'by-host')).toMatchObject({ phase: 'Pending', message: 'waiting for a Router with host nowhere.shop.svc.cluster.local in namespace shop' });
    expect(filterStatus(cluster, 'orphan').position).toBeUndefined();
  });

  it('finds its Router by host', async () => {
    cluster.put(filterObject('by-host', [{ timeout: '1s' }], { target: { host: 'reviews.shop.svc.cluster.local' } }));
    await reconcileFilter({ namespace: NS, name: 'by-host' }, cluster.context());
    expect(filterStatus(cluster, 'by-host')).toMatchObject({ phase: 'Applied', position: 1, chainLength: 1 });
  });

  it('reports an invalid filter as Invalid (terminal), and the Router ignores it', async () => {
    cluster.put(filterObject('loud', [{ timeout: '1s' }], { priority: 5000 }));
    const message = 'spec.priority: priority must be between -1000 and 1000 (got 5000)';
    expect(await reconcileFilter({ namespace: NS, name: 'loud' }, cluster.context())).toEqual({ kind: 'terminal', reason: message });
    expect(filterStatus(cluster, 'loud')).toMatchObject({ phase: 'Invalid', message });
    const mark = cluster.writes.length;
    expect(await reconcileRouter(KEY, cluster.context())).toEqual({ kind: 'done' });
    expect(writesSince(cluster, mark)).toEqual([]);
  });

  it('writes no filter status when nothing changed', async () => {
    cluster.put(filterObject('timeout', [{ timeout: '2s' }]));
    await reconcileFilter({ namespace: NS, name: 'timeout' }, cluster.context());
    const writes = cluster.writes.length;
    cluster.advance(30_000);
    await reconcileFilter({ namespace: NS, name: 'timeout' }, cluster.context());
    expect(cluster.writes.length).toBe(writes);
  });
});
