// The Router controller against a real kube-apiserver, running as its least-privilege identity:
// a canary's life (create, shift, add and remove versions and sandboxes) with "never a 503"
// checked at every observed moment, a hand-written VS left alone, drift corrected, garbage
// collection on delete, and invalid specs rejected by the API server's CEL rules.
import { HttpMethod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referencedSubsets } from '../core/plan/referenced-subsets.ts';
import { EVENT, ROUTER, VIRTUAL_SERVICE, resourcePath } from '../controllers/scheme.ts';
import { CONTENT_TYPE } from '../kube/kube-client.ts';
import type { Manager } from '../kube/manager.ts';
import type { KubeObject } from '../kube/types.ts';
import { eventually } from './support/eventually.ts';
import { firstIndex } from './support/routing-invariant.ts';
import { applyRouter, routerObject, seedSpec } from './support/router-scenario.ts';
import {
  createNamespace,
  createObject,
  deleteObject,
  drSubsets,
  eventuallyPhase,
  liveDestinationRule,
  liveRouter,
  liveVirtualService,
  printedColumns,
  startSwitchyardCluster,
  type SwitchyardCluster,
} from './support/switchyard-cluster.ts';

const NS = 'canary';
const HOST = `page.${NS}.svc.cluster.local`;
/** The garbage collector works through its graph within seconds; allow for a slow machine. */
const GC_TIMEOUT_MS = 30_000;

let cluster: SwitchyardCluster;
let manager: Manager;

beforeAll(async () => {
  cluster = await startSwitchyardCluster({ withControllerManager: true });
  await createNamespace(cluster.admin, NS);
  manager = cluster.controllers();
  await manager.start();
});

afterAll(async () => {
  await manager?.stop();
  await cluster?.cp.stop();
});

/** Reasons of the Events recorded on an object (proves the controller identity may write Events). */
async function eventReasons(name: string): Promise<string[]> {
  const list = await cluster.admin.get<{ items: { reason: string; type: string }[] }>(resourcePath(EVENT, NS), { query: { fieldSelector: `involvedObject.name=${name}` } });
  return list.items.map((e) => `${e.type} ${e.reason}`);
}

function masterWeights(vs: Awaited<ReturnType<typeof liveVirtualService>>): Record<string, number | undefined> {
  const route = vs?.spec.http?.find((r) => r.name === 'master')?.route ?? [];
  return Object.fromEntries(route.map((r) => [r.destination.subset ?? '', r.weight]));
}

describe('a canary through its life', () => {
  it('creates the seed Router: DR subsets, VS routes, status Ready with the weights column', async () => {
    const { router } = await applyRouter(cluster.admin, NS, 'page', seedSpec());
    const dr = await liveDestinationRule(cluster.admin, NS, 'page');
    const vs = await liveVirtualService(cluster.admin, NS, 'page');
    expect(drSubsets(dr)).toEqual(['box-0999', 'master-v1-0-1', 'master-v1-0-2']);
    expect(dr?.spec.host).toBe(HOST);
    expect(vs?.spec.hosts).toEqual([HOST]);
    expect(vs?.spec.http?.map((r) => r.name)).toEqual(['box-0999', 'master']);
    expect(vs?.spec.http?.[0]?.match).toEqual([{ sourceLabels: { branch: 'box-0999' } }]);
    expect(masterWeights(vs)).toEqual({ 'master-v1-0-1': 90, 'master-v1-0-2': 10 });
    for (const obj of [dr, vs]) {
      expect(obj?.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'switchyard', 'switchyard.io/owner': 'router.page' });
      expect(obj?.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Router', name: 'page', uid: router.metadata.uid, controller: true })]);
    }
    expect(router.status).toMatchObject({ phase: 'Ready', weights: 'v1.0.1=90,v1.0.2=10', sandboxes: 'box-0999' });
    expect(await printedColumns(cluster.admin, resourcePath(ROUTER, NS, 'page'))).toMatchObject({ Weights: 'v1.0.1=90,v1.0.2=10' });
    await eventually('StepApplied events', async () => (await eventReasons('page')).includes('Normal StepApplied'));
  });

  it('shifts weights: the VS changes, the DR is not written', async () => {
    const before = await liveDestinationRule(cluster.admin, NS, 'page');
    const { observations, router } = await applyRouter(cluster.admin, NS, 'page', { ...seedSpec(), subsets: [{ branch: 'master', versions: { 'v1.0.1': 50, 'v1.0.2': 50 } }, { branch: 'box-0999' }] });
    expect(masterWeights(await liveVirtualService(cluster.admin, NS, 'page'))).toEqual({ 'master-v1-0-1': 50, 'master-v1-0-2': 50 });
    expect((await liveDestinationRule(cluster.admin, NS, 'page'))?.metadata.resourceVersion).toBe(before?.metadata.resourceVersion);
    expect(new Set(observations.map((o) => o.drResourceVersion))).toEqual(new Set([before?.metadata.resourceVersion]));
    expect(router.status?.weights).toBe('v1.0.1=50,v1.0.2=50');
  });

  it('adds a version: the DR gains the subset before the VS references it', async () => {
    const spec = { ...seedSpec(), subsets: [{ branch: 'master', versions: { 'v1.0.1': 40, 'v1.0.2': 40, 'v1.0.3': 20 } }, { branch: 'box-0999' }] };
    const { observations } = await applyRouter(cluster.admin, NS, 'page', spec);
    const inDr = firstIndex(observations, (o) => o.drSubsets.includes('master-v1-0-3'));
    const inVs = firstIndex(observations, (o) => o.vsSubsets.includes('master-v1-0-3'));
    expect(inDr).toBeGreaterThanOrEqual(0);
    expect(inDr).toBeLessThan(inVs);
    expect(masterWeights(await liveVirtualService(cluster.admin, NS, 'page'))).toEqual({ 'master-v1-0-1': 40, 'master-v1-0-2': 40, 'master-v1-0-3': 20 });
    expect(drSubsets(await liveDestinationRule(cluster.admin, NS, 'page'))).toEqual(['box-0999', 'master-v1-0-1', 'master-v1-0-2', 'master-v1-0-3']);
  });

  it('removes a version: the VS stops referencing it before the DR is pruned', async () => {
    const spec = { ...seedSpec(), subsets: [{ branch: 'master', versions: { 'v1.0.2': 60, 'v1.0.3': 40 } }, { branch: 'box-0999' }] };
    const { observations } = await applyRouter(cluster.admin, NS, 'page', spec);
    const outOfVs = firstIndex(observations, (o) => !o.vsSubsets.includes('master-v1-0-1'));
    const outOfDr = firstIndex(observations, (o) => !o.drSubsets.includes('master-v1-0-1'));
    expect(outOfVs).toBeGreaterThanOrEqual(0);
    expect(outOfVs).toBeLessThan(outOfDr);
    expect(drSubsets(await liveDestinationRule(cluster.admin, NS, 'page'))).toEqual(['box-0999', 'master-v1-0-2', 'master-v1-0-3']);
  });

  it('adds a sandbox, then removes the old one, each make-before-break', async () => {
    const master = { branch: 'master', versions: { 'v1.0.2': 60, 'v1.0.3': 40 } };
    const box = { branch: 'box-1234', match: { headers: { 'x-branch': { exact: 'box-1234' } } } };
    const added = await applyRouter(cluster.admin, NS, 'page', { ...seedSpec(), subsets: [master, { branch: 'box-0999' }, box] });
    expect(firstIndex(added.observations, (o) => o.drSubsets.includes('box-1234'))).toBeLessThan(firstIndex(added.observations, (o) => o.vsSubsets.includes('box-1234')));
    const vs = await liveVirtualService(cluster.admin, NS, 'page');
    expect(vs?.spec.http?.find((r) => r.name === 'box-1234')?.match).toContainEqual({ headers: { 'x-branch': { exact: 'box-1234' } } });
    expect(added.router.status?.sandboxes).toBe('box-0999,box-1234');

    const removed = await applyRouter(cluster.admin, NS, 'page', { ...seedSpec(), subsets: [master, box] });
    const outOfVs = firstIndex(removed.observations, (o) => !o.vsSubsets.includes('box-0999'));
    expect(outOfVs).toBeGreaterThanOrEqual(0);
    expect(outOfVs).toBeLessThan(firstIndex(removed.observations, (o) => !o.drSubsets.includes('box-0999')));
    expect(drSubsets(await liveDestinationRule(cluster.admin, NS, 'page'))).toEqual(['box-1234', 'master-v1-0-2', 'master-v1-0-3']);
    const vsAfter = await liveVirtualService(cluster.admin, NS, 'page');
    expect(vsAfter && referencedSubsets(vsAfter)).toEqual(['box-1234', 'master-v1-0-2', 'master-v1-0-3']);
    expect(removed.router.status?.sandboxes).toBe('box-1234');
  });

  it('corrects a hand edit of the generated VS back to the desired routes', async () => {
    const desired = await liveVirtualService(cluster.admin, NS, 'page');
    const hand = { spec: { http: [{ name: 'master', route: [{ destination: { host: HOST, subset: 'master-v1-0-2' } }] }] } };
    const edited = await cluster.admin.request<{ metadata: { resourceVersion: string } }>(HttpMethod.PATCH, resourcePath(VIRTUAL_SERVICE, NS, 'page'), { body: hand, contentType: CONTENT_TYPE.merge });
    const restored = await eventually('the VS restored', async () => {
      const vs = await liveVirtualService(cluster.admin, NS, 'page');
      return vs && vs.metadata.resourceVersion !== edited.metadata.resourceVersion && vs;
    });
    expect(restored.spec).toEqual(desired?.spec);
  });

  it('garbage-collects the DR and VS when the Router is deleted', async () => {
    await deleteObject(cluster.admin, ROUTER, NS, 'page');
    await eventually('VS and DR collected', async () => !(await liveVirtualService(cluster.admin, NS, 'page')) && !(await liveDestinationRule(cluster.admin, NS, 'page')), GC_TIMEOUT_MS);
  });
});

describe('objects the controller must not touch', () => {
  it('reports Conflict for a hand-written VS of the Router’s name and leaves it untouched', async () => {
    const handVs = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'hand', namespace: NS, labels: { team: 'payments' } },
      spec: { hosts: [`hand.${NS}.svc.cluster.local`], http: [{ route: [{ destination: { host: `hand.${NS}.svc.cluster.local` } }] }] },
    };
    const created = await createObject<KubeObject>(cluster.admin, handVs);
    await createObject(cluster.admin, routerObject(NS, 'hand', seedSpec()));
    const router = await eventuallyPhase(() => liveRouter(cluster.admin, NS, 'hand'), 'Conflict');
    expect(JSON.stringify(router.status?.conditions)).toContain(`VirtualService ${NS}/hand`);
    const after = await liveVirtualService(cluster.admin, NS, 'hand');
    expect(after?.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(after?.spec).toEqual(handVs.spec);
    expect(after?.metadata.labels).toEqual(handVs.metadata.labels);
    await eventually('a Conflict warning', async () => (await eventReasons('hand')).includes('Warning Conflict'));
  });

  it.each([
    ['weights summing to 110', [{ branch: 'master', versions: { v1: 90, v2: 20 } }], 'weights of branch master must sum to 100 (got 110)'],
    ['a duplicate branch', [{ branch: 'master' }, { branch: 'master' }], 'branch names must be unique'],
  ])('rejects %s with the CEL message', async (_what, subsets, message) => {
    const attempt = createObject(cluster.admin, routerObject(NS, 'invalid', { port: 80, subsets }));
    await expect(attempt).rejects.toThrow(message);
    await expect(attempt).rejects.toMatchObject({ code: 422 });
    expect(await liveRouter(cluster.admin, NS, 'invalid')).toBeUndefined();
  });
});
