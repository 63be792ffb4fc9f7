// Informers, the manager and leader election against a real kube-apiserver: events in order,
// the label selector, a restart after the API server restarts, one leader among two managers,
// takeover after the leader dies, and stepping down when the lease is lost.
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpMethod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Applier } from '../kube/apply.ts';
import { InformerCache } from '../kube/cache.ts';
import { Informer, type InformerEventType } from '../kube/informer.ts';
import { LEASE, ROUTER, VIRTUAL_SERVICE, resourcePath } from '../controllers/scheme.ts';
import { CONTENT_TYPE, KubeClient, loadKubeConfig } from '../kube/kube-client.ts';
import { microTime } from '../kube/leader-election.ts';
import { silentLogger } from '../kube/logger.ts';
import { Manager } from '../kube/manager.ts';
import type { ControllerSpec, KubeObject } from '../kube/types.ts';
import { startControlPlane, type ControlPlane } from '../dev/control-plane.ts';
import { eventually } from './support/eventually.ts';

const NS = 'runtime-informer';
const MANAGED = { 'app.kubernetes.io/managed-by': 'switchyard' };
/** Short lease timings so takeover is quick; the ratios match the production constants. */
const ELECTION = { namespace: 'switchyard-system', name: 'runtime-test', leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 400 };
/** The API server comes back in a few seconds; the informer's backoff adds at most a few more. */
const RESTART_TIMEOUT_MS = 45_000;

let cp: ControlPlane;
let client: KubeClient;

function vs(name: string, subset: string, labels: Record<string, string> = MANAGED): KubeObject {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: NS, labels }, spec: { hosts: [name], http: [{ route: [{ destination: { host: name, subset } }] }] } };
}

async function createRouter(name: string): Promise<KubeObject> {
  const router = parse(await readFile(new URL('../examples/01-canary-with-sandbox.yaml', import.meta.url), 'utf8')) as KubeObject;
  router.metadata = { name, namespace: NS };
  return client.request<KubeObject>(HttpMethod.POST, resourcePath(ROUTER, NS), { body: router, contentType: CONTENT_TYPE.json });
}

beforeAll(async () => {
  cp = await startControlPlane({ installCrds: true });
  client = new KubeClient(loadKubeConfig({ path: cp.kubeconfigPath }));
  await client.request(HttpMethod.POST, '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }, contentType: CONTENT_TYPE.json });
});

afterAll(async () => {
  await cp?.stop();
});

describe('Informer', () => {
  it('emits add/update/delete for managed objects only, and restarts after the API server restarts', async () => {
    const seen: string[] = [];
    let restarts = 0;
    const informer = new Informer({ client, kind: VIRTUAL_SERVICE, namespace: NS, labelSelector: 'app.kubernetes.io/managed-by=switchyard', log: silentLogger, onRestart: () => (restarts += 1) });
    informer.on((type: InformerEventType, obj) => seen.push(`${type} ${obj.metadata.name}`));
    const cache = new InformerCache();
    cache.add(informer);
    const applier = new Applier({ client, cache });
    await applier.apply(vs('before-start', 'v1'));
    informer.start();
    expect(await informer.waitForSync()).toBe(true);
    await applier.apply(vs('web', 'v1'));
    await eventually('add web', () => seen.includes('add web'));
    await applier.apply(vs('web', 'v2'));
    await client.request(HttpMethod.POST, resourcePath(VIRTUAL_SERVICE, NS), { body: vs('hand', 'v1', { team: 'a' }), contentType: CONTENT_TYPE.json });
    await applier.delete(VIRTUAL_SERVICE, { namespace: NS, name: 'web' });
    await eventually('delete web', () => seen.includes('delete web'));
    expect(seen).toEqual(['add before-start', 'add web', 'update web', 'delete web']);
    expect(informer.list().map((o) => o.metadata.name)).toEqual(['before-start']);

    await cp.restartApiServer();
    await applier.apply(vs('after-restart', 'v1'));
    await eventually('add after-restart', () => seen.includes('add after-restart'), RESTART_TIMEOUT_MS);
    await applier.apply(vs('after-restart', 'v2'));
    await eventually('update after-restart', () => seen.includes('update after-restart'));
    expect(restarts).toBeGreaterThanOrEqual(1);
    expect(seen.filter((s) => s.startsWith('add before-start'))).toHaveLength(1);
    await informer.stop();
  });
});

function recordingController(who: string, log: string[]): ControllerSpec {
  return {
    name: 'router',
    primary: ROUTER,
    watches: [{ kind: VIRTUAL_SERVICE, map: (obj) => [{ namespace: obj.metadata.namespace ?? '', name: obj.metadata.labels?.['switchyard.io/owner']?.replace(/^router\./, '') ?? '' }] }],
    reconcile: async (key) => {
      log.push(`${who}:${key.name}`);
      return { kind: 'done' };
    },
  };
}

async function probe(m: Manager, path: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${m.httpPort}${path}`);
  return `${res.status} ${await res.text()}`;
}

describe('Manager with leader election', () => {
  it('runs controllers on one manager only, fails over when it dies, and steps down when the lease is lost', async () => {
    const log: string[] = [];
    const make = (who: string) =>
      new Manager({ kubeConfig: loadKubeConfig({ path: cp.kubeconfigPath }), controllers: [recordingController(who, log)], namespace: NS, leaderElection: { ...ELECTION, identity: who }, http: { port: 0, host: '127.0.0.1' }, log: silentLogger });
    const managers = [make('a'), make('b')];
    await createRouter('shop');
    await Promise.all(managers.map((m) => m.start()));
    const leader = await eventually('a leader', () => managers.find((m) => m.leading));
    const standby = managers.find((m) => m !== leader) as Manager;
    const [leaderName, standbyName] = leader === managers[0] ? ['a', 'b'] : ['b', 'a'];
    await sleep(2 * ELECTION.retryPeriodMs);
    expect(managers.filter((m) => m.leading)).toEqual([leader]);
    await eventually('initial reconcile', () => log.includes(`${leaderName}:shop`));
    expect(await probe(leader, '/readyz')).toBe('200 leader\n');
    expect(await probe(standby, '/readyz')).toBe('200 standby\n');
    expect(await probe(leader, '/metrics')).toContain('switchyard_leader 1\n');
    expect(await probe(standby, '/metrics')).toContain('switchyard_leader 0\n');

    // An owned object's event maps back to its Router.
    log.length = 0;
    await new Applier({ client, cache: leader.cache }).apply(vs('shop', 'v1', { ...MANAGED, 'switchyard.io/owner': 'router.shop' }));
    await eventually('reconcile from the owned VirtualService', () => log.includes(`${leaderName}:shop`));
    expect(log.filter((l) => l.startsWith(standbyName))).toEqual([]);

    const killed = Date.now();
    await leader.stop({ release: false });
    await eventually('takeover', () => standby.leading, ELECTION.leaseDurationMs + 3 * ELECTION.retryPeriodMs + 2000);
    expect(Date.now() - killed).toBeLessThanOrEqual(ELECTION.leaseDurationMs + 3 * ELECTION.retryPeriodMs + 2000);
    await eventually('reconcile by the new leader', () => log.includes(`${standbyName}:shop`));

    // Someone else takes the lease: the leader cannot renew and stops its controllers.
    const lease = await client.get<{ spec: Record<string, unknown> }>(resourcePath(LEASE, ELECTION.namespace, ELECTION.name));
    const stolen = { ...lease, spec: { ...lease.spec, holderIdentity: 'thief', renewTime: microTime(new Date()) } };
    await client.request(HttpMethod.PUT, resourcePath(LEASE, ELECTION.namespace, ELECTION.name), { body: stolen, contentType: CONTENT_TYPE.json });
    await eventually('stepping down', () => !standby.leading, ELECTION.renewDeadlineMs + 3 * ELECTION.retryPeriodMs + 2000);
    await standby.stop();
  });
});

describe('Manager shutdown', () => {
  it('aborts a reconcile waiting in ctx.sleep and stops promptly', async () => {
    const slept: boolean[] = [];
    let started = false;
    const waiting: ControllerSpec = {
      name: 'waiter',
      primary: ROUTER,
      watches: [],
      reconcile: async (_key, ctx) => {
        started = true;
        slept.push(await ctx.sleep(60_000));
        return { kind: 'done' };
      },
    };
    const m = new Manager({ kubeConfig: loadKubeConfig({ path: cp.kubeconfigPath }), controllers: [waiting], namespace: NS, leaderElection: false, http: { port: 0, host: '127.0.0.1' }, log: silentLogger });
    await m.start();
    expect(await probe(m, '/healthz')).toBe('200 ok\n');
    await createRouter('waits');
    await eventually('the reconcile to start waiting', () => started);
    const t0 = Date.now();
    await m.stop();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(slept).toEqual([false]);
    expect(m.leading).toBe(false);
  });
});
