// The three kinds' conditions as kstatus-based tools read them (Flux's health checks, `kubectl
// wait`, cli-utils): Ready, Reconciling and Stalled, each with observedGeneration, plus
// status.observedGeneration. Against a real kube-apiserver, the real controllers (as their
// least-privilege identity) and a real kubectl built at the API server's version.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { HttpMethod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION } from '../api/meta.ts';
import type { RouterSpec } from '../api/router.ts';
import { ensureKubectl } from '../dev/harness-artifacts.ts';
import { ROUTER, resourcePath } from '../controllers/scheme.ts';
import { CONTENT_TYPE } from '../kube/kube-client.ts';
import type { Manager } from '../kube/manager.ts';
import type { KindRef, KubeObject } from '../kube/types.ts';
import { eventually } from './support/eventually.ts';
import { routerObject } from './support/router-scenario.ts';
import { applyAsUser, createNamespace, liveFilter, liveRateLimit, liveRouter, startSwitchyardCluster, type LiveCr, type SwitchyardCluster } from './support/switchyard-cluster.ts';

const run = promisify(execFile);
const NS = 'kstatus';
const HOST = `page.${NS}.svc.cluster.local`;
/** kubectl wait's own timeout: a transition takes a few settle delays (100 ms each). */
const WAIT = '--timeout=30s';
/** Long enough that the walk is still analysing its first step while the test looks at it. */
const WALK_INTERVAL = '1h';

let cluster: SwitchyardCluster;
let manager: Manager;
let kubectlPath: string;

beforeAll(async () => {
  kubectlPath = await ensureKubectl();
  cluster = await startSwitchyardCluster();
  await createNamespace(cluster.admin, NS);
  manager = cluster.controllers();
  await manager.start();
});

afterAll(async () => {
  await manager?.stop();
  await cluster?.cp.stop();
});

/** Runs the real kubectl against the test API server as admin; rejects with its stderr on a non-zero exit. */
async function kubectl(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run(kubectlPath, ['--kubeconfig', cluster.cp.kubeconfigPath, '-n', NS, ...args]);
    return stdout.trim();
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`kubectl ${args.join(' ')} failed: ${e.stderr ?? e.message}`);
  }
}

type Status = 'True' | 'False' | 'Unknown';
interface LiveCondition {
  type: string;
  status: Status;
  reason: string;
  observedGeneration?: number;
}

function conditionsOf(cr: LiveCr | undefined): LiveCondition[] {
  return (cr?.status?.['conditions'] as LiveCondition[] | undefined) ?? [];
}

/**
 * kstatus's verdict for a custom resource (sigs.k8s.io/cli-utils pkg/kstatus/status, generic
 * rules): status.observedGeneration behind metadata.generation → InProgress; Reconciling=True →
 * InProgress; Stalled=True → Failed; otherwise Current. A status-less object reads Current to
 * kstatus too, which is why the test waits for the controller's first write first.
 */
function kstatus(cr: LiveCr): 'InProgress' | 'Failed' | 'Current' {
  const observed = cr.status?.observedGeneration;
  if (observed !== undefined && observed !== cr.metadata.generation) return 'InProgress';
  const conditions = conditionsOf(cr);
  if (conditions.some((c) => c.type === 'Reconciling' && c.status === 'True')) return 'InProgress';
  if (conditions.some((c) => c.type === 'Stalled' && c.status === 'True')) return 'Failed';
  return 'Current';
}

/** Ready, Reconciling and Stalled as `[type, status, reason]`, the first three in this order. */
function kstatusTriple(cr: LiveCr): [string, Status, string][] {
  return conditionsOf(cr)
    .slice(0, 3)
    .map((c) => [c.type, c.status, c.reason]);
}

/** Every condition and the status itself describe the object's current generation. */
function expectCurrentGeneration(cr: LiveCr): void {
  expect(cr.status?.observedGeneration).toBe(cr.metadata.generation);
  for (const c of conditionsOf(cr)) expect(c.observedGeneration, c.type).toBe(cr.metadata.generation);
}

async function settled(read: () => Promise<LiveCr | undefined>, what: string, ok: (cr: LiveCr) => boolean): Promise<LiveCr> {
  return eventually(
    what,
    async () => {
      const cr = await read();
      return cr?.status?.observedGeneration === cr?.metadata.generation && cr !== undefined && ok(cr) ? cr : undefined;
    },
    30_000,
  );
}

function object(kind: string, name: string, spec: unknown): KubeObject {
  return { apiVersion: API_VERSION, kind, metadata: { name, namespace: NS }, spec } as KubeObject;
}

async function mergePatch(kind: KindRef, name: string, body: unknown): Promise<void> {
  await cluster.admin.request(HttpMethod.PATCH, resourcePath(kind, NS, name), { body, contentType: CONTENT_TYPE.merge });
}

const pageSpec: RouterSpec = { port: 9090, subsets: [{ branch: 'master', versions: { v1: 90, v2: 10 } }] };

describe('kubectl wait --for=condition=Ready', () => {
  it('returns once a new Router is live, every condition at its generation, kstatus Current', async () => {
    // kubectl starts before the controller has written anything: it waits for the condition itself.
    const waiting = kubectl('wait', '--for=condition=Ready', 'router/page', WAIT);
    await applyAsUser(cluster.admin, routerObject(NS, 'page', pageSpec));
    expect(await waiting).toBe('router.switchyard.io/page condition met');
    const router = await settled(() => liveRouter(cluster.admin, NS, 'page'), 'page Ready', (cr) => cr.status?.phase === 'Ready');
    expect(kstatusTriple(router)).toEqual([
      ['Ready', 'True', 'Reconciled'],
      ['Reconciling', 'False', 'Reconciled'],
      ['Stalled', 'False', 'Reconciled'],
    ]);
    expectCurrentGeneration(router);
    expect(kstatus(router)).toBe('Current');
  });

  it('after an edit, waits for the new generation rather than the Ready of the old one', async () => {
    await mergePatch(ROUTER, 'page', { spec: { subsets: [{ branch: 'master', versions: { v1: 50, v2: 50 } }] } });
    await kubectl('wait', '--for=condition=Ready', 'router/page', WAIT);
    const router = await liveRouter(cluster.admin, NS, 'page');
    expect(router?.metadata.generation).toBe(2);
    // kubectl ignores a condition whose observedGeneration is behind metadata.generation.
    expect(conditionsOf(router).find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', observedGeneration: 2 });
    expect(router?.status?.['weights']).toBe('v1=50,v2=50');
  });

  it('returns for an applied IstioFilter and a RateLimit with its EnvoyFilter, both Current', async () => {
    await applyAsUser(cluster.admin, object('IstioFilter', 'retries', { target: { router: 'page' }, patches: [{ retries: { attempts: 3 } }] }));
    await applyAsUser(cluster.admin, object('RateLimit', 'page-limit', { hosts: [`${HOST}:9090`], quota: 10, unit: 'SECOND' }));
    expect(await kubectl('wait', '--for=condition=Ready', 'istiofilter/retries', 'ratelimit/page-limit', WAIT)).toBe(
      'istiofilter.switchyard.io/retries condition met\nratelimit.switchyard.io/page-limit condition met',
    );
    for (const cr of [await liveFilter(cluster.admin, NS, 'retries'), await liveRateLimit(cluster.admin, NS, 'page-limit')]) {
      if (!cr) throw new Error('IstioFilter or RateLimit missing');
      expect(kstatusTriple(cr).map(([type, status]) => [type, status])).toEqual([
        ['Ready', 'True'],
        ['Reconciling', 'False'],
        ['Stalled', 'False'],
      ]);
      expectCurrentGeneration(cr);
      expect(kstatus(cr)).toBe('Current');
    }
  });
});

describe('Stalled: nothing moves until the spec changes', () => {
  it('a Router whose spec passes the CRD but not Istio`s rules (an RE2-invalid regex)', async () => {
    const spec: RouterSpec = { port: 9090, subsets: [{ branch: 'master', versions: { v1: 100 } }, { branch: 'box-1', match: { headers: { 'x-branch': { regex: '(?=box)' } } } }] };
    await applyAsUser(cluster.admin, routerObject(NS, 'bad-regex', spec));
    await kubectl('wait', '--for=condition=Stalled', 'router/bad-regex', WAIT);
    const router = await settled(() => liveRouter(cluster.admin, NS, 'bad-regex'), 'bad-regex Invalid', (cr) => cr.status?.phase === 'Invalid');
    expect(kstatusTriple(router)).toEqual([
      ['Ready', 'False', 'Invalid'],
      ['Reconciling', 'False', 'Invalid'],
      ['Stalled', 'True', 'Invalid'],
    ]);
    expect(conditionsOf(router).find((c) => c.type === 'Invalid')).toMatchObject({ status: 'True', reason: 'InvalidSpec' });
    expectCurrentGeneration(router);
    expect(kstatus(router)).toBe('Failed');
  });

  it('an IstioFilter whose JSON Patch fails (Skipped), while the Router stays Ready', async () => {
    await applyAsUser(cluster.admin, object('IstioFilter', 'broken', { target: { router: 'page' }, patches: [{ jsonPatch: { target: 'VirtualService', ops: [{ op: 'replace', path: '/http/7/timeout', value: '1s' }] } }] }));
    await kubectl('wait', '--for=condition=Stalled', 'istiofilter/broken', WAIT);
    const filter = await settled(() => liveFilter(cluster.admin, NS, 'broken'), 'broken Skipped', (cr) => cr.status?.phase === 'Skipped');
    expect(kstatusTriple(filter)).toEqual([
      ['Ready', 'False', 'Skipped'],
      ['Reconciling', 'False', 'Skipped'],
      ['Stalled', 'True', 'Skipped'],
    ]);
    expect(kstatus(filter)).toBe('Failed');
    await kubectl('wait', '--for=condition=Ready', 'router/page', WAIT);
  });

  it('a RateLimit the renderer refuses (Invalid)', async () => {
    await applyAsUser(cluster.admin, object('RateLimit', 'v6', { hosts: [`${HOST}:9090`], quota: 10, unit: 'SECOND', match: { remoteAddress: 'fd00::/8' } }));
    await kubectl('wait', '--for=condition=Stalled', 'ratelimit/v6', WAIT);
    const rl = await settled(() => liveRateLimit(cluster.admin, NS, 'v6'), 'v6 Invalid', (cr) => cr.status?.phase === 'Invalid');
    expect(kstatusTriple(rl)).toEqual([
      ['Ready', 'False', 'Invalid'],
      ['Reconciling', 'False', 'Invalid'],
      ['Stalled', 'True', 'Invalid'],
    ]);
    expect(kstatus(rl)).toBe('Failed');
  });
});

describe('Reconciling: on its way by itself', () => {
  it('a RateLimit whose host has no Router or Service yet, Ready once the Router exists', async () => {
    await applyAsUser(cluster.admin, object('RateLimit', 'early', { hosts: [`later.${NS}.svc.cluster.local:8080`], quota: 5, unit: 'MINUTE' }));
    await kubectl('wait', '--for=condition=Reconciling', 'ratelimit/early', WAIT);
    const pending = await settled(() => liveRateLimit(cluster.admin, NS, 'early'), 'early Pending', (cr) => cr.status?.phase === 'Pending');
    expect(kstatusTriple(pending)).toEqual([
      ['Ready', 'False', 'HostUnresolved'],
      ['Reconciling', 'True', 'HostUnresolved'],
      ['Stalled', 'False', 'HostUnresolved'],
    ]);
    expect(kstatus(pending)).toBe('InProgress');
    await applyAsUser(cluster.admin, routerObject(NS, 'later', { port: 8080, subsets: [{ branch: 'master', versions: { v1: 100 } }] }));
    await kubectl('wait', '--for=condition=Ready', 'ratelimit/early', WAIT);
  });

  it('a Router walking its canary is Reconciling; rolled back it is Stalled until the weights change', async () => {
    const walked = (versions: Record<string, number>): RouterSpec => ({
      port: 9090,
      subsets: [{ branch: 'master', versions }],
      // No Prometheus is asked: the interval outlasts the test, and `abort` ends the walk.
      progression: { steps: [50], interval: WALK_INTERVAL, analysis: [{ name: 'one', query: 'vector(1)', min: 0 }] },
    });
    await applyAsUser(cluster.admin, routerObject(NS, 'walker', walked({ v1: 100 })));
    await kubectl('wait', '--for=condition=Ready', 'router/walker', WAIT);
    await applyAsUser(cluster.admin, routerObject(NS, 'walker', walked({ v2: 100 })));
    const walking = await settled(() => liveRouter(cluster.admin, NS, 'walker'), 'walker analysing step 1', (cr) => (cr.status?.['progression'] as { step?: number; phase?: string } | undefined)?.step === 1 && cr.status?.phase === 'Progressing' && cr.status['step'] === undefined);
    expect(kstatusTriple(walking)).toEqual([
      ['Ready', 'False', 'Walking'],
      ['Reconciling', 'True', 'Walking'],
      ['Stalled', 'False', 'Walking'],
    ]);
    expect(kstatus(walking)).toBe('InProgress');
    expectCurrentGeneration(walking);
    await kubectl('wait', '--for=condition=Reconciling', 'router/walker', '--timeout=1s');

    await kubectl('annotate', 'router/walker', 'switchyard.io/progression=abort@1', '--overwrite');
    await kubectl('wait', '--for=condition=Stalled', 'router/walker', WAIT);
    const rolledBack = await settled(() => liveRouter(cluster.admin, NS, 'walker'), 'walker RolledBack', (cr) => cr.status?.phase === 'RolledBack');
    expect(kstatusTriple(rolledBack)).toEqual([
      ['Ready', 'False', 'RolledBack'],
      ['Reconciling', 'False', 'RolledBack'],
      ['Stalled', 'True', 'RolledBack'],
    ]);
    expect(kstatus(rolledBack)).toBe('Failed');
    expect(rolledBack.status?.['progression']).toMatchObject({ phase: 'RolledBack' });
  });
});

describe('the CRDs', () => {
  it('keep conditions as a map keyed by type: a second condition of one type is refused', async () => {
    const ready = conditionsOf(await liveRouter(cluster.admin, NS, 'page'))[0];
    const twice = { status: { conditions: [ready, ready] } };
    const write = cluster.admin.request(HttpMethod.PATCH, `${resourcePath(ROUTER, NS, 'page')}/status`, { body: twice, contentType: CONTENT_TYPE.merge });
    await expect(write).rejects.toThrow(/Duplicate value/);
  });
});
