import { beforeEach, describe, expect, it } from 'vitest';
import type { RouterStatus } from '../../api/router.ts';
import type { DestinationRule, VirtualService } from '../../core/istio/types.ts';
import type { FakeCluster } from '../../kube/fake-context.ts';
import { DESTINATION_RULE, ROUTER, VIRTUAL_SERVICE } from '../scheme.ts';
import type { KubeObject } from '../../kube/types.ts';
import { routerReconciler } from './reconcile-router.ts';
import {
  CANARY, editRouter, KEY, missingSubsets, routerObject, routingCluster, runUntilSettled, SETTLE_MS, stepEventsSince, writesSince,
} from './reconcile-scenario.test-support.ts';

const reconcile = routerReconciler({ settleDelayMs: SETTLE_MS });

function status(cluster: FakeCluster): RouterStatus {
  return cluster.get(ROUTER, KEY)?.status as RouterStatus;
}
function subsetNames(cluster: FakeCluster): string[] {
  return (cluster.get<KubeObject & DestinationRule>(DESTINATION_RULE, KEY)?.spec.subsets ?? []).map((s) => s.name).sort();
}
function liveVs(cluster: FakeCluster): VirtualService['spec'] | undefined {
  return cluster.get<KubeObject & VirtualService>(VIRTUAL_SERVICE, KEY)?.spec;
}

let cluster: FakeCluster;
beforeEach(() => {
  cluster = routingCluster();
});

describe('routerReconciler: make-before-break transitions', () => {
  it('creates a canary in three reconciles: DR, then VS, then Ready', async () => {
    cluster.put(routerObject(CANARY));
    const start = cluster.clockMs;
    const first = await reconcile(KEY, cluster.context());
    expect(first).toEqual({ kind: 'requeueAfter', ms: 0 });
    expect(writesSince(cluster, 0)).toEqual(['create DestinationRule reviews']);
    expect(status(cluster)).toMatchObject({ phase: 'Progressing', step: { number: 1, total: 2, action: 'apply-union-destination-rule', kind: 'DestinationRule', name: 'reviews' } });
    expect(cluster.clockMs - start).toBe(SETTLE_MS);

    expect(await reconcile(KEY, cluster.context())).toEqual({ kind: 'requeueAfter', ms: 0 });
    expect(status(cluster).step).toMatchObject({ number: 2, total: 2, action: 'apply-virtual-service' });
    expect(await reconcile(KEY, cluster.context())).toEqual({ kind: 'done' });
    expect(writesSince(cluster, 0)).toEqual(['create DestinationRule reviews', 'create VirtualService reviews']);
    expect(stepEventsSince(cluster, 0)).toEqual([
      'step 1/2 apply-union-destination-rule: create, add subset master-v1-0-1, add subset master-v1-0-2, add subset box-0999',
      'step 2/2 apply-virtual-service: create, add route box-0999, add route master',
    ]);
    const ready = status(cluster);
    expect(ready).toMatchObject({ phase: 'Ready', observedGeneration: 1, weights: 'v1.0.1=90,v1.0.2=10', sandboxes: 'box-0999' });
    expect(ready.step).toBeUndefined();
    expect(ready.generated).toEqual([
      { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', name: 'reviews', namespace: 'shop' },
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', name: 'reviews', namespace: 'shop' },
    ]);
    expect(ready.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'True', 'Reconciled'],
      ['Reconciling', 'False', 'Reconciled'],
      ['Stalled', 'False', 'Reconciled'],
      ['Progressing', 'False', 'Idle'],
      ['Degraded', 'False', 'Idle'],
    ]);
    const vs = cluster.get(VIRTUAL_SERVICE, KEY);
    expect(vs?.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'switchyard', 'switchyard.io/owner': 'router.reviews' });
    expect(vs?.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Router', name: 'reviews', controller: true });
  });

  it('shifts weights with one VS write and no DR write', async () => {
    cluster.put(routerObject(CANARY));
    await runUntilSettled(reconcile, cluster);
    const mark = cluster.writes.length;
    const events = cluster.events.length;
    editRouter(cluster, (s) => (s.subsets[0]!.versions = { 'v1.0.1': 80, 'v1.0.2': 20 }));
    expect(await runUntilSettled(reconcile, cluster)).toEqual([{ kind: 'requeueAfter', ms: 0 }, { kind: 'done' }]);
    expect(writesSince(cluster, mark)).toEqual(['update VirtualService reviews']);
    expect(stepEventsSince(cluster, events)).toEqual(['step 1/1 apply-virtual-service: route master: master-v1-0-1 90→80, master-v1-0-2 10→20']);
    expect(status(cluster)).toMatchObject({ phase: 'Ready', observedGeneration: 2, weights: 'v1.0.1=80,v1.0.2=20' });
  });

  it('adds a version: union DR, then VS, and nothing left to prune', async () => {
    cluster.put(routerObject({ port: 9090, subsets: [{ branch: 'master', versions: { 'v1.0.1': 100 } }] }));
    await runUntilSettled(reconcile, cluster);
    const mark = cluster.writes.length;
    const events = cluster.events.length;
    editRouter(cluster, (s) => (s.subsets[0]!.versions = { 'v1.0.1': 90, 'v1.0.2': 10 }));
    await runUntilSettled(reconcile, cluster);
    expect(writesSince(cluster, mark)).toEqual(['update DestinationRule reviews', 'update VirtualService reviews']);
    expect(stepEventsSince(cluster, events)).toEqual([
      'step 1/2 apply-union-destination-rule: add subset master-v1-0-2',
      'step 2/2 apply-virtual-service: route master: master-v1-0-1 100→90, master-v1-0-2 none→10',
    ]);
    expect(subsetNames(cluster)).toEqual(['master-v1-0-1', 'master-v1-0-2']);
  });

  it('removes a version: VS first, then the pruned DR', async () => {
    cluster.put(routerObject({ port: 9090, subsets: [{ branch: 'master', versions: { 'v1.0.1': 90, 'v1.0.2': 10 } }] }));
    await runUntilSettled(reconcile, cluster);
    const mark = cluster.writes.length;
    const events = cluster.events.length;
    editRouter(cluster, (s) => (s.subsets[0]!.versions = { 'v1.0.2': 100 }));
    await runUntilSettled(reconcile, cluster);
    expect(writesSince(cluster, mark)).toEqual(['update VirtualService reviews', 'update DestinationRule reviews']);
    expect(stepEventsSince(cluster, events)).toEqual([
      'step 1/2 apply-virtual-service: route master: master-v1-0-1 90→none, master-v1-0-2 10→100',
      'step 2/2 apply-pruned-destination-rule: remove subset master-v1-0-1',
    ]);
    expect(subsetNames(cluster)).toEqual(['master-v1-0-2']);
  });

  it('adds a sandbox (DR then VS) and removes it (VS then DR)', async () => {
    cluster.put(routerObject({ port: 9090, subsets: [{ branch: 'master', versions: { 'v1.0.1': 100 } }] }));
    await runUntilSettled(reconcile, cluster);
    let mark = cluster.writes.length;
    editRouter(cluster, (s) => s.subsets.push({ branch: 'box-0999' }));
    await runUntilSettled(reconcile, cluster);
    expect(writesSince(cluster, mark)).toEqual(['update DestinationRule reviews', 'update VirtualService reviews']);
    expect(liveVs(cluster)?.http?.map((r) => r.name)).toEqual(['box-0999', 'master']);
    expect(status(cluster).sandboxes).toBe('box-0999');

    mark = cluster.writes.length;
    editRouter(cluster, (s) => s.subsets.pop());
    await runUntilSettled(reconcile, cluster);
    expect(writesSince(cluster, mark)).toEqual(['update VirtualService reviews', 'update DestinationRule reviews']);
    expect(liveVs(cluster)?.http?.map((r) => r.name)).toEqual(['master']);
    expect(subsetNames(cluster)).toEqual(['master-v1-0-1']);
    expect(status(cluster)).toMatchObject({ phase: 'Ready', sandboxes: '' });
  });

  it('replaces a version in three steps and resumes after a crash between steps without regressing', async () => {
    cluster.put(routerObject(CANARY));
    await runUntilSettled(reconcile, cluster);
    const events = cluster.events.length;
    editRouter(cluster, (s) => (s.subsets[0]!.versions = { 'v1.0.2': 10, 'v1.0.3': 90 }));
    await routerReconciler({ settleDelayMs: SETTLE_MS })(KEY, cluster.context());
    expect(subsetNames(cluster)).toEqual(['box-0999', 'master-v1-0-1', 'master-v1-0-2', 'master-v1-0-3']);
    // A new process: fresh reconciler and context; only the cluster (live objects + status) survives.
    const restarted = routerReconciler({ settleDelayMs: SETTLE_MS });
    expect(await runUntilSettled(restarted, cluster)).toEqual([{ kind: 'requeueAfter', ms: 0 }, { kind: 'requeueAfter', ms: 0 }, { kind: 'done' }]);
    expect(stepEventsSince(cluster, events).map((m) => m.split(':')[0])).toEqual([
      'step 1/3 apply-union-destination-rule',
      'step 2/3 apply-virtual-service',
      'step 3/3 apply-pruned-destination-rule',
    ]);
    expect(subsetNames(cluster)).toEqual(['box-0999', 'master-v1-0-2', 'master-v1-0-3']);
    expect(missingSubsets(cluster)).toEqual([]);
  });

  it('applies an owned Service before the DR step, once', async () => {
    cluster.put(routerObject({ ...CANARY, ownService: true }));
    await runUntilSettled(reconcile, cluster);
    expect(writesSince(cluster, 0)).toEqual(['create Service reviews', 'create DestinationRule reviews', 'create VirtualService reviews']);
    expect(status(cluster).generated?.map((g) => g.kind)).toEqual(['Service', 'DestinationRule', 'VirtualService']);
  });
});
