import { HttpMethod, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimit, RateLimitSpec } from '../api/rate-limit.ts';
import { applyObjects } from '../kube/apply-as-user.ts';
import { KubeClient, loadKubeConfig } from '../kube/kube-client.ts';
import type { KubeObject } from '../kube/types.ts';
import { KUBE_ORIGIN, KubeQuotaSource } from '../ratelimit/config/kube-quota-source.ts';
import { rateLimitDescriptor } from '../core/ratelimit/descriptor.ts';
import { silentLogger } from '../ratelimit/service/json-logger.ts';
import { startHarness, type Harness } from '../ratelimit/service/rls-harness.test-support.ts';
import { MemoryStore } from '../ratelimit/store/memory-store.ts';
import { startControlPlane, type ControlPlane } from '../dev/control-plane.ts';
import { eventually } from './support/eventually.ts';

/** IPv6 networks pass the schema, but the service cannot serve them yet (see core/ratelimit/remote-address.ts). */
const IPV6 = 'fd00::/8';
const IPV6_PROBLEM = `spec.match.remoteAddress: IPv6 addresses are not supported yet (got "${IPV6}")`;
/** Rebuilds 20 ms after a change: the test waits on watch latency, not on the production debounce. */
const TEST_DEBOUNCE_MS = 20;
/** The watch resumes with backoff after the API server comes back; a few seconds, bounded here. */
const RESTART_TIMEOUT_MS = 30_000;

/** A RateLimit as a user would apply it (the seed: `:path` exact /Page.Show in sm-verify). */
function rateLimitOf(name: string, spec: Partial<RateLimitSpec>): RateLimit {
  const seed: RateLimitSpec = { hosts: ['sm-verify-page.sm-verify.svc.cluster.local:80'], match: { headers: [{ key: ':path', matchType: 'exact', value: '/Page.Show' }] }, quota: 800, stage: 1, unit: 'SECOND' };
  return { apiVersion: 'switchyard.io/v1alpha1', kind: 'RateLimit', metadata: { name, namespace: 'sm-verify' }, spec: { ...seed, ...spec } };
}

const pageShow = (spec: Partial<RateLimitSpec>) => rateLimitOf('page-show', spec);
const ipv6Match = { match: { remoteAddress: IPV6 } };
const descriptor = rateLimitDescriptor(pageShow({}));
/** The decider's clock: pinned mid-minute so a window never rolls over during a count; moved on to start a fresh window. */
let clock = Date.UTC(2026, 0, 1, 0, 0, 30);

let cp: ControlPlane;
let admin: KubeClient;
let source: KubeQuotaSource;
let h: Harness;
const failures: string[] = [];

beforeAll(async () => {
  cp = await startControlPlane({ installCrds: true });
  admin = new KubeClient(loadKubeConfig({ path: cp.kubeconfigPath }));
  source = await KubeQuotaSource.start({ kubeConfig: loadKubeConfig({ path: cp.kubeconfigPath }), log: silentLogger, debounceMs: TEST_DEBOUNCE_MS });
  source.onReloadFailed((err) => failures.push(err.message));
  h = await startHarness(source, new MemoryStore(), { now: () => clock });
});

afterAll(async () => {
  await h?.close();
  await cp?.stop();
});

async function apply(...objects: RateLimit[]): Promise<void> {
  await applyObjects(admin, objects as unknown as KubeObject[]);
}

async function remove(name: string): Promise<void> {
  await admin.request(HttpMethod.DELETE, `/apis/switchyard.io/v1alpha1/namespaces/sm-verify/ratelimits/${name}`);
}

/** The limit the running service applies to the seed's descriptor (checked without counting). */
async function servedLimit(): Promise<{ requests_per_unit: number; unit: string } | null | undefined> {
  const req = { domain: descriptor.domain, descriptors: [{ entries: descriptor.entries, limit: null, hits_addend: null }], hits_addend: 1 };
  return (await h.service.decider.decide(req, { count: false })).statuses[0]?.current_limit;
}

/** Sends `n` ShouldRateLimit calls over gRPC in a fresh window; returns the overall codes. */
async function countInFreshWindow(n: number): Promise<string[]> {
  clock += 60_000;
  const codes: string[] = [];
  for (let i = 0; i < n; i += 1) codes.push((await h.call({ domain: descriptor.domain, descriptors: [{ entries: descriptor.entries }] })).overall_code as string);
  return codes;
}

async function debugQuotas(): Promise<{ loaded: boolean; origin?: string; entries: { id: string; requestsPerUnit: number; unit: string }[] }> {
  return (await (await h.http('/debug/quotas')).json()) as never;
}

describe('rate-limit service with quotas from RateLimit resources (real API server)', () => {
  it('is not ready before the first list, and serves nothing meanwhile', async () => {
    const unreachable = new KubeConfig();
    unreachable.loadFromOptions({
      clusters: [{ name: 'none', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
      users: [{ name: 'nobody' }],
      contexts: [{ name: 'none', cluster: 'none', user: 'nobody' }],
      currentContext: 'none',
    });
    const waiting = await KubeQuotaSource.start({ kubeConfig: unreachable, log: silentLogger });
    const early = await startHarness(waiting, new MemoryStore());
    try {
      expect([(await early.http('/healthz')).status, (await early.http('/readyz')).status]).toEqual([200, 503]);
      expect(await (await early.http('/readyz')).text()).toBe('not ready: no quota table loaded\n');
      expect(await (await early.http('/debug/quotas')).json()).toEqual({ loaded: false, entries: [] });
    } finally {
      await early.close();
    }
    expect(await waiting.waitForSync()).toBe(false);
  });

  it('becomes ready with an empty table once the first list completes', async () => {
    expect(await source.waitForSync()).toBe(true);
    expect((await h.http('/readyz')).status).toBe(200);
    expect(await debugQuotas()).toMatchObject({ loaded: true, origin: KUBE_ORIGIN, entries: [] });
  });

  it('serves the seed RateLimit as soon as it is applied, under the descriptor Envoy sends', async () => {
    await apply(pageShow({}));
    await eventually('quota 800 served', async () => (await servedLimit())?.requests_per_unit === 800);
    expect((await debugQuotas()).entries.map((e) => [e.id, e.requestsPerUnit, e.unit])).toEqual([['sm-verify/page-show', 800, 'SECOND']]);
  });

  it('applies an edit without a restart and limits at the quota', async () => {
    await apply(pageShow({ quota: 3, unit: 'MINUTE' }));
    await eventually('quota 3/MINUTE served', async () => (await servedLimit())?.requests_per_unit === 3);
    expect(await countInFreshWindow(4)).toEqual(['OK', 'OK', 'OK', 'OVER_LIMIT']);
    await apply(pageShow({ quota: 5, unit: 'MINUTE' }));
    await eventually('quota 5/MINUTE served', async () => (await servedLimit())?.requests_per_unit === 5);
    expect(await countInFreshWindow(6)).toEqual(['OK', 'OK', 'OK', 'OK', 'OK', 'OVER_LIMIT']);
  });

  it('leaves out a RateLimit it cannot serve and keeps the others live', async () => {
    await apply(rateLimitOf('by-ipv6', ipv6Match));
    await eventually('the unservable RateLimit reported', () => failures.some((f) => f.includes('sm-verify/by-ipv6')));
    expect(source.problems()).toEqual([{ id: 'sm-verify/by-ipv6', message: IPV6_PROBLEM, keptLastGood: false }]);
    expect((await debugQuotas()).entries.map((e) => e.id)).toEqual(['sm-verify/page-show']);
    expect(await countInFreshWindow(6)).toEqual(['OK', 'OK', 'OK', 'OK', 'OK', 'OVER_LIMIT']);
    await remove('by-ipv6');
    await eventually('problem cleared', () => source.problems().length === 0);
  });

  it('keeps the last good quota of a RateLimit edited into one it cannot serve', async () => {
    await apply(pageShow({ quota: 2, unit: 'MINUTE', ...ipv6Match }));
    await eventually('the bad edit reported', () => source.problems().length === 1);
    expect(source.problems()).toEqual([{ id: 'sm-verify/page-show', message: IPV6_PROBLEM, keptLastGood: true }]);
    expect(await servedLimit()).toEqual({ name: 'sm-verify/page-show', requests_per_unit: 5, unit: 'MINUTE' });
    expect(await countInFreshWindow(6)).toEqual(['OK', 'OK', 'OK', 'OK', 'OK', 'OVER_LIMIT']);
    await apply(pageShow({ quota: 3, unit: 'MINUTE' }));
    await eventually('the fixed edit served', async () => (await servedLimit())?.requests_per_unit === 3);
    expect(source.problems()).toEqual([]);
  });

  it('survives an API server restart and keeps following edits', async () => {
    await cp.restartApiServer();
    await apply(pageShow({ quota: 4, unit: 'MINUTE' }));
    await eventually('quota 4 served after the restart', async () => (await servedLimit())?.requests_per_unit === 4, RESTART_TIMEOUT_MS);
    expect(await countInFreshWindow(5)).toEqual(['OK', 'OK', 'OK', 'OK', 'OVER_LIMIT']);
  });

  it('stops limiting the descriptor when the RateLimit is deleted', async () => {
    await remove('page-show');
    await eventually('quota gone', async () => (await servedLimit()) === null);
    expect(await countInFreshWindow(6)).toEqual(['OK', 'OK', 'OK', 'OK', 'OK', 'OK']);
    expect((await debugQuotas()).entries).toEqual([]);
  });
});
