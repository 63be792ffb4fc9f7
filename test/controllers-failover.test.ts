// The controllers through failures of the control plane and of themselves, against a real
// kube-apiserver as their least-privilege identity: an API server restart (informers come back and
// a Router created afterwards is reconciled), and two managers with leader election (only the
// leader writes; when it dies without releasing the lease, the other takes over).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manager } from '../kube/manager.ts';
import { seriesValue } from '../kube/metrics.ts';
import { eventually } from './support/eventually.ts';
import { applyRouter, seedSpec } from './support/router-scenario.ts';
import { createNamespace, drSubsets, liveDestinationRule, liveVirtualService, startSwitchyardCluster, type SwitchyardCluster } from './support/switchyard-cluster.ts';

/** The API server comes back in a few seconds; the informers' backoff adds at most a few more. */
const RESTART_TIMEOUT_MS = 45_000;
/** Short lease timings so a takeover takes seconds; the ratios match the production defaults. */
const ELECTION = { namespace: 'switchyard-system', name: 'switchyard-scenarios', leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 400 };

let cluster: SwitchyardCluster;
const running: Manager[] = [];

beforeAll(async () => {
  cluster = await startSwitchyardCluster();
});

afterAll(async () => {
  for (const m of running) await m.stop();
  await cluster?.cp.stop();
});

/** VirtualService and DestinationRule writes this manager made (created or updated). */
async function istioWrites(m: Manager): Promise<number> {
  let n = 0;
  for (const kind of ['VirtualService', 'DestinationRule']) for (const outcome of ['created', 'updated']) n += await seriesValue(m.metrics.applyTotal, { kind, outcome });
  return n;
}

describe('an API server restart', () => {
  it('restarts the informers, and a Router created after the restart is reconciled', async () => {
    const ns = 'restart';
    await createNamespace(cluster.admin, ns);
    const manager = cluster.controllers({ namespace: ns });
    running.push(manager);
    await manager.start();
    await applyRouter(cluster.admin, ns, 'before', seedSpec());

    await cluster.cp.restartApiServer();
    const { router } = await eventually('Router reconciled after the restart', () => applyRouter(cluster.admin, ns, 'after', seedSpec()), RESTART_TIMEOUT_MS);
    expect(router.status?.weights).toBe('v1.0.1=90,v1.0.2=10');
    expect(drSubsets(await liveDestinationRule(cluster.admin, ns, 'after'))).toEqual(['box-0999', 'master-v1-0-1', 'master-v1-0-2']);
    expect(await seriesValue(manager.metrics.informerRestarts, { kind: 'Router' })).toBeGreaterThanOrEqual(1);
    await manager.stop();
  });
});

describe('two controller managers with leader election', () => {
  it('lets only the leader write, and hands over to the other when the leader dies', async () => {
    const ns = 'leader';
    await createNamespace(cluster.admin, ns);
    const managers = ['a', 'b'].map((identity) => cluster.controllers({ namespace: ns, leaderElection: { ...ELECTION, identity } }));
    running.push(...managers);
    await Promise.all(managers.map((m) => m.start()));
    const leader = await eventually('a leader', () => managers.find((m) => m.leading));
    const standby = managers.find((m) => m !== leader) as Manager;

    await applyRouter(cluster.admin, ns, 'shop', seedSpec());
    expect(await istioWrites(leader)).toBeGreaterThan(0);
    expect(await istioWrites(standby)).toBe(0);
    expect(standby.leading).toBe(false);

    // A crash: the lease is not released, so the standby waits for it to expire.
    await leader.stop({ release: false });
    const shifted = { ...seedSpec(), subsets: [{ branch: 'master', versions: { 'v1.0.1': 30, 'v1.0.3': 70 } }, { branch: 'box-0999' }] };
    const { router } = await applyRouter(cluster.admin, ns, 'shop', shifted);
    expect(standby.leading).toBe(true);
    expect(await istioWrites(standby)).toBeGreaterThan(0);
    expect(router.status?.weights).toBe('v1.0.1=30,v1.0.3=70');
    const route = (await liveVirtualService(cluster.admin, ns, 'shop'))?.spec.http?.find((r) => r.name === 'master')?.route;
    expect(route?.map((r) => [r.destination.subset, r.weight])).toEqual([['master-v1-0-1', 30], ['master-v1-0-3', 70]]);
    expect(drSubsets(await liveDestinationRule(cluster.admin, ns, 'shop'))).toEqual(['box-0999', 'master-v1-0-1', 'master-v1-0-3']);
  });
});
