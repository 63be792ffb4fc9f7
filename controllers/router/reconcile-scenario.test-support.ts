/** Shared set-up for the Router and IstioFilter reconcile tests: a fake cluster that checks the routing invariant after every write. */
import { API_VERSION } from '../../api/meta.ts';
import type { FilterPatch, IstioFilterSpec } from '../../api/istio-filter.ts';
import type { RouterSpec } from '../../api/router.ts';
import { isManaged } from '../../core/istio/ownership.ts';
import type { DestinationRule, VirtualService } from '../../core/istio/types.ts';
import { referencedSubsets } from '../../core/plan/referenced-subsets.ts';
import { FakeCluster } from '../../kube/fake-context.ts';
import { DESTINATION_RULE, ROUTER, VIRTUAL_SERVICE } from '../scheme.ts';
import type { KubeObject, ObjectKey, ReconcileResult, Reconciler } from '../../kube/types.ts';

export const NS = 'shop';
export const KEY: ObjectKey = { namespace: NS, name: 'reviews' };
export const HOST = 'reviews.shop.svc.cluster.local';
/** Settle delay the tests run with; the fake clock makes it free. */
export const SETTLE_MS = 50;

export const CANARY: RouterSpec = {
  port: 9090,
  subsets: [{ branch: 'master', versions: { 'v1.0.1': 90, 'v1.0.2': 10 } }, { branch: 'box-0999' }],
};

export function routerObject(spec: RouterSpec, name = KEY.name): KubeObject {
  return { apiVersion: API_VERSION, kind: 'Router', metadata: { name, namespace: NS }, spec };
}

export function filterObject(name: string, patches: FilterPatch[], spec: Partial<Omit<IstioFilterSpec, 'patches'>> = {}, createdSecondsAfterEpoch = 0): KubeObject {
  const creationTimestamp = new Date(Date.parse('2030-01-01T00:00:00Z') + createdSecondsAfterEpoch * 1000).toISOString();
  return { apiVersion: API_VERSION, kind: 'IstioFilter', metadata: { name, namespace: NS, creationTimestamp }, spec: { target: { router: KEY.name }, ...spec, patches } };
}

/**
 * Subsets that a Switchyard-managed live VirtualService routes or mirrors to and the live
 * DestinationRule of the same name does not define — each would be a 503 NR.
 */
export function missingSubsets(cluster: FakeCluster): string[] {
  const missing: string[] = [];
  for (const vs of cluster.list<KubeObject & VirtualService>(VIRTUAL_SERVICE)) {
    if (!isManaged(vs.metadata)) continue;
    const key = { namespace: vs.metadata.namespace ?? NS, name: vs.metadata.name };
    const dr = cluster.get<KubeObject & DestinationRule>(DESTINATION_RULE, key);
    const defined = new Set((dr?.spec.subsets ?? []).map((s) => s.name));
    const host = dr?.spec.host ?? vs.spec.hosts[0] ?? '';
    for (const s of referencedSubsets(vs, host)) if (!defined.has(s)) missing.push(`${key.name}: ${s}`);
  }
  return missing;
}

/** A fake cluster whose every write is followed by the invariant check; a violation fails the write (and the test). */
export function routingCluster(): FakeCluster {
  const cluster = new FakeCluster();
  cluster.hooks.push((c, write) => {
    const missing = missingSubsets(c);
    if (missing.length > 0) throw new Error(`invariant broken after ${write.verb} ${write.kind} ${write.name}: live VS routes to undefined subsets ${missing.join(', ')}`);
  });
  return cluster;
}

/** Runs `reconcile` until it stops asking for an immediate re-run; returns every result. */
export async function runUntilSettled(reconcile: Reconciler, cluster: FakeCluster, key: ObjectKey = KEY, limit = 10): Promise<ReconcileResult[]> {
  const results: ReconcileResult[] = [];
  for (let i = 0; i < limit; i++) {
    const result = await reconcile(key, cluster.context());
    results.push(result);
    if (result.kind !== 'requeueAfter' || result.ms > 0) return results;
  }
  throw new Error(`reconcile still progressing after ${limit} runs`);
}

/** Edits the Router's spec as a user would (generation bumps). */
export function editRouter(cluster: FakeCluster, edit: (spec: RouterSpec) => void, key: ObjectKey = KEY): void {
  cluster.edit<KubeObject & { spec: RouterSpec }>(ROUTER, key, (r) => edit(r.spec));
}

/** `kind name` of each object write since `from`, e.g. `update VirtualService reviews`. */
export function writesSince(cluster: FakeCluster, from: number): string[] {
  return cluster.writes.slice(from).filter((w) => w.verb !== 'status').map((w) => `${w.verb} ${w.kind} ${w.name}`);
}

/** Messages of StepApplied events since `from`. */
export function stepEventsSince(cluster: FakeCluster, from: number): string[] {
  return cluster.events.slice(from).filter((e) => e.reason === 'StepApplied').map((e) => e.message);
}
