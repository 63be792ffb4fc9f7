import { beforeEach, describe, expect, it } from 'vitest';
import type { RateLimitSpec, RateLimitStatus } from '../../api/rate-limit.ts';
import type { RouterSpec } from '../../api/router.ts';
import { routerOf, SEED_ROUTER, serviceOf } from '../../core/ratelimit/host-backends-fixture.test-support.ts';
import { rateLimitOf, SEED_SPEC } from '../../core/ratelimit/rate-limit-fixture.test-support.ts';
import { FakeCluster } from '../../kube/fake-context.ts';
import type { KubeObject } from '../../kube/types.ts';
import { ENVOY_FILTER, RATE_LIMIT, ROUTER } from '../scheme.ts';
import { hostRateLimitKeys, rateLimitController } from './rate-limit-controller.ts';
import { HOST_RECHECK_MS, rateLimitReconciler } from './reconcile-rate-limit.ts';

const NS = 'sm-verify';
const KEY = { namespace: NS, name: 'page-show' };
const EF_KEY = { namespace: NS, name: 'page-show-ratelimit' };
const HOST = 'sm-verify-page.sm-verify.svc.cluster.local';
const reconcile = rateLimitReconciler({ serviceCluster: 'outbound|8081||rls.test.svc.cluster.local' });

let cluster: FakeCluster;
beforeEach(() => {
  cluster = new FakeCluster();
});

const put = (spec: RateLimitSpec): void => void cluster.put(rateLimitOf(spec) as KubeObject);
const status = (): RateLimitStatus => cluster.get(RATE_LIMIT, KEY)?.status as RateLimitStatus;
const selector = (): unknown => (cluster.get(ENVOY_FILTER, EF_KEY)?.spec as { workloadSelector?: unknown } | undefined)?.workloadSelector;
const objectWrites = (): string[] => cluster.objectWrites().map((w) => `${w.verb} ${w.kind} ${w.name}`);
const warnings = (): string[] => cluster.events.filter((e) => e.type === 'Warning').map((e) => `${e.reason}: ${e.message}`);

const UNRESOLVED = `spec.hosts[0]: no workload to limit: no Router routes ${HOST} and no Service sm-verify/sm-verify-page; create the Router or Service, or name the pods with workloadSelector (got "${HOST}:80")`;

describe('a RateLimit limits the workloads behind its hosts', () => {
  it('selects the pods of the host\'s Router, done (a Router change is watched)', async () => {
    cluster.put(SEED_ROUTER as KubeObject);
    put(SEED_SPEC);
    expect(await reconcile(KEY, cluster.context())).toEqual({ kind: 'done' });
    expect(selector()).toEqual({ labels: { app: 'sm-verify-page' } });
    expect(cluster.get(ENVOY_FILTER, EF_KEY)?.metadata.namespace).toBe(NS);
    expect(status().phase).toBe('Ready');
  });

  it('selects the pods of a hand-written Service (read past the cache) and looks again later, as no event says it changed', async () => {
    cluster.put({ apiVersion: 'v1', kind: 'Service', ...serviceOf('sm-verify-page', NS, { app: 'legacy' }) } as KubeObject);
    put(SEED_SPEC);
    expect(await reconcile(KEY, cluster.context())).toEqual({ kind: 'requeueAfter', ms: HOST_RECHECK_MS });
    expect(selector()).toEqual({ labels: { app: 'legacy' } });
  });

  it('follows the Router: a selector edit updates the EnvoyFilter in place', async () => {
    cluster.put(SEED_ROUTER as KubeObject);
    put(SEED_SPEC);
    await reconcile(KEY, cluster.context());
    cluster.edit(ROUTER, { namespace: NS, name: 'sm-verify-page' }, (r) => ((r.spec as RouterSpec).selector = { app: 'page', tier: 'web' }));
    await reconcile(KEY, cluster.context());
    expect(selector()).toEqual({ labels: { app: 'page', tier: 'web' } });
    expect(objectWrites()).toEqual(['create EnvoyFilter page-show-ratelimit', 'update EnvoyFilter page-show-ratelimit']);
  });

  it('limits every workload of the namespace only when asked with workloadSelector: {}', async () => {
    put({ ...SEED_SPEC, workloadSelector: {} });
    expect(await reconcile(KEY, cluster.context())).toEqual({ kind: 'done' });
    expect(cluster.get(ENVOY_FILTER, EF_KEY)).toBeDefined();
    expect(selector()).toBeUndefined();
  });
});

describe('a RateLimit whose hosts lead to no workloads', () => {
  it('is Pending with the reason, applies nothing, warns once, and looks again', async () => {
    put(SEED_SPEC);
    expect(await reconcile(KEY, cluster.context())).toEqual({ kind: 'requeueAfter', ms: HOST_RECHECK_MS });
    expect(objectWrites()).toEqual([]);
    expect(status()).toMatchObject({ phase: 'Pending', observedGeneration: 1 });
    expect(status().conditions).toEqual([
      expect.objectContaining({ type: 'Ready', status: 'False', reason: 'HostUnresolved', message: UNRESOLVED }),
      expect.objectContaining({ type: 'Reconciling', status: 'True', reason: 'HostUnresolved', message: UNRESOLVED }),
      expect.objectContaining({ type: 'Stalled', status: 'False', reason: 'HostUnresolved' }),
    ]);
    expect(status().envoyFilters).toBeUndefined();
    const writes = cluster.writes.length;
    cluster.advance(HOST_RECHECK_MS);
    await reconcile(KEY, cluster.context());
    expect(cluster.writes.length).toBe(writes);
    expect(warnings()).toEqual([`HostUnresolved: ${UNRESOLVED}`]);
  });

  it('becomes Ready once its Router appears, which the Router watch maps back to it', async () => {
    put(SEED_SPEC);
    await reconcile(KEY, cluster.context());
    const router = cluster.put(SEED_ROUTER as KubeObject);
    const watch = rateLimitController().watches.find((w) => w.kind === ROUTER);
    expect(watch?.map(router, cluster.cache)).toEqual([KEY]);
    expect(await reconcile(KEY, cluster.context())).toEqual({ kind: 'done' });
    expect(status().phase).toBe('Ready');
    expect(selector()).toEqual({ labels: { app: 'sm-verify-page' } });
  });

  it('removes its EnvoyFilter when the Router goes away, and an unscoped one an older version applied', async () => {
    cluster.put(SEED_ROUTER as KubeObject);
    put(SEED_SPEC);
    await reconcile(KEY, cluster.context());
    cluster.remove(ROUTER, { namespace: NS, name: 'sm-verify-page' });
    await reconcile(KEY, cluster.context());
    expect(objectWrites()).toEqual(['create EnvoyFilter page-show-ratelimit', 'delete EnvoyFilter page-show-ratelimit']);
    expect(status().phase).toBe('Pending');
  });

  it('is Invalid when a host names a Service of another namespace (the EnvoyFilter would land beside the wrong pods)', async () => {
    cluster.put(routerOf('page', 'other', 80) as KubeObject);
    put({ ...SEED_SPEC, hosts: ['page.other.svc.cluster.local:80'] });
    const message = 'spec.hosts[0]: names a service of namespace other; a server-side RateLimit limits workloads of its own namespace (sm-verify), create it in namespace other (got "page.other.svc.cluster.local:80")';
    expect(await reconcile(KEY, cluster.context())).toEqual({ kind: 'terminal', reason: message });
    expect(status()).toMatchObject({ phase: 'Invalid' });
    expect(objectWrites()).toEqual([]);
  });
});

describe('a RateLimit that can no longer be enforced as written', () => {
  it('removes the EnvoyFilter it applied when an edit makes it Invalid', async () => {
    cluster.put(SEED_ROUTER as KubeObject);
    put(SEED_SPEC);
    await reconcile(KEY, cluster.context());
    cluster.edit(RATE_LIMIT, KEY, (rl) => ((rl.spec as RateLimitSpec).hosts = ['page.other.svc.cluster.local:80']));
    expect((await reconcile(KEY, cluster.context())).kind).toBe('terminal');
    expect(objectWrites()).toEqual(['create EnvoyFilter page-show-ratelimit', 'delete EnvoyFilter page-show-ratelimit']);
    expect(status()).toMatchObject({ phase: 'Invalid', observedGeneration: 2 });
  });
});

describe('hostRateLimitKeys', () => {
  it('maps a Router to the RateLimits of its namespace that name hosts', () => {
    put(SEED_SPEC);
    cluster.put(rateLimitOf({ ...SEED_SPEC, hosts: undefined, workloadSelector: { labels: { app: 'x' } } }, 'by-labels') as KubeObject);
    cluster.put(rateLimitOf(SEED_SPEC, 'elsewhere', 'other') as KubeObject);
    expect(hostRateLimitKeys(SEED_ROUTER as KubeObject, cluster.cache)).toEqual([KEY]);
  });
});
