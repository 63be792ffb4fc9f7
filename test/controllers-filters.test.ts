// IstioFilters and RateLimits against a real kube-apiserver, controllers running as their
// least-privilege identity: two owners' filters and a priority swap, a filter whose patch fails,
// a fault that expires by itself, a filter moving to another Router, and a RateLimit's EnvoyFilter.
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { API_VERSION } from '../api/meta.ts';
import type { IstioFilterSpec } from '../api/istio-filter.ts';
import { ENVOY_FILTER, RATE_LIMIT, resourcePath } from '../controllers/scheme.ts';
import type { Manager } from '../kube/manager.ts';
import type { KubeObject } from '../kube/types.ts';
import { eventually } from './support/eventually.ts';
import { guarded } from './support/routing-invariant.ts';
import { applyRouter, seedSpec } from './support/router-scenario.ts';
import {
  applyAsUser,
  createNamespace,
  deleteObject,
  eventuallyPhase,
  liveFilter,
  liveRateLimit,
  liveRouter,
  liveVirtualService,
  SETTLE_MS,
  startSwitchyardCluster,
  type LiveCr,
  type SwitchyardCluster,
} from './support/switchyard-cluster.ts';

const NS = 'filters';
/** Expiry is a timer the reconcile sets (plus a 500 ms margin); a few seconds cover a loaded machine. */
const EXPIRY_GRACE_MS = 3000;
const GC_TIMEOUT_MS = 30_000;
/** Several settle delays: long enough for every reconcile a write triggered to have run. */
const QUIET_MS = 10 * SETTLE_MS;

let cluster: SwitchyardCluster;
let manager: Manager;

beforeAll(async () => {
  cluster = await startSwitchyardCluster({ withControllerManager: true });
  await createNamespace(cluster.admin, NS);
  manager = cluster.controllers();
  await manager.start();
  await applyRouter(cluster.admin, NS, 'shop', seedSpec());
  await applyRouter(cluster.admin, NS, 'cart', seedSpec());
});

afterAll(async () => {
  await manager?.stop();
  await cluster?.cp.stop();
});

function filterObject(name: string, owner: string, spec: IstioFilterSpec): KubeObject {
  return { apiVersion: API_VERSION, kind: 'IstioFilter', metadata: { name, namespace: NS, labels: { owner } }, spec };
}

/** The `master` route of a Router's live VS (every filter here applies to every route). */
async function masterRoute(router: string): Promise<Record<string, unknown> | undefined> {
  const vs = await liveVirtualService(cluster.admin, NS, router);
  return vs?.spec.http?.find((r) => r.name === 'master') as Record<string, unknown> | undefined;
}

/** Waits until the filter reports `phase` at its current generation, at `position` when given. */
function filterStatus(name: string, phase: string, position?: number): Promise<LiveCr> {
  return eventually(`IstioFilter ${name} ${phase}${position === undefined ? '' : ` at position ${position}`}`, async () => {
    const f = await liveFilter(cluster.admin, NS, name);
    const s = f?.status;
    if (!f || s?.phase !== phase || s.observedGeneration !== f.metadata.generation) return undefined;
    return (position === undefined || s.position === position) && f;
  });
}

describe('IstioFilters', () => {
  it('layers two owners’ filters by priority, and swaps them when the priorities swap', async () => {
    const sre = (priority: number) => filterObject('sre-baseline', 'sre', { target: { router: 'shop' }, priority, patches: [{ timeout: '2s' }] });
    const ui = (priority: number) => filterObject('mesh-ui', 'mesh-ui', { target: { router: 'shop' }, priority, patches: [{ timeout: '4s' }, { headers: { response: { set: { 'x-served-by': 'shop' } } } }] });
    await guarded(cluster.admin, NS, 'shop', async () => {
      await applyAsUser(cluster.admin, sre(0));
      await applyAsUser(cluster.admin, ui(10));
      await eventually('mesh-ui timeout wins', async () => (await masterRoute('shop'))?.timeout === '4s');
    });
    expect((await filterStatus('sre-baseline', 'Applied', 1)).status).toMatchObject({ chainLength: 2 });
    expect((await filterStatus('mesh-ui', 'Applied', 2)).status).toMatchObject({ chainLength: 2 });
    expect(await masterRoute('shop')).toMatchObject({ headers: { response: { set: { 'x-served-by': 'shop' } } } });

    await guarded(cluster.admin, NS, 'shop', async () => {
      await applyAsUser(cluster.admin, sre(10));
      await applyAsUser(cluster.admin, ui(0));
      await eventually('sre timeout wins', async () => (await masterRoute('shop'))?.timeout === '2s');
    });
    await filterStatus('sre-baseline', 'Applied', 2);
    await filterStatus('mesh-ui', 'Applied', 1);
    expect(await masterRoute('shop')).toMatchObject({ timeout: '2s', headers: { response: { set: { 'x-served-by': 'shop' } } } });
  });

  it('skips a filter whose patch fails, reporting why, while the Router stays Ready and the others apply', async () => {
    const before = await liveVirtualService(cluster.admin, NS, 'shop');
    const broken = filterObject('broken', 'mesh-ui', { target: { router: 'shop' }, priority: 5, patches: [{ jsonPatch: { target: 'VirtualService', ops: [{ op: 'replace', path: '/http/7/timeout', value: '1s' }] } }] });
    await applyAsUser(cluster.admin, broken);
    const status = (await filterStatus('broken', 'Skipped')).status;
    expect(status?.message).toMatch(/^skipped: patch 0 \(jsonPatch\) failed: /);
    expect(status?.patches).toEqual([expect.objectContaining({ index: 0, type: 'jsonPatch', applied: false, reason: expect.stringMatching(/.+/) })]);
    await filterStatus('mesh-ui', 'Applied', 1);
    await filterStatus('sre-baseline', 'Applied', 3);
    const router = await eventually('Router reports the skipped filter', async () => {
      const r = await liveRouter(cluster.admin, NS, 'shop');
      return r?.status?.phase === 'Ready' && JSON.stringify(r.status.conditions).includes('2 applied, 1 skipped') && r;
    });
    expect(router.status?.phase).toBe('Ready');
    expect((await liveVirtualService(cluster.admin, NS, 'shop'))?.spec).toEqual(before?.spec);
    await deleteObject(cluster.admin, { apiVersion: API_VERSION, kind: 'IstioFilter' }, NS, 'broken');
  });

  it('removes an expiring fault within a few seconds of its expiry', async () => {
    const expiresAt = new Date(Date.now() + 4000);
    const chaos = filterObject('chaos', 'chaos-tool', { target: { router: 'cart' }, expiresAt: expiresAt.toISOString(), patches: [{ fault: { abort: { httpStatus: 503, percentage: 1 } } }] });
    const { observations } = await guarded(cluster.admin, NS, 'cart', async () => {
      await applyAsUser(cluster.admin, chaos);
      await eventually('fault present', async () => (await masterRoute('cart'))?.fault !== undefined);
      expect(Date.now()).toBeLessThan(expiresAt.getTime());
      expect((await masterRoute('cart'))?.fault).toEqual({ abort: { httpStatus: 503, percentage: { value: 1 } } });
      await eventually('fault removed', async () => (await masterRoute('cart'))?.fault === undefined, expiresAt.getTime() - Date.now() + EXPIRY_GRACE_MS);
    });
    expect(observations.length).toBeGreaterThan(0);
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt.getTime());
    expect((await filterStatus('chaos', 'Expired')).status?.message).toContain('expired at');
  });

  it('moves a filter’s patches when its target changes to another Router', async () => {
    const mover = (router: string) => filterObject('mover', 'sre', { target: { router }, patches: [{ retries: { attempts: 5 } }] });
    await applyAsUser(cluster.admin, mover('cart'));
    await eventually('retries on cart', async () => (await masterRoute('cart'))?.retries !== undefined);
    // Let cart's reconciles finish first: one still running when the target moves would read the
    // moved filter from the cache and hide a missing re-reconcile of the old target.
    await eventually('cart Ready with the filter', async () => JSON.stringify((await liveRouter(cluster.admin, NS, 'cart'))?.status?.conditions).includes('1 applied'));
    await sleep(QUIET_MS);
    await applyAsUser(cluster.admin, mover('shop'));
    await eventually('retries on shop', async () => (await masterRoute('shop'))?.retries !== undefined);
    await eventually('retries gone from cart', async () => (await masterRoute('cart'))?.retries === undefined);
    expect((await filterStatus('mover', 'Applied')).status?.message).toContain('Router shop');
  });
});

describe('RateLimit', () => {
  it('renders the seed RateLimit to an EnvoyFilter with status Ready and its descriptor key; deleting it collects the EnvoyFilter', async () => {
    const rl = parse(await readFile(new URL('../examples/07-global-ratelimit.yaml', import.meta.url), 'utf8')) as KubeObject;
    const ns = rl.metadata.namespace ?? '';
    await createNamespace(cluster.admin, ns);
    await applyAsUser(cluster.admin, rl);
    const ready = await eventuallyPhase(() => liveRateLimit(cluster.admin, ns, rl.metadata.name), 'Ready');
    expect(ready.status?.descriptorKey).toBe(`switchyard_ratelimit=${ns}.${rl.metadata.name}`);
    const refs = ready.status?.envoyFilters as { name: string }[];
    expect(refs.length).toBeGreaterThan(0);
    for (const { name } of refs) {
      const ef = await cluster.admin.find<KubeObject>(resourcePath(ENVOY_FILTER, ns, name));
      expect(ef?.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'switchyard', 'switchyard.io/owner': `ratelimit.${rl.metadata.name}` });
      expect(ef?.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'RateLimit', uid: ready.metadata.uid })]);
    }
    await deleteObject(cluster.admin, RATE_LIMIT, ns, rl.metadata.name);
    await eventually('EnvoyFilters collected', async () => {
      for (const { name } of refs) if (await cluster.admin.find(resourcePath(ENVOY_FILTER, ns, name))) return false;
      return true;
    }, GC_TIMEOUT_MS);
  });
});
