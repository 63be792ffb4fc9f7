// What the API server refuses, on a real kube-apiserver with Istio's CRDs and istiod's validating
// webhook registered (as a real cluster has them), controllers running as their least-privilege
// identity: a filter istiod refuses is skipped and the Router goes on; a Router istiod refuses is
// Invalid, keeps what it applied and is not retried in a loop; and a prune a hand-written
// VirtualService still needs is held until it is gone.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION } from '../api/meta.ts';
import type { IstioFilterSpec } from '../api/istio-filter.ts';
import type { RouterSpec } from '../api/router.ts';
import { VIRTUAL_SERVICE } from '../controllers/scheme.ts';
import { ISTIO_VALIDATION_WEBHOOK, startIstioValidation, type IstioValidation } from '../dev/istio-validation.ts';
import type { Manager } from '../kube/manager.ts';
import type { KubeObject } from '../kube/types.ts';
import { eventually } from './support/eventually.ts';
import { applyRouter, routerObject, seedSpec } from './support/router-scenario.ts';
import {
  applyAsUser,
  createNamespace,
  deleteObject,
  drSubsets,
  eventuallyPhase,
  liveDestinationRule,
  liveFilter,
  liveRouter,
  liveVirtualService,
  SETTLE_MS,
  startSwitchyardCluster,
  type LiveCr,
  type SwitchyardCluster,
} from './support/switchyard-cluster.ts';

const NS = 'refusals';
const DENIED = `admission webhook "${ISTIO_VALIDATION_WEBHOOK}" denied the request: configuration is invalid: `;
/** Long enough for a reconcile loop, had there been one, to show in the Router's resourceVersion. */
const QUIET_MS = 20 * SETTLE_MS;

let cluster: SwitchyardCluster;
let validation: IstioValidation;
let manager: Manager;

beforeAll(async () => {
  cluster = await startSwitchyardCluster();
  validation = await startIstioValidation(cluster.cp);
  await createNamespace(cluster.admin, NS);
  await createNamespace(cluster.admin, 'checkout');
  manager = cluster.controllers();
  await manager.start();
});

afterAll(async () => {
  await manager?.stop();
  await validation?.stop();
  await cluster?.cp.stop();
});

function filterObject(name: string, spec: IstioFilterSpec): KubeObject {
  return { apiVersion: API_VERSION, kind: 'IstioFilter', metadata: { name, namespace: NS }, spec };
}

interface EventList {
  items: { reason: string; type: string; message: string; involvedObject: { kind: string; name: string } }[];
}

/** Events Switchyard recorded on one object of the namespace, as `type reason: message`. */
async function eventsOf(kind: string, name: string): Promise<string[]> {
  const list = await cluster.admin.get<EventList>(`/api/v1/namespaces/${NS}/events`);
  return list.items.filter((e) => e.involvedObject.kind === kind && e.involvedObject.name === name).map((e) => `${e.type} ${e.reason}: ${e.message}`);
}

function conditionOf(cr: LiveCr | undefined, type: string): { status: string; reason: string; message: string } | undefined {
  return (cr?.status?.conditions as { type: string; status: string; reason: string; message: string }[] | undefined)?.find((c) => c.type === type);
}

describe('objects the API server refuses', () => {
  it('skips a filter istiod refuses, with istiod’s message, and keeps applying the Router and the other filters', async () => {
    await applyRouter(cluster.admin, NS, 'shop', seedSpec());
    await applyAsUser(cluster.admin, filterObject('timeout', { target: { router: 'shop' }, patches: [{ timeout: '2s' }] }));
    // Passes the schema and Switchyard's checks; istiod: "use client protocol must not be true when H2UpgradePolicy is UPGRADE".
    await applyAsUser(cluster.admin, filterObject('pool', { target: { router: 'shop' }, priority: 5, patches: [{ trafficPolicy: { connectionPool: { http: { useClientProtocol: true, h2UpgradePolicy: 'UPGRADE' } } } }] }));
    const refusal = `${DENIED}use client protocol must not be true when H2UpgradePolicy is UPGRADE`;
    const pool = await eventually('filter pool Skipped by the API server', async () => {
      const f = await liveFilter(cluster.admin, NS, 'pool');
      return conditionOf(f, 'Ready')?.reason === 'RejectedByServer' && f?.status?.observedGeneration === f?.metadata.generation && f;
    }, 30_000);
    expect(pool.status).toMatchObject({ phase: 'Skipped', position: 2, chainLength: 2, message: `skipped: the API server rejected the result: ${refusal} (Router shop, position 2/2)` });
    const router = await eventually('Router Ready with the refused filter left out', async () => {
      const r = await liveRouter(cluster.admin, NS, 'shop');
      return r?.status?.phase === 'Ready' && r.status.observedGeneration === r.metadata.generation && conditionOf(r, 'Ready')?.message.includes('rejected by the API server: IstioFilter refusals/pool') && r;
    });
    expect(conditionOf(router, 'Ready')?.message).toBe('live routing matches the spec; filters: 1 applied, 1 skipped (rejected by the API server: IstioFilter refusals/pool), 0 expired');
    expect((await liveVirtualService(cluster.admin, NS, 'shop'))?.spec.http?.every((r) => r.timeout === '2s')).toBe(true);
    expect((await liveDestinationRule(cluster.admin, NS, 'shop'))?.spec.trafficPolicy).toBeUndefined();
    await eventually('a Warning event on the filter', async () => (await eventsOf('IstioFilter', 'pool')).some((e) => e.startsWith('Warning RejectedByServer') && e.includes(refusal)));

    // The Router's own edits still go through.
    const { router: edited } = await applyRouter(cluster.admin, NS, 'shop', { ...seedSpec(), subsets: [{ branch: 'master', versions: { 'v1.0.1': 50, 'v1.0.2': 50 } }, { branch: 'box-0999' }] });
    expect(edited.status?.observedGeneration).toBe(edited.metadata.generation);
    const master = (await liveVirtualService(cluster.admin, NS, 'shop'))?.spec.http?.find((r) => r.name === 'master');
    expect(master?.route?.map((d) => d.weight)).toEqual([50, 50]);
    expect((await liveFilter(cluster.admin, NS, 'pool'))?.status?.phase).toBe('Skipped');
  });

  it('turns a Router istiod refuses Invalid with istiod’s message, keeps what it applied, and stops until it changes', async () => {
    const spec: RouterSpec = { ...seedSpec(), protocol: 'http' };
    await applyRouter(cluster.admin, NS, 'cart', spec);
    const before = await liveDestinationRule(cluster.admin, NS, 'cart');
    await applyAsUser(cluster.admin, routerObject(NS, 'cart', { ...spec, trafficPolicy: { outlierDetection: { maxEjectionPercent: 150 } } }));
    const refused = await eventuallyPhase(() => liveRouter(cluster.admin, NS, 'cart'), 'Invalid', 30_000);
    const message = `DestinationRule ${NS}/cart rejected by the API server: ${DENIED}percentage 150 is not in range 0..100; the objects applied before stay live`;
    expect(conditionOf(refused, 'Ready')).toMatchObject({ status: 'False', reason: 'RejectedByServer', message });
    expect((await liveDestinationRule(cluster.admin, NS, 'cart'))?.metadata.resourceVersion).toBe(before?.metadata.resourceVersion);
    await sleep(QUIET_MS);
    expect((await liveRouter(cluster.admin, NS, 'cart'))?.metadata.resourceVersion).toBe(refused.metadata.resourceVersion);
    expect((await eventsOf('Router', 'cart')).filter((e) => e.startsWith('Warning RejectedByServer'))).toEqual([`Warning RejectedByServer: ${message}`]);

    const { router } = await applyRouter(cluster.admin, NS, 'cart', { ...spec, trafficPolicy: { outlierDetection: { maxEjectionPercent: 50 } } });
    expect(router.status?.phase).toBe('Ready');
    expect((await liveDestinationRule(cluster.admin, NS, 'cart'))?.spec.trafficPolicy).toEqual({ outlierDetection: { maxEjectionPercent: 50 } });
  });

  it('holds the prune while a hand-written VirtualService routes to the subset, and prunes once it is gone', async () => {
    await applyRouter(cluster.admin, NS, 'pay', seedSpec());
    const host = `pay.${NS}.svc.cluster.local`;
    const pinned: KubeObject = {
      ...VIRTUAL_SERVICE,
      metadata: { name: 'pinned-pay', namespace: 'checkout' },
      spec: { hosts: [host], http: [{ route: [{ destination: { host, subset: 'master-v1-0-1' } }] }] },
    };
    await applyAsUser(cluster.admin, pinned);
    await applyAsUser(cluster.admin, routerObject(NS, 'pay', { ...seedSpec(), subsets: [{ branch: 'master', versions: { 'v1.0.2': 100 } }, { branch: 'box-0999' }] }));
    const held = await eventually('the prune held', async () => {
      const r = await liveRouter(cluster.admin, NS, 'pay');
      return conditionOf(r, 'Ready')?.reason === 'PruneHeld' && r?.status?.observedGeneration === r?.metadata.generation && r;
    }, 30_000);
    expect(held.status?.phase).toBe('Progressing');
    expect(conditionOf(held, 'Ready')?.message).toContain('VirtualService checkout/pinned-pay routes to master-v1-0-1');
    expect(drSubsets(await liveDestinationRule(cluster.admin, NS, 'pay'))).toContain('master-v1-0-1');
    expect((await liveVirtualService(cluster.admin, NS, 'pay'))?.spec.http?.find((r) => r.name === 'master')?.route?.map((d) => d.destination.subset)).toEqual(['master-v1-0-2']);
    await eventually('a PruneHeld event', async () => (await eventsOf('Router', 'pay')).some((e) => e.startsWith('Warning PruneHeld')));

    await deleteObject(cluster.admin, VIRTUAL_SERVICE, 'checkout', 'pinned-pay');
    await eventuallyPhase(() => liveRouter(cluster.admin, NS, 'pay'), 'Ready');
    expect(drSubsets(await liveDestinationRule(cluster.admin, NS, 'pay'))).toEqual(['box-0999', 'master-v1-0-2']);
  });
});
