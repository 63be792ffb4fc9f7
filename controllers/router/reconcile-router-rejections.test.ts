import { beforeEach, describe, expect, it } from 'vitest';
import type { IstioFilterStatus } from '../../api/istio-filter.ts';
import type { RouterStatus } from '../../api/router.ts';
import type { DestinationRule, VirtualService } from '../../core/istio/types.ts';
import type { FakeCluster } from '../../kube/fake-context.ts';
import type { KubeObject } from '../../kube/types.ts';
import { filterReconciler } from '../filters/reconcile-filter.ts';
import { DESTINATION_RULE, ISTIO_FILTER, ROUTER, VIRTUAL_SERVICE } from '../scheme.ts';
import { routerReconciler } from './reconcile-router.ts';
import { CANARY, editRouter, filterObject, KEY, NS, routerObject, routingCluster, runUntilSettled, SETTLE_MS, writesSince } from './reconcile-scenario.test-support.ts';
import { ServerRejections } from './server-rejections.ts';

/** A cluster policy webhook (Gatekeeper, Kyverno…) capping retries: no offline check can know of it. */
const POLICY = 'admission webhook "routes.policy.example.com" denied the request: retries.attempts must be at most 5 in this cluster';
const ISTIOD = 'admission webhook "validation.istio.io" denied the request: configuration is invalid: ';
const UPGRADE = `${ISTIOD}use client protocol must not be true when H2UpgradePolicy is UPGRADE`;
const EJECTION = `${ISTIOD}percentage 150 is not in range 0..100`;
const MANY_RETRIES = { retries: { attempts: 10 } };
const UPGRADE_POLICY = { trafficPolicy: { connectionPool: { http: { useClientProtocol: true, h2UpgradePolicy: 'UPGRADE' } } } };

type PolicyFields = { connectionPool?: { http?: Record<string, unknown> }; outlierDetection?: { maxEjectionPercent?: number } };

/** The API server's admission chain in these tests: the policy webhook, and two of istiod's DestinationRule rules (pkg/config/validation). */
function admission(obj: KubeObject): string | undefined {
  if (obj.kind === 'VirtualService') {
    const routes = (obj.spec as VirtualService['spec']).http ?? [];
    return routes.some((r) => (r.retries?.attempts ?? 0) > 5) ? POLICY : undefined;
  }
  const policy = (obj.spec as DestinationRule['spec'] & { trafficPolicy?: PolicyFields }).trafficPolicy;
  if (policy?.connectionPool?.http?.useClientProtocol === true && policy.connectionPool.http.h2UpgradePolicy === 'UPGRADE') return UPGRADE;
  return (policy?.outlierDetection?.maxEjectionPercent ?? 0) > 100 ? EJECTION : undefined;
}

let cluster: FakeCluster;
let rejections: ServerRejections;
let reconcile: ReturnType<typeof routerReconciler>;
let dryRuns: number;
let refusedWrites: number;

beforeEach(async () => {
  cluster = routingCluster();
  rejections = new ServerRejections();
  reconcile = routerReconciler({ settleDelayMs: SETTLE_MS, rejections });
  dryRuns = 0;
  refusedWrites = 0;
  cluster.admission.push((obj, dryRun) => {
    if (dryRun) dryRuns++;
    const refusal = admission(obj);
    if (refusal !== undefined && !dryRun) refusedWrites++;
    return refusal;
  });
  cluster.put(routerObject(CANARY));
  await runUntilSettled(reconcile, cluster);
});

function routerStatus(): RouterStatus {
  return cluster.get(ROUTER, KEY)?.status as RouterStatus;
}
function filterStatus(name: string): IstioFilterStatus {
  return cluster.get(ISTIO_FILTER, { namespace: NS, name })?.status as IstioFilterStatus;
}
function masterRoute(): NonNullable<VirtualService['spec']['http']>[number] | undefined {
  return cluster.get<KubeObject & VirtualService>(VIRTUAL_SERVICE, KEY)?.spec.http?.find((r) => r.name === 'master');
}
function readyAtCurrentGeneration(): boolean {
  const s = routerStatus();
  return s.phase === 'Ready' && s.observedGeneration === cluster.get(ROUTER, KEY)?.metadata.generation;
}

describe('routerReconciler: objects the API server refuses', () => {
  it('skips a filter whose result the API server refuses, applies the rest, and keeps applying Router edits', async () => {
    cluster.put(filterObject('timeout', [{ timeout: '2s' }]));
    cluster.put(filterObject('greedy', [MANY_RETRIES], { priority: 10 }));
    expect((await runUntilSettled(reconcile, cluster)).at(-1)).toEqual({ kind: 'done' });
    expect(readyAtCurrentGeneration()).toBe(true);
    expect(masterRoute()).toMatchObject({ timeout: '2s' });
    expect(masterRoute()?.retries).toBeUndefined();
    expect(routerStatus().conditions?.[0]?.message).toBe('live routing matches the spec; filters: 1 applied, 1 skipped (rejected by the API server: IstioFilter shop/greedy), 0 expired');
    const warnings = cluster.events.filter((e) => e.type === 'Warning');
    expect(warnings.map((e) => `${e.object} ${e.reason}`)).toEqual(['IstioFilter shop/greedy RejectedByServer', 'Router shop/reviews FilterRejected']);
    expect(warnings[0]?.message).toBe(`the API server rejected VirtualService shop/reviews with this filter applied: ${POLICY}; Router reviews applies the rest without it`);
    // One refused write, one dry run: the Router alone is what is live already (nothing to ask), the chain without its last filter is accepted.
    expect([refusedWrites, dryRuns]).toEqual([1, 1]);
    await filterReconciler({ rejections })({ namespace: NS, name: 'greedy' }, cluster.context());

    editRouter(cluster, (spec) => (spec.subsets[0]!.versions = { 'v1.0.1': 50, 'v1.0.2': 50 }));
    expect((await runUntilSettled(reconcile, cluster)).at(-1)).toEqual({ kind: 'done' });
    expect(readyAtCurrentGeneration()).toBe(true);
    expect(masterRoute()?.route?.map((d) => d.weight)).toEqual([50, 50]);
    // A new Router generation asks the API server again, once; the filter's status already says it, so no new event.
    expect(refusedWrites).toBe(2);
    expect(cluster.events.filter((e) => e.type === 'Warning')).toHaveLength(2);
  });

  it('reports the refusal on the filter, as the Router lays it out, with the server’s message', async () => {
    cluster.put(filterObject('greedy', [MANY_RETRIES]));
    await runUntilSettled(reconcile, cluster);
    expect(await filterReconciler({ rejections })({ namespace: NS, name: 'greedy' }, cluster.context())).toEqual({ kind: 'done' });
    const s = filterStatus('greedy');
    expect(s).toMatchObject({ phase: 'Skipped', position: 1, chainLength: 1, patches: [{ index: 0, type: 'retries', applied: false, reason: 'rolled back: rejected by the API server' }] });
    expect(s.message).toBe(`skipped: the API server rejected the result: ${POLICY} (Router reviews, position 1/1)`);
    expect(s.conditions?.[0]).toMatchObject({ type: 'Ready', status: 'False', reason: 'RejectedByServer' });
  });

  it('finds the refused filter in a long chain with a few dry runs, and keeps the ones after it', async () => {
    for (let i = 0; i < 5; i++) cluster.put(filterObject(`f${i}`, i === 2 ? [MANY_RETRIES] : [{ timeout: `${i + 1}s` }, { headers: { response: { set: { [`x-f${i}`]: 'yes' } } } }], { priority: i }));
    await runUntilSettled(reconcile, cluster);
    expect(readyAtCurrentGeneration()).toBe(true);
    expect(masterRoute()).toMatchObject({ timeout: '5s', headers: { response: { set: { 'x-f0': 'yes', 'x-f1': 'yes', 'x-f3': 'yes', 'x-f4': 'yes' } } } });
    expect(masterRoute()?.retries).toBeUndefined();
    expect(cluster.events.filter((e) => e.reason === 'RejectedByServer').map((e) => e.object)).toEqual(['IstioFilter shop/f2']);
    expect(dryRuns).toBeLessThanOrEqual(5);
  });

  it('asks again when the refused filter changes, and applies it once it is accepted', async () => {
    cluster.put(filterObject('greedy', [MANY_RETRIES]));
    await runUntilSettled(reconcile, cluster);
    cluster.edit<KubeObject & { spec: { patches: unknown[] } }>(ISTIO_FILTER, { namespace: NS, name: 'greedy' }, (f) => (f.spec.patches = [{ retries: { attempts: 5 } }]));
    await runUntilSettled(reconcile, cluster);
    expect(masterRoute()?.retries).toEqual({ attempts: 5 });
    await filterReconciler({ rejections })({ namespace: NS, name: 'greedy' }, cluster.context());
    expect(filterStatus('greedy')).toMatchObject({ phase: 'Applied' });
  });

  it('after a restart, the filter keeps its refusal until the Router has asked again; the Router finds it again without new events', async () => {
    cluster.put(filterObject('greedy', [MANY_RETRIES]));
    await runUntilSettled(reconcile, cluster);
    await filterReconciler({ rejections })({ namespace: NS, name: 'greedy' }, cluster.context());
    const before = cluster.get(ISTIO_FILTER, { namespace: NS, name: 'greedy' });
    const restarted = new ServerRejections();
    await filterReconciler({ rejections: restarted })({ namespace: NS, name: 'greedy' }, cluster.context());
    expect(cluster.get(ISTIO_FILTER, { namespace: NS, name: 'greedy' })).toBe(before);
    const mark = cluster.writes.length;
    const events = cluster.events.length;
    await runUntilSettled(routerReconciler({ settleDelayMs: SETTLE_MS, rejections: restarted }), cluster);
    expect(writesSince(cluster, mark)).toEqual([]);
    expect(cluster.events.length).toBe(events);
    await filterReconciler({ rejections: restarted })({ namespace: NS, name: 'greedy' }, cluster.context());
    expect(filterStatus('greedy').phase).toBe('Skipped');
  });

  it('turns the Router Invalid when its own object is refused, keeps what it applied, and does not retry until something changes', async () => {
    const liveDr = cluster.get(DESTINATION_RULE, KEY);
    cluster.put(filterObject('retries', [{ retries: { attempts: 3 } }]));
    editRouter(cluster, (spec) => (spec.trafficPolicy = { outlierDetection: { maxEjectionPercent: 150 } }));
    const result = await reconcile(KEY, cluster.context());
    const message = `DestinationRule shop/reviews rejected by the API server: ${EJECTION}; the objects applied before stay live`;
    expect(result).toEqual({ kind: 'terminal', reason: message });
    expect(routerStatus()).toMatchObject({ phase: 'Invalid', observedGeneration: 2 });
    expect(routerStatus().conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'RejectedByServer', message });
    expect(cluster.get(DESTINATION_RULE, KEY)).toBe(liveDr);
    expect(cluster.events.filter((e) => e.reason === 'RejectedByServer').map((e) => e.object)).toEqual(['Router shop/reviews']);
    // The filter was never blamed: the Router alone is refused (one dry run).
    expect([refusedWrites, dryRuns]).toEqual([1, 1]);

    // A resync, or a filter change that does not change the refused object: no write, no new event.
    cluster.advance(60_000);
    expect(await reconcile(KEY, cluster.context())).toEqual(result);
    expect([refusedWrites, cluster.events.filter((e) => e.reason === 'RejectedByServer').length]).toEqual([1, 1]);

    editRouter(cluster, (spec) => (spec.trafficPolicy = { outlierDetection: { maxEjectionPercent: 50 } }));
    expect((await runUntilSettled(reconcile, cluster)).at(-1)).toEqual({ kind: 'done' });
    expect(readyAtCurrentGeneration()).toBe(true);
  });

  it('traces a refused DestinationRule to its filter too, and applies the Router’s changes without it', async () => {
    cluster.put(filterObject('pool', [UPGRADE_POLICY]));
    editRouter(cluster, (spec) => (spec.subsets[0]!.versions = { 'v1.0.2': 100 }));
    expect((await runUntilSettled(reconcile, cluster)).at(-1)).toEqual({ kind: 'done' });
    expect(readyAtCurrentGeneration()).toBe(true);
    const dr = cluster.get<KubeObject & DestinationRule>(DESTINATION_RULE, KEY);
    expect(dr?.spec.subsets?.map((x) => x.name)).toEqual(['master-v1-0-2', 'box-0999']);
    expect(dr?.spec.trafficPolicy).toBeUndefined();
    expect(cluster.events.filter((e) => e.reason === 'RejectedByServer').map((e) => [e.object, e.message])).toEqual([
      ['IstioFilter shop/pool', `the API server rejected DestinationRule shop/reviews with this filter applied: ${UPGRADE}; Router reviews applies the rest without it`],
    ]);
  });

  it('is Degraded, never Ready, while a write fails for another reason, and retries it', async () => {
    cluster.hooks.push((_, w) => {
      if (w.kind === 'VirtualService') throw new Error('HTTP 503: etcdserver: request timed out');
    });
    editRouter(cluster, (spec) => (spec.subsets[0]!.versions = { 'v1.0.1': 50, 'v1.0.2': 50 }));
    await expect(reconcile(KEY, cluster.context())).rejects.toThrow(/request timed out/);
    expect(routerStatus()).toMatchObject({ phase: 'Degraded', observedGeneration: 2 });
    expect(routerStatus().conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ApplyFailed' });
  });
});
