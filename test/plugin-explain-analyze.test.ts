// `kubectl switchyard explain` and `analyze` through a real kubectl against a real kube-apiserver,
// with the real controllers (started as controllers/main.ts starts them: leader election on the
// Lease that publishes their configuration, here without an istiod URL).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROLLER_LEASE } from '../core/analyze/controller-config.ts';
import type { Finding } from '../core/analyze/types.ts';
import { parseControllerArgs } from '../controllers/controller-args.ts';
import { leaderElectionOf } from '../controllers/main.ts';
import { ensureKubectl } from '../dev/harness-artifacts.ts';
import { LEASE, resourcePath } from '../kube/kinds.ts';
import type { Manager } from '../kube/manager.ts';
import type { KubeObject } from '../kube/types.ts';
import { HttpMethod } from '@kubernetes/client-node';
import { VIRTUAL_SERVICE } from '../operator/cluster/kinds.ts';
import type { LiveExplanation } from '../operator/plugin/explain-command.ts';
import { noStackTrace } from './support/cli-run.ts';
import { REPO, runProcess, type PluginResult } from './support/plugin-process.ts';
import { eventually } from './support/eventually.ts';
import { routerObject } from './support/router-scenario.ts';
import { applyAsUser, createNamespace, createObject, eventuallyPhase, liveFilter, liveRouter, liveVirtualService, startSwitchyardCluster, type SwitchyardCluster } from './support/switchyard-cluster.ts';

const NS = 'sy-explain';
const HEALTHY = 'sy-explain-ok';
const WALK = 'sy-explain-walk';
let cluster: SwitchyardCluster;
let manager: Manager;
let kubectl: string;

/** `kubectl switchyard args…` as users run it: kubectl finds kubectl-switchyard on PATH. Asynchronous, so the controllers keep running. */
function kubectlSwitchyard(...args: string[]): Promise<PluginResult> {
  const env = { ...process.env, PATH: `${join(REPO, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` };
  return runProcess(kubectl, ['switchyard', ...args, '--kubeconfig', cluster.cp.kubeconfigPath], env);
}

const object = (apiVersion: string, kind: string, namespace: string, name: string, rest: Record<string, unknown>): KubeObject => ({ ...rest, apiVersion, kind, metadata: { name, namespace, ...((rest.metadata as object | undefined) ?? {}) } }) as KubeObject;
const filter = (namespace: string, name: string, spec: Record<string, unknown>): KubeObject => object('switchyard.io/v1alpha1', 'IstioFilter', namespace, name, { spec });
const rateLimit = (name: string, spec: Record<string, unknown>): KubeObject => object('switchyard.io/v1alpha1', 'RateLimit', NS, name, { spec: { quota: 10, unit: 'SECOND', ...spec } });
/** A pod with labels; without a kubelet it stays Pending, which is enough for label selection. */
async function createPod(namespace: string, name: string, labels: Record<string, string>): Promise<void> {
  const body = object('v1', 'Pod', namespace, name, { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'registry.example/app:1' }] } });
  await cluster.admin.request(HttpMethod.POST, `/api/v1/namespaces/${namespace}/pods`, { body, contentType: 'application/json' });
}

/** The controllers with the leader election controllers/main.ts derives from its flags (no --istiod-debug-url). */
async function startControllers(identity: string): Promise<Manager> {
  const election = leaderElectionOf(parseControllerArgs(['--prometheus-url', 'http://prometheus.monitoring:9090']));
  if (election === false) throw new Error('leader election is on by default');
  const started = cluster.controllers({ leaderElection: { ...election, identity } });
  await started.start();
  return started;
}

beforeAll(async () => {
  kubectl = await ensureKubectl();
  cluster = await startSwitchyardCluster();
  await createNamespace(cluster.admin, NS);
  await createNamespace(cluster.admin, HEALTHY);
  await createNamespace(cluster.admin, WALK);
  manager = await startControllers('sy-explain-test');
  // reviews: a 90/10 canary in verified mode, two filters where the later one overwrites the first's timeout.
  await applyAsUser(cluster.admin, routerObject(NS, 'reviews', { port: 9080, propagation: { mode: 'verified' }, subsets: [{ branch: 'main', versions: { v1: 90, v2: 10 } }] }));
  await applyAsUser(cluster.admin, filter(NS, 'sre-baseline', { target: { router: 'reviews' }, priority: 0, patches: [{ timeout: '2s' }, { retries: { attempts: 2 } }] }));
  await applyAsUser(cluster.admin, filter(NS, 'latency', { target: { router: 'reviews' }, priority: 100, patches: [{ jsonPatch: { target: 'VirtualService', ops: [{ op: 'replace', path: '/http/0/timeout', value: '9s' }] } }] }));
  // Expires in 30 minutes; targets nothing, so it does not change reviews.
  await applyAsUser(cluster.admin, filter(NS, 'chaos-soon', { target: { router: 'ratings' }, expiresAt: new Date(Date.now() + 30 * 60_000).toISOString(), patches: [{ timeout: '1s' }] }));
  // Only v1 runs: the v2 subset (weight 10) has no pod.
  await createPod(NS, 'reviews-v1-a', { app: 'reviews', branch: 'main', version: 'v1' });
  // A VirtualService Switchyard does not own, routing to a subset the Router generates.
  await createObject(cluster.admin, object('networking.istio.io/v1', 'VirtualService', NS, 'edge', { spec: { hosts: ['edge.example.com'], gateways: ['istio-system/public'], http: [{ route: [{ destination: { host: 'reviews', subset: 'main-v1' } }] }] } }));
  // Two global RateLimits on the reviews pods, same stage and domain.
  await applyAsUser(cluster.admin, rateLimit('page-a', { workloadSelector: { labels: { app: 'reviews' } } }));
  await applyAsUser(cluster.admin, rateLimit('page-b', { workloadSelector: { labels: { app: 'reviews', version: 'v1' } } }));
  // The healthy namespace: a settle-mode Router whose every subset has a pod.
  await applyAsUser(cluster.admin, routerObject(HEALTHY, 'ratings', { port: 9080, subsets: [{ branch: 'main', versions: { v1: 50, v2: 50 } }] }));
  for (const v of ['v1', 'v2']) await createPod(HEALTHY, `ratings-${v}`, { app: 'ratings', branch: 'main', version: v });
  await eventuallyPhase(() => liveRouter(cluster.admin, NS, 'reviews'), 'Ready', 30_000);
  await eventuallyPhase(() => liveRouter(cluster.admin, HEALTHY, 'ratings'), 'Ready', 30_000);
  await eventuallyPhase(() => liveFilter(cluster.admin, NS, 'latency'), 'Applied');
}, 240_000);

afterAll(async () => {
  await manager?.stop();
  await cluster?.cp.stop();
});

describe('the controllers publish their configuration', () => {
  it('as annotations on their Lease: istiod unset, the Prometheus URL, nothing secret', async () => {
    const lease = await cluster.admin.get<KubeObject>(resourcePath(LEASE, CONTROLLER_LEASE.namespace, CONTROLLER_LEASE.name));
    expect(lease.metadata.annotations).toEqual({ 'switchyard.io/istiod-url': 'unset', 'switchyard.io/prometheus-url': 'http://prometheus.monitoring:9090' });
  });

  it('which deploy/rbac.yaml lets any authenticated user read, and nothing else about Leases', async () => {
    const allowed = async (verb: string, name: string): Promise<boolean> => {
      const review = { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'sre-alice', groups: ['system:authenticated'], resourceAttributes: { group: 'coordination.k8s.io', resource: 'leases', namespace: CONTROLLER_LEASE.namespace, name, verb } } };
      const answer = await cluster.admin.request<{ status: { allowed: boolean } }>(HttpMethod.POST, '/apis/authorization.k8s.io/v1/subjectaccessreviews', { body: review, contentType: 'application/json' });
      return answer.status.allowed;
    };
    expect(await allowed('get', CONTROLLER_LEASE.name)).toBe(true);
    expect(await allowed('update', CONTROLLER_LEASE.name)).toBe(false);
    expect(await allowed('get', 'some-other-lease')).toBe(false);
  });
});

describe('kubectl switchyard explain', () => {
  it('shows who set each field, what the later filter overwrote, and that the live objects match', async () => {
    const r = await kubectlSwitchyard('explain', 'reviews', '-n', NS);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {4}timeout: 9s +# IstioFilter sy-explain\/latency patch 0 \(jsonPatch replace \/http\/0\/timeout\), priority 100; overwrote 2s set by IstioFilter sy-explain\/sre-baseline patch 0 \(timeout\), priority 0$/m);
    expect(r.stdout).toMatch(/^ {6}weight: 10 +# Router$/m);
    expect(r.stdout).toContain(`# live VirtualService ${NS}/reviews matches the computed one`);
    expect(r.stdout).toContain(`# live DestinationRule ${NS}/reviews matches the computed one`);
  });

  it('-o json: the computed VirtualService is the one the controller applied', async () => {
    const r = await kubectlSwitchyard('explain', 'reviews', '-n', NS, '-o', 'json');
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout) as LiveExplanation;
    const live = await liveVirtualService(cluster.admin, NS, 'reviews');
    expect((e.virtualService.object as { spec: unknown }).spec).toEqual(live?.spec);
    expect(e.filters.map((f) => [f.name, f.priority, f.phase])).toEqual([['sre-baseline', 0, 'Applied'], ['latency', 100, 'Applied']]);
    expect(e.live.virtualService).toEqual({ exists: true, drift: [] });
  });

  it('points out a hand edit of the VirtualService the controller has not reverted', async () => {
    await manager.stop();
    try {
      await cluster.admin.request(HttpMethod.PATCH, resourcePath(VIRTUAL_SERVICE, NS, 'reviews'), {
        body: [{ op: 'replace', path: '/spec/http/0/route/0/weight', value: 50 }, { op: 'replace', path: '/spec/http/0/route/1/weight', value: 50 }],
        contentType: 'application/json-patch+json',
      });
      const r = await kubectlSwitchyard('explain', 'reviews', '-n', NS);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`# live VirtualService ${NS}/reviews differs from the computed one (2 fields):`);
      expect(r.stdout).toMatch(/^# {3}spec\.http\[0\]\.route\[0\]\.weight +live 50 +computed 90$/m);
    } finally {
      manager = await startControllers('sy-explain-test-2');
    }
    await eventually('the controller reverts the hand edit', async () => (await liveVirtualService(cluster.admin, NS, 'reviews'))?.spec.http?.[0]?.route?.[0]?.weight === 90, 30_000);
  });

  it('renders a walking Router at the walk\'s current weights, as the controller does', async () => {
    const walked = (v1: number, v2: number) => routerObject(WALK, 'pages', { port: 9080, subsets: [{ branch: 'main', versions: { v1, v2 } }], progression: { steps: [20, 50], interval: '1h' } });
    for (const v of ['v1', 'v2']) await createPod(WALK, `pages-${v}`, { app: 'pages', branch: 'main', version: v });
    await applyAsUser(cluster.admin, walked(100, 0));
    await eventuallyPhase(() => liveRouter(cluster.admin, WALK, 'pages'), 'Ready', 30_000);
    await applyAsUser(cluster.admin, walked(0, 100));
    // Step 1 of the walk (20%) is live and held for the interval (an hour).
    const e = await eventually('the walk holds step 1 and the VS carries it', async () => {
      const router = await liveRouter(cluster.admin, WALK, 'pages');
      if ((router?.status?.progression as { step?: number } | undefined)?.step !== 1) return undefined;
      const r = await kubectlSwitchyard('explain', 'pages', '-n', WALK, '-o', 'json');
      const parsed = JSON.parse(r.stdout) as LiveExplanation;
      return parsed.live.virtualService.drift.length === 0 ? parsed : undefined;
    }, 30_000);
    expect(e.walkWeights).toEqual({ v1: 80, v2: 20 });
    const text = await kubectlSwitchyard('explain', 'pages', '-n', WALK);
    expect(text.stdout).toContain('# canary walk in progress: the default branch is rendered at v1=80,v2=20 (status.progression.current)');
    expect(text.stdout).toMatch(/^ {6}weight: 80 +# Router$/m);
    expect(text.stdout).toContain(`# live VirtualService ${WALK}/pages matches the computed one`);
  });

  it('names a missing Router and a bad flag without a stack trace', async () => {
    const missing = await kubectlSwitchyard('explain', 'nope', '-n', NS);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`kubectl switchyard explain: Router "nope" not found in namespace "${NS}"\n`);
    const bad = await kubectlSwitchyard('explain', 'reviews', '-n', NS, '-o', 'table');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('-o/--output must be text, json or yaml (got "table")');
    noStackTrace(missing.stderr + bad.stderr);
  });
});

describe('kubectl switchyard analyze', () => {
  it('reports each cross-object problem of the namespace and exits 1 on errors', async () => {
    const r = await kubectlSwitchyard('analyze', '-n', NS, '-o', 'json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout) as Finding[];
    expect(findings.map((f) => `${f.severity} ${f.code} ${f.object.kind}/${f.object.name}`).sort()).toEqual([
      'error SY0101 DestinationRule/reviews',
      'error SY0301 RateLimit/page-b',
      'warning SY0201 VirtualService/edge',
      'warning SY0401 IstioFilter/chaos-soon',
      'warning SY0501 Router/reviews',
    ]);
    expect(findings.find((f) => f.code === 'SY0101')?.message).toContain('spec.subsets[1] (subset main-v2 of Router reviews) selects pods app=reviews,branch=main,version=v2: no running pod');
    const text = await kubectlSwitchyard('analyze', '-n', NS);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^Warning \[SY0201\] \(VirtualService sy-explain\/edge\) spec\.http\[0\]\.route\[0\]\.destination routes to subset main-v1 of host reviews\.sy-explain\.svc\.cluster\.local/m);
    expect(text.stdout).toContain('2 error(s), 3 warning(s), 0 info when analyzing namespace sy-explain.');
  });

  it('finds nothing in a healthy namespace and exits 0; --fail-on warning turns warnings into exit 1', async () => {
    const ok = await kubectlSwitchyard('analyze', '-n', HEALTHY);
    expect(ok.stdout).toBe(`✔ No validation issues found when analyzing namespace ${HEALTHY}.\n`);
    expect(ok.code).toBe(0);
    await createObject(cluster.admin, filter(HEALTHY, 'soon', { target: { router: 'ratings' }, expiresAt: new Date(Date.now() + 20 * 60_000).toISOString(), patches: [{ retries: { attempts: 1 } }] }));
    expect((await kubectlSwitchyard('analyze', '-n', HEALTHY)).code).toBe(0);
    const strict = await kubectlSwitchyard('analyze', '-n', HEALTHY, '--fail-on', 'warning');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/^Warning \[SY0401\] \(IstioFilter sy-explain-ok\/soon\) spec\.expiresAt \S+ is in (19|20) minutes: its 1 patch\(es\) leave the routes from Router ratings then$/m);
  });

  it('-A covers every namespace', async () => {
    const r = await kubectlSwitchyard('analyze', '-A', '-o', 'json');
    const namespaces = new Set((JSON.parse(r.stdout) as Finding[]).map((f) => f.object.namespace));
    // The walk's namespace has every subset's pods: nothing to report there.
    expect([...namespaces].sort()).toEqual([NS, HEALTHY]);
  });
});
