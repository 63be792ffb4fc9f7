import { beforeEach, describe, expect, it } from 'vitest';
import type { RouterStatus } from '../../api/router.ts';
import type { FakeCluster } from '../../kube/fake-context.ts';
import { ROUTER, VIRTUAL_SERVICE } from '../scheme.ts';
import { routerReconciler } from './reconcile-router.ts';
import { CANARY, KEY, routerObject, routingCluster, runUntilSettled, SETTLE_MS } from './reconcile-scenario.test-support.ts';
import type { PropagationVerifier, VerifyOutcome, VerifyRequest } from './verify/istiod-verifier.ts';

/** A verifier answering from a script, recording what it was asked. */
function scriptedVerifier(answer: (req: VerifyRequest) => VerifyOutcome, snapshot: Awaited<ReturnType<PropagationVerifier['snapshot']>> = new Map()): PropagationVerifier & { asked: VerifyRequest[] } {
  const asked: VerifyRequest[] = [];
  return {
    asked,
    snapshot: () => Promise.resolve(snapshot),
    wait: (req) => {
      asked.push(req);
      return Promise.resolve(answer(req));
    },
  };
}

function status(cluster: FakeCluster): RouterStatus {
  return cluster.get(ROUTER, KEY)?.status as RouterStatus;
}

let cluster: FakeCluster;
beforeEach(() => {
  cluster = routingCluster();
});

describe('routerReconciler: verified propagation', () => {
  it('waits on the verifier instead of the settle delay, step by step, and reports the confirmation on the step', async () => {
    const verifier = scriptedVerifier(() => ({ kind: 'confirmed', confirmed: 2, checked: 2, ms: 120 }));
    const reconcile = routerReconciler({ settleDelayMs: SETTLE_MS, verifier });
    cluster.put(routerObject({ ...CANARY, propagation: { mode: 'verified' } }));
    const start = cluster.clockMs;
    await reconcile(KEY, cluster.context());
    expect(status(cluster).step).toMatchObject({ number: 1, action: 'apply-union-destination-rule', confirmedProxies: 2, checkedProxies: 2 });
    expect(status(cluster).step?.message).toMatch(/verified: 2\/2 proxies acknowledged it in 120ms$/);
    await runUntilSettled(reconcile, cluster);
    expect(status(cluster).phase).toBe('Ready');
    // No settle delay was slept: the fake clock never moved.
    expect(cluster.clockMs - start).toBe(0);
    expect(verifier.asked.map((r) => [r.expectation.kind, r.requirePush])).toEqual([
      ['clusters', true],
      ['routes', true],
    ]);
    expect(verifier.asked[0]?.expectation).toMatchObject({ host: 'reviews.shop.svc.cluster.local', port: CANARY.port, exact: false });
  });

  it('reports a step the proxies have not confirmed as Degraded with the reason, and checks again without rewriting', async () => {
    const verifier = scriptedVerifier(() => ({ kind: 'timeout', confirmed: 0, checked: 1, ms: 60_000, pending: ['gw.mesh: missing cluster outbound|9080|master-v2|reviews.shop.svc.cluster.local'] }));
    const reconcile = routerReconciler({ settleDelayMs: SETTLE_MS, verifier });
    cluster.put(routerObject({ ...CANARY, propagation: { mode: 'verified' } }));
    const first = await reconcile(KEY, cluster.context());
    expect(first).toEqual({ kind: 'requeueAfter', ms: 0 });
    expect(status(cluster).phase).toBe('Degraded');
    expect(status(cluster).step).toMatchObject({ confirmedProxies: 0, checkedProxies: 1 });
    const degraded = status(cluster).conditions?.find((c) => c.type === 'Degraded');
    expect(degraded?.message).toContain('confirmed by 0/1 proxies after 60000ms (timeout 60000ms): gw.mesh: missing cluster');
    expect(cluster.events.map((e) => e.reason)).toContain('PropagationTimeout');
    await reconcile(KEY, cluster.context());
    // The next run does not move on to the VirtualService: it checks the clusters it would route to
    // first (no new write, so no new push is required of istiod), and they are still unconfirmed.
    expect(verifier.asked.map((r) => [r.expectation.kind, r.requirePush])).toEqual([
      ['clusters', true],
      ['clusters', false],
    ]);
    expect(cluster.get(VIRTUAL_SERVICE, KEY)).toBeUndefined();
    expect(status(cluster).conditions?.find((c) => c.type === 'Degraded')?.message).toContain('before applying it: confirmed by 0/1 proxies');
  });

  it('falls back to the settle delay when istiod cannot be reached, and says so', async () => {
    const verifier = scriptedVerifier(() => ({ kind: 'confirmed', confirmed: 0, checked: 0, ms: 0 }), 'istiod debug endpoints unreachable: connection refused');
    const reconcile = routerReconciler({ settleDelayMs: SETTLE_MS, verifier });
    cluster.put(routerObject({ ...CANARY, propagation: { mode: 'verified' } }));
    const start = cluster.clockMs;
    await reconcile(KEY, cluster.context());
    expect(status(cluster).step?.message).toContain(`istiod debug endpoints unreachable: connection refused; waited the settle delay (${SETTLE_MS}ms) instead`);
    expect(cluster.clockMs - start).toBe(SETTLE_MS);
    expect(verifier.asked).toEqual([]);
  });

  it('checks a precondition the previous wait did not confirm (a restarted controller), and skips it when it did', async () => {
    const verifier = scriptedVerifier(() => ({ kind: 'confirmed', confirmed: 1, checked: 1, ms: 5 }));
    cluster.put(routerObject({ ...CANARY, propagation: { mode: 'verified' } }));
    await routerReconciler({ settleDelayMs: SETTLE_MS, verifier })(KEY, cluster.context());
    // A fresh reconciler (a restarted process) has no memory of the union step's confirmation.
    await routerReconciler({ settleDelayMs: SETTLE_MS, verifier })(KEY, cluster.context());
    expect(verifier.asked.map((r) => [r.expectation.kind, r.requirePush])).toEqual([
      ['clusters', true],
      ['clusters', false],
      ['routes', true],
    ]);
  });

  it('leaves Routers in settle mode alone', async () => {
    const verifier = scriptedVerifier(() => ({ kind: 'confirmed', confirmed: 1, checked: 1, ms: 1 }));
    const reconcile = routerReconciler({ settleDelayMs: SETTLE_MS, verifier });
    cluster.put(routerObject(CANARY));
    await runUntilSettled(reconcile, cluster);
    expect(verifier.asked).toEqual([]);
  });
});
