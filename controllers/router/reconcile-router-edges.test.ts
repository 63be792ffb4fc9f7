import { beforeEach, describe, expect, it } from 'vitest';
import type { RouterStatus } from '../../api/router.ts';
import type { VirtualService } from '../../core/istio/types.ts';
import type { FakeCluster } from '../../kube/fake-context.ts';
import { DESTINATION_RULE, ROUTER, SERVICE, VIRTUAL_SERVICE } from '../scheme.ts';
import type { KubeObject } from '../../kube/types.ts';
import { renderRouter } from '../../core/router/render-router.ts';
import { routerReconciler } from './reconcile-router.ts';
import { CANARY, editRouter, HOST, KEY, NS, routerObject, routingCluster, runUntilSettled, SETTLE_MS, writesSince } from './reconcile-scenario.test-support.ts';
import { makeRouter } from '../../core/router/router-fixtures.ts';

const reconcile = routerReconciler({ settleDelayMs: SETTLE_MS });

function status(cluster: FakeCluster): RouterStatus {
  return cluster.get(ROUTER, KEY)?.status as RouterStatus;
}

/** A VirtualService someone wrote by hand (no Switchyard labels). */
function handWrittenVs(subset: string): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: KEY.name, namespace: NS },
    spec: { hosts: [HOST], http: [{ route: [{ destination: { host: HOST, subset } }] }] },
  };
}

let cluster: FakeCluster;
beforeEach(() => {
  cluster = routingCluster();
});

describe('routerReconciler: edges', () => {
  it('the invariant check itself rejects a VS routing to a subset the DR lacks', async () => {
    const rendered = renderRouter(makeRouter(CANARY, { name: KEY.name, namespace: NS }));
    await expect(cluster.context().apply(rendered.virtualService)).rejects.toThrow(/undefined subsets reviews: box-0999/);
  });

  it('writes nothing on a resync with nothing changed', async () => {
    cluster.put(routerObject({ ...CANARY, ownService: true }));
    await runUntilSettled(reconcile, cluster);
    const writes = cluster.writes.length;
    cluster.advance(60_000);
    for (let i = 0; i < 3; i++) expect(await reconcile(KEY, cluster.context())).toEqual({ kind: 'done' });
    expect(cluster.writes.length).toBe(writes);
    expect(cluster.applyCalls.slice(-3).map((c) => `${c.kind} ${c.outcome}`)).toEqual(['Service unchanged', 'Service unchanged', 'Service unchanged']);
  });

  it('deletes the Service it created when ownService is turned off', async () => {
    cluster.put(routerObject({ ...CANARY, ownService: true }));
    await runUntilSettled(reconcile, cluster);
    expect(cluster.get(SERVICE, KEY)).toBeDefined();
    editRouter(cluster, (spec) => {
      spec.ownService = false;
    });
    expect((await runUntilSettled(reconcile, cluster)).at(-1)).toEqual({ kind: 'done' });
    expect(cluster.get(SERVICE, KEY)).toBeUndefined();
    expect(cluster.events.map((e) => e.reason)).toContain('ServiceDeleted');
  });

  it('never deletes a Service it did not create', async () => {
    cluster.put({ apiVersion: 'v1', kind: 'Service', metadata: { name: KEY.name, namespace: NS }, spec: { selector: { app: 'reviews' }, ports: [{ port: 80 }] } });
    cluster.put(routerObject({ ...CANARY }));
    await runUntilSettled(reconcile, cluster);
    expect(cluster.get(SERVICE, KEY)).toBeDefined();
  });

  it('reports a hand-written VS as a Conflict, leaves it untouched and stops (terminal)', async () => {
    const before = cluster.put(handWrittenVs('v1'));
    cluster.put(routerObject(CANARY));
    const results = await runUntilSettled(reconcile, cluster);
    expect(results.at(-1)).toEqual({
      kind: 'terminal',
      reason: 'VirtualService shop/reviews already exists and is not managed by Switchyard; set spec.adopt: true to take it over',
    });
    expect(cluster.get(VIRTUAL_SERVICE, KEY)).toBe(before);
    expect(writesSince(cluster, 0)).toEqual(['create DestinationRule reviews']);
    const s = status(cluster);
    expect(s.phase).toBe('Conflict');
    expect(s.conditions?.find((c) => c.type === 'Conflict')).toMatchObject({ status: 'True', reason: 'UnmanagedObject' });
    expect(s.conditions?.find((c) => c.type === 'Conflict')?.message).toContain('VirtualService shop/reviews');
    expect(cluster.events.filter((e) => e.type === 'Warning').map((e) => e.reason)).toEqual(['Conflict']);
  });

  it('adopts a hand-written VS when spec.adopt is set', async () => {
    cluster.put(handWrittenVs('master-v1-0-1'));
    cluster.put(routerObject({ ...CANARY, adopt: true }));
    expect((await runUntilSettled(reconcile, cluster)).at(-1)).toEqual({ kind: 'done' });
    const vs = cluster.get<KubeObject & VirtualService>(VIRTUAL_SERVICE, KEY);
    expect(vs?.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('switchyard');
    expect(vs?.metadata.ownerReferences?.[0]?.name).toBe('reviews');
    expect(vs?.spec.http?.map((r) => r.name)).toEqual(['box-0999', 'master']);
    expect(status(cluster).phase).toBe('Ready');
  });

  it('adopting a hand-written DR/VS keeps their subsets until the VS no longer routes to them', async () => {
    cluster.put({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: KEY.name, namespace: NS },
      spec: { host: HOST, subsets: [{ name: 'legacy', labels: { app: 'reviews', version: 'legacy' } }] },
    });
    cluster.put(handWrittenVs('legacy'));
    cluster.put(routerObject({ ...CANARY, adopt: true }));
    // The routing cluster checks "every subset the live VS uses exists in the live DR" after every write.
    expect((await runUntilSettled(reconcile, cluster)).at(-1)).toEqual({ kind: 'done' });
    const drWrites = cluster.objectWrites().filter((w) => w.kind === 'DestinationRule').map((w) => (w.body as { spec: { subsets: { name: string }[] } }).spec.subsets.map((x) => x.name));
    expect(drWrites[0]).toContain('legacy');
    expect(drWrites.at(-1)).not.toContain('legacy');
    expect(status(cluster).phase).toBe('Ready');
  });

  it('reports an invalid spec as Invalid naming field, rule and value, writes nothing, and stops', async () => {
    cluster.put(routerObject({ port: 9090, subsets: [{ branch: 'master', versions: { a: 50, b: 45 } }] }));
    const message = 'spec.subsets[0].versions: weights of branch master must sum to 100 (got 95)';
    expect(await reconcile(KEY, cluster.context())).toEqual({ kind: 'terminal', reason: message });
    expect(writesSince(cluster, 0)).toEqual([]);
    expect(status(cluster)).toMatchObject({ phase: 'Invalid', observedGeneration: 1 });
    expect(status(cluster).conditions?.find((c) => c.type === 'Invalid')).toMatchObject({ status: 'True', reason: 'InvalidSpec', message });
  });

  it('reports a schema value error with the value received', async () => {
    cluster.put(routerObject({ port: 70000, subsets: [{ branch: 'master' }] }));
    const result = await reconcile(KEY, cluster.context());
    expect(result).toMatchObject({ kind: 'terminal' });
    expect(result.kind === 'terminal' && result.reason).toMatch(/^spec\.port: .*65535.* \(got 70000\)$/);
  });

  it('waits spec.propagation.settleDelay after each step', async () => {
    cluster.put(routerObject({ ...CANARY, propagation: { settleDelay: '2s' } }));
    const start = cluster.clockMs;
    await runUntilSettled(reconcile, cluster);
    expect(cluster.clockMs - start).toBe(4_000);
  });

  it('treats verified propagation as settle when no istiod is configured, and says so on the step', async () => {
    cluster.put(routerObject({ ...CANARY, propagation: { mode: 'verified' } }));
    await reconcile(KEY, cluster.context());
    expect(status(cluster).step?.message).toContain('spec.propagation.mode verified needs the controller started with --istiod-debug-url; waited the settle delay (50ms) instead');
  });

  it('reports a step that never takes as Degraded after the timeout and keeps applying it', async () => {
    cluster.put(routerObject(CANARY));
    await runUntilSettled(reconcile, cluster);
    const live = cluster.get(VIRTUAL_SERVICE, KEY) as KubeObject;
    // Another writer puts the old VS back after every write of ours.
    cluster.hooks.push((c, w) => {
      if (w.kind === 'VirtualService' && w.verb === 'update') c.put(structuredClone(live));
    });
    editRouter(cluster, (s) => (s.subsets[0]!.versions = { 'v1.0.1': 50, 'v1.0.2': 50 }));
    const slow = routerReconciler({ settleDelayMs: SETTLE_MS, timeoutMs: 120 });
    const phases: string[] = [];
    for (let i = 0; i < 4; i++) {
      expect(await slow(KEY, cluster.context())).toEqual({ kind: 'requeueAfter', ms: 0 });
      phases.push(status(cluster).phase ?? '');
    }
    expect(phases).toEqual(['Progressing', 'Progressing', 'Progressing', 'Degraded']);
    expect(status(cluster).conditions?.find((c) => c.type === 'Degraded')).toMatchObject({ status: 'True', reason: 'PropagationTimeout' });
    // kstatus: insufficient progress is Stalled (still retried), not Reconciling.
    expect(status(cluster).conditions?.slice(0, 3).map((c) => [c.type, c.status])).toEqual([['Ready', 'False'], ['Reconciling', 'False'], ['Stalled', 'True']]);
    expect(status(cluster).step).toMatchObject({ number: 1, total: 1, action: 'apply-virtual-service' });
    expect(cluster.events.filter((e) => e.reason === 'PropagationTimeout')).toHaveLength(1);
    expect(cluster.applyCalls.slice(-4).map((c) => `${c.kind} ${c.outcome}`)).toEqual(Array(4).fill('VirtualService updated'));
  });

  it('is done for an absent Router and for one being deleted, without writing', async () => {
    expect(await reconcile(KEY, cluster.context())).toEqual({ kind: 'done' });
    cluster.put({ ...routerObject(CANARY), metadata: { name: KEY.name, namespace: NS, deletionTimestamp: '2030-01-01T00:00:00Z' } });
    expect(await reconcile(KEY, cluster.context())).toEqual({ kind: 'done' });
    expect(cluster.writes).toEqual([]);
    expect(cluster.get(DESTINATION_RULE, KEY)).toBeUndefined();
  });
});
