import { beforeEach, describe, expect, it } from 'vitest';
import type { RateLimitSpec, RateLimitStatus } from '../../api/rate-limit.ts';
import { FakeCluster } from '../../kube/fake-context.ts';
import { ENVOY_FILTER, RATE_LIMIT } from '../scheme.ts';
import type { KubeObject } from '../../kube/types.ts';
import { rateLimitOf, SEED_SPEC } from '../../core/ratelimit/rate-limit-fixture.test-support.ts';
import { SEED_ROUTER } from '../../core/ratelimit/host-backends-fixture.test-support.ts';
import { rateLimitReconciler } from './reconcile-rate-limit.ts';

const NS = 'sm-verify';
const KEY = { namespace: NS, name: 'page-show' };
const CLUSTER_NAME = 'outbound|8081||rls.test.svc.cluster.local';
const reconcile = rateLimitReconciler({ serviceCluster: CLUSTER_NAME });

function put(cluster: FakeCluster, spec: RateLimitSpec): void {
  cluster.put(rateLimitOf(spec) as KubeObject);
}
function status(cluster: FakeCluster): RateLimitStatus {
  return cluster.get(RATE_LIMIT, KEY)?.status as RateLimitStatus;
}
function envoyFilter(name: string, labels: Record<string, string> | undefined): KubeObject {
  return { apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: { name, namespace: NS, ...(labels ? { labels } : {}) }, spec: { configPatches: [] } };
}
const objectWrites = (c: FakeCluster): string[] => c.objectWrites().map((w) => `${w.verb} ${w.kind} ${w.name}`);

let cluster: FakeCluster;
beforeEach(() => {
  cluster = new FakeCluster();
  // The Router serving the seed RateLimit's host: its pods are what the RateLimit limits.
  cluster.put(SEED_ROUTER as KubeObject);
});

describe('rateLimitReconciler', () => {
  it('applies the EnvoyFilter and reports descriptor key, domain and the generated object', async () => {
    put(cluster, SEED_SPEC);
    expect(await reconcile(KEY, cluster.context())).toEqual({ kind: 'done' });
    expect(objectWrites(cluster)).toEqual(['create EnvoyFilter page-show-ratelimit']);
    const ef = cluster.get(ENVOY_FILTER, { namespace: NS, name: 'page-show-ratelimit' });
    expect(JSON.stringify(ef?.spec)).toContain(CLUSTER_NAME);
    expect(ef?.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'switchyard', 'switchyard.io/owner': 'ratelimit.page-show' });
    expect(status(cluster)).toMatchObject({
      phase: 'Ready',
      observedGeneration: 1,
      descriptorKey: 'switchyard_ratelimit=sm-verify.page-show',
      domain: 'switchyard',
      envoyFilters: [{ apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', name: 'page-show-ratelimit', namespace: NS }],
    });
    expect(status(cluster).conditions?.[0]).toMatchObject({ type: 'Ready', status: 'True', reason: 'Applied' });
    expect(cluster.events.map((e) => e.reason)).toEqual(['EnvoyFilterApplied']);
  });

  it('writes nothing on a resync or a quota edit (the quota lives in the rate-limit service), and updates in place on a stage edit', async () => {
    put(cluster, SEED_SPEC);
    await reconcile(KEY, cluster.context());
    const writes = cluster.writes.length;
    cluster.advance(60_000);
    await reconcile(KEY, cluster.context());
    expect(cluster.writes.length).toBe(writes);
    cluster.edit(RATE_LIMIT, KEY, (rl) => ((rl.spec as RateLimitSpec).quota = 900));
    await reconcile(KEY, cluster.context());
    expect(objectWrites(cluster)).toEqual(['create EnvoyFilter page-show-ratelimit']);
    cluster.edit(RATE_LIMIT, KEY, (rl) => ((rl.spec as RateLimitSpec).stage = 2));
    await reconcile(KEY, cluster.context());
    expect(objectWrites(cluster)).toEqual(['create EnvoyFilter page-show-ratelimit', 'update EnvoyFilter page-show-ratelimit']);
    expect(status(cluster).observedGeneration).toBe(3);
  });

  it('deletes its own EnvoyFilters that are no longer rendered, and nobody else’s', async () => {
    cluster.put(envoyFilter('page-show-old', { 'app.kubernetes.io/managed-by': 'switchyard', 'switchyard.io/owner': 'ratelimit.page-show' }));
    cluster.put(envoyFilter('other-ratelimit', { 'app.kubernetes.io/managed-by': 'switchyard', 'switchyard.io/owner': 'ratelimit.other' }));
    cluster.put(envoyFilter('hand-written', undefined));
    put(cluster, SEED_SPEC);
    await reconcile(KEY, cluster.context());
    expect(objectWrites(cluster)).toEqual(['create EnvoyFilter page-show-ratelimit', 'delete EnvoyFilter page-show-old']);
    expect(cluster.list(ENVOY_FILTER).map((o) => o.metadata.name).sort()).toEqual(['hand-written', 'other-ratelimit', 'page-show-ratelimit']);
  });

  it('reports a spec the renderer rejects as Invalid and stops (terminal)', async () => {
    put(cluster, { ...SEED_SPEC, match: { remoteAddress: 'fd00::/8' } });
    const message = 'spec.match.remoteAddress: IPv6 addresses are not supported yet (got "fd00::/8")';
    expect(await reconcile(KEY, cluster.context())).toEqual({ kind: 'terminal', reason: message });
    expect(objectWrites(cluster)).toEqual([]);
    expect(status(cluster)).toMatchObject({ phase: 'Invalid' });
    expect(status(cluster).conditions?.find((c) => c.type === 'Invalid')).toMatchObject({ status: 'True', reason: 'InvalidSpec', message });
  });

  it('reports a schema violation as Invalid naming field, rule and value', async () => {
    put(cluster, { ...SEED_SPEC, quota: 0 });
    expect(await reconcile(KEY, cluster.context())).toEqual({ kind: 'terminal', reason: 'spec.quota: quota must be greater than 0 (got 0)' });
    expect(status(cluster).phase).toBe('Invalid');
  });

  it('reports an unmanaged EnvoyFilter of the same name as a Conflict and leaves it alone', async () => {
    const before = cluster.put(envoyFilter('page-show-ratelimit', undefined));
    put(cluster, SEED_SPEC);
    const result = await reconcile(KEY, cluster.context());
    expect(result).toEqual({
      kind: 'terminal',
      reason: 'EnvoyFilter sm-verify/page-show-ratelimit already exists and is not managed by Switchyard; rename the RateLimit or remove that object',
    });
    expect(cluster.get(ENVOY_FILTER, { namespace: NS, name: 'page-show-ratelimit' })).toBe(before);
    expect(status(cluster)).toMatchObject({ phase: 'Conflict' });
    expect(cluster.events.map((e) => `${e.type} ${e.reason}`)).toEqual(['Warning Conflict']);
  });

  it('is done for an absent RateLimit', async () => {
    expect(await reconcile(KEY, cluster.context())).toEqual({ kind: 'done' });
    expect(cluster.writes).toEqual([]);
  });
});
