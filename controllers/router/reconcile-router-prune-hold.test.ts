import { beforeEach, describe, expect, it } from 'vitest';
import type { RouterStatus } from '../../api/router.ts';
import type { DestinationRule } from '../../core/istio/types.ts';
import type { FakeCluster } from '../../kube/fake-context.ts';
import type { KubeObject } from '../../kube/types.ts';
import { DESTINATION_RULE, ROUTER, VIRTUAL_SERVICE } from '../scheme.ts';
import { routerReconciler } from './reconcile-router.ts';
import { CANARY, editRouter, HOST, KEY, routerObject, routingCluster, runUntilSettled, SETTLE_MS, writesSince } from './reconcile-scenario.test-support.ts';
import { ServerRejections } from './server-rejections.ts';

const reconcile = routerReconciler({ settleDelayMs: SETTLE_MS, rejections: new ServerRejections() });

/** A VirtualService a team wrote by hand, in its own namespace, pinning its calls to one of the Router's subsets. */
function handWritten(namespace: string, subset: string, host = HOST): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'pinned', namespace },
    spec: { hosts: [HOST], http: [{ route: [{ destination: { host, subset } }] }] },
  };
}

function status(cluster: FakeCluster): RouterStatus {
  return cluster.get(ROUTER, KEY)?.status as RouterStatus;
}
function liveSubsets(cluster: FakeCluster): string[] {
  return (cluster.get<KubeObject & DestinationRule>(DESTINATION_RULE, KEY)?.spec.subsets ?? []).map((s) => s.name);
}
/** Drops v1.0.1 from the Router: the prune step would remove subset master-v1-0-1. */
function retireOldVersion(cluster: FakeCluster): void {
  editRouter(cluster, (spec) => (spec.subsets[0]!.versions = { 'v1.0.2': 100 }));
}

let cluster: FakeCluster;
beforeEach(async () => {
  cluster = routingCluster();
  cluster.put(routerObject(CANARY));
  await runUntilSettled(reconcile, cluster);
});

describe('routerReconciler: a prune someone else still needs', () => {
  it('holds the prune while an unmanaged VirtualService routes to the subset, says so, and prunes once it is gone', async () => {
    cluster.put(handWritten('checkout', 'master-v1-0-1'));
    retireOldVersion(cluster);
    const mark = cluster.writes.length;
    expect((await runUntilSettled(reconcile, cluster)).at(-1)).toEqual({ kind: 'done' });
    expect(writesSince(cluster, mark)).toEqual(['update VirtualService reviews']);
    expect(liveSubsets(cluster)).toContain('master-v1-0-1');
    const message = 'prune held: VirtualService checkout/pinned routes to master-v1-0-1 (not managed by Switchyard); the DestinationRule keeps these subsets until no such VirtualService routes to them';
    expect(status(cluster)).toMatchObject({ phase: 'Progressing', step: { number: 2, total: 2, action: 'apply-pruned-destination-rule', message: 'remove subset master-v1-0-1' } });
    expect(status(cluster).conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PruneHeld' });
    // A held prune goes ahead by itself once no VirtualService routes there: Reconciling, not Stalled.
    expect(status(cluster).conditions?.find((c) => c.type === 'Reconciling')).toMatchObject({ status: 'True', reason: 'PruneHeld' });
    expect(status(cluster).conditions?.find((c) => c.type === 'Ready')?.message).toContain(message);
    expect(cluster.events.filter((e) => e.reason === 'PruneHeld').map((e) => [e.type, e.message])).toEqual([['Warning', message]]);

    // Looked at again (a resync, an event): still held, nothing written, no second event.
    const held = cluster.writes.length;
    expect(await reconcile(KEY, cluster.context())).toEqual({ kind: 'done' });
    expect(cluster.writes.length).toBe(held);
    expect(cluster.events.filter((e) => e.reason === 'PruneHeld')).toHaveLength(1);

    cluster.remove(VIRTUAL_SERVICE, { namespace: 'checkout', name: 'pinned' });
    expect((await runUntilSettled(reconcile, cluster)).at(-1)).toEqual({ kind: 'done' });
    expect(liveSubsets(cluster)).toEqual(['master-v1-0-2', 'box-0999']);
    expect(status(cluster).phase).toBe('Ready');
  });

  it('moves on when the VirtualService stops routing to the subset', async () => {
    cluster.put(handWritten('shop', 'master-v1-0-1', 'reviews'));
    retireOldVersion(cluster);
    await runUntilSettled(reconcile, cluster);
    expect(status(cluster).phase).toBe('Progressing');
    cluster.put(handWritten('shop', 'master-v1-0-2', 'reviews'));
    await runUntilSettled(reconcile, cluster);
    expect(status(cluster).phase).toBe('Ready');
    expect(liveSubsets(cluster)).not.toContain('master-v1-0-1');
  });

  it.each([
    ['a subset that stays', handWritten('checkout', 'master-v1-0-2')],
    ['another service of the same short name', handWritten('checkout', 'master-v1-0-1', 'reviews')],
  ])('does not hold for a VirtualService routing to %s', async (_, vs) => {
    cluster.put(vs);
    retireOldVersion(cluster);
    await runUntilSettled(reconcile, cluster);
    expect(status(cluster).phase).toBe('Ready');
    expect(liveSubsets(cluster)).not.toContain('master-v1-0-1');
  });
});
