// `kubectl switchyard get`, `plan` and bad input against a real kube-apiserver with the real
// controllers: the tree printed is what the API server holds, `-w` redraws from a watch (the API
// server counts the plugin's WATCH and no further LIST), `plan` shows a pending change, and the
// plugin runs as a real kubectl plugin.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpMethod, IsomorphicFetchHttpLibrary, RequestContext } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ensureKubectl } from '../dev/harness-artifacts.ts';
import { freeLoopbackPort } from '../dev/readiness.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import type { Manager } from '../kube/manager.ts';
import { ISTIO_FILTER, ROUTER, resourcePath } from '../operator/cluster/kinds.ts';
import { routerView, type ClusterObject } from '../operator/cluster/router-view.ts';
import { routerTreesText } from '../operator/plugin/router-text.ts';
import { noStackTrace } from './support/cli-run.ts';
import { plugin, REPO, runProcess, startPlugin } from './support/plugin-process.ts';
import { routerObject } from './support/router-scenario.ts';
import { applyAsUser, createNamespace, eventuallyPhase, liveRouter, startSwitchyardCluster, type SwitchyardCluster } from './support/switchyard-cluster.ts';
import { eventually } from './support/eventually.ts';

const NS = 'plugin-get';
let cluster: SwitchyardCluster;
let manager: Manager;
let kc: string[];

function filter(name: string, spec: Record<string, unknown>): ClusterObject & { apiVersion: string; kind: string } {
  return { apiVersion: 'switchyard.io/v1alpha1', kind: 'IstioFilter', metadata: { name, namespace: NS }, spec };
}

/** The sum of an API server counter or gauge over the series whose labels include every one of `labels`. */
async function apiserverMetric(admin: KubeClient, name: string, labels: string[]): Promise<number> {
  const ctx = new RequestContext(`${admin.kubeConfig.getCurrentCluster()?.server ?? ''}/metrics`, HttpMethod.GET);
  await admin.kubeConfig.applySecurityAuthentication(ctx);
  const text = await (await new IsomorphicFetchHttpLibrary().send(ctx).toPromise()).body.text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && labels.every((label) => l.includes(label)))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}
const ROUTERS_IN_NAMESPACE = ['resource="routers"', 'scope="namespace"'];

beforeAll(async () => {
  cluster = await startSwitchyardCluster();
  kc = ['--kubeconfig', cluster.cp.kubeconfigPath];
  await createNamespace(cluster.admin, NS);
  manager = cluster.controllers();
  await manager.start();
  await applyAsUser(cluster.admin, routerObject(NS, 'reviews', { port: 9080, subsets: [{ branch: 'main', versions: { v1: 90, v2: 10 } }, { branch: 'box-1', match: { headers: { 'x-branch': { exact: 'box-1' } } } }] }));
  await applyAsUser(cluster.admin, filter('retries', { target: { router: 'reviews' }, priority: 10, patches: [{ retries: { attempts: 3 } }] }));
  await applyAsUser(cluster.admin, filter('chaos', { target: { host: `reviews.${NS}.svc.cluster.local` }, priority: -5, patches: [{ fault: { abort: { httpStatus: 503, percentage: 1 } } }] }));
  await applyAsUser(cluster.admin, routerObject(NS, 'ratings', { port: 9080, subsets: [{ branch: 'main' }] }));
  await eventuallyPhase(() => liveRouter(cluster.admin, NS, 'reviews'), 'Ready');
  await eventuallyPhase(() => liveRouter(cluster.admin, NS, 'ratings'), 'Ready');
  // Both filters have reported Applied (their own controller writes their status).
  await eventually('filters Applied', async () => {
    const list = await cluster.admin.get<{ items: ClusterObject[] }>(resourcePath(ISTIO_FILTER, NS));
    return list.items.length === 2 && list.items.every((f) => (f.status as { phase?: string } | undefined)?.phase === 'Applied');
  });
});

afterAll(async () => {
  await manager?.stop();
  await cluster?.cp.stop();
});

describe('kubectl switchyard get', () => {
  it('prints the tree of a Router exactly as the view of what the API server holds', async () => {
    const r = await plugin('get', 'router', 'reviews', '-n', NS, ...kc);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const router = await cluster.admin.get<ClusterObject>(resourcePath(ROUTER, NS, 'reviews'));
    const filters = (await cluster.admin.get<{ items: ClusterObject[] }>(resourcePath(ISTIO_FILTER, NS))).items;
    // A Ready Router without a walk has no clock-relative text: the whole tree compares.
    expect(r.stdout).toBe(`${routerTreesText([routerView(router, filters)], new Date())}\n`);
    expect(r.stdout).toContain(`Router ${NS}/reviews: Ready`);
    expect(r.stdout).toMatch(/v1 █████████░ {2}90%\n.*v2 █░░░░░░░░░ {2}10%/);
    expect(r.stdout).toMatch(/1\. chaos priority -5: Applied \(targets host reviews\.plugin-get\.svc\.cluster\.local\)[\s\S]*2\. retries priority 10: Applied/);
    expect(r.stdout).toMatch(/generated\n\s+├─ DestinationRule plugin-get\/reviews\n\s+└─ VirtualService plugin-get\/reviews/);
  });

  it('lists every Router of the namespace, and of all namespaces with -A', async () => {
    const r = await plugin('get', 'routers', '-n', NS, ...kc);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+PHASE\s+WEIGHTS\s+SANDBOXES\s+WALK\s+STEP\s+FILTERS\s+AGE$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/).slice(0, 7))).toEqual([
      ['ratings', 'Ready', '-', '-', '-', '-', '-'],
      ['reviews', 'Ready', 'v1=90,v2=10', 'box-1', '-', '-', '2/2 applied'],
    ]);
    const all = await plugin('get', 'routers', '-A', ...kc);
    expect(all.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME/);
    expect(all.stdout).toMatch(new RegExp(`^${NS}\\s+reviews\\s+Ready`, 'm'));
  });

  it('-w redraws a weight change from a watch: one WATCH opened, no LIST after the first, exits 0 on SIGINT', async () => {
    const listsBefore = await apiserverMetric(cluster.admin, 'apiserver_request_total', [...ROUTERS_IN_NAMESPACE, 'verb="LIST"']);
    const watchesBefore = await apiserverMetric(cluster.admin, 'apiserver_longrunning_requests', [...ROUTERS_IN_NAMESPACE, 'verb="WATCH"']);
    const w = startPlugin('get', 'router', 'reviews', '-n', NS, '-w', ...kc);
    try {
      await w.waitFor(/v2 █░░░░░░░░░ {2}10%/);
      await eventually('the plugin holds a WATCH on the namespace\'s Routers', async () => (await apiserverMetric(cluster.admin, 'apiserver_longrunning_requests', [...ROUTERS_IN_NAMESPACE, 'verb="WATCH"'])) === watchesBefore + 1);
      const listsAtStart = await apiserverMetric(cluster.admin, 'apiserver_request_total', [...ROUTERS_IN_NAMESPACE, 'verb="LIST"']);
      expect(listsAtStart - listsBefore).toBe(1); // the informer's one list
      const changed = Date.now();
      await applyAsUser(cluster.admin, routerObject(NS, 'reviews', { port: 9080, subsets: [{ branch: 'main', versions: { v1: 60, v2: 40 } }, { branch: 'box-1', match: { headers: { 'x-branch': { exact: 'box-1' } } } }] }));
      const out = await w.waitFor(/--- \S+\nRouter plugin-get\/reviews: Ready\n[\s\S]*v1 ██████░░░░ {2}60%\n[\s\S]*v2 ████░░░░░░ {2}40%/, 10_000);
      // Well within a watch's life (the informer relists only after a failure, and its watches last ≥ 60 s).
      expect(Date.now() - changed).toBeLessThan(10_000);
      // The intermediate drawings show the make-before-break transition the controller made.
      expect(out).toMatch(/Router plugin-get\/reviews: Progressing/);
      expect(await apiserverMetric(cluster.admin, 'apiserver_request_total', [...ROUTERS_IN_NAMESPACE, 'verb="LIST"'])).toBe(listsAtStart);
      w.child.kill('SIGINT');
      expect(await w.exited).toBe(0);
      expect(w.stderr()).toBe('');
    } finally {
      w.child.kill('SIGKILL');
    }
  });

  it('works as a real kubectl plugin: kubectl finds kubectl-switchyard on PATH and passes its flags', async () => {
    const kubectl = await ensureKubectl();
    const env = { ...process.env, PATH: `${join(REPO, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` };
    const r = await runProcess(kubectl, ['switchyard', 'get', 'routers', '--kubeconfig', cluster.cp.kubeconfigPath, '-n', NS], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^reviews\s+Ready\s+v1=60,v2=40/m);
    const listed = await runProcess(kubectl, ['plugin', 'list'], env);
    expect(listed.stdout).toMatch(/kubectl-switchyard/);
  });

  it("completes commands, Router names and namespaces through kubectl's own completion (kubectl_complete-switchyard on PATH)", async () => {
    const kubectl = await ensureKubectl();
    const env = { ...process.env, PATH: `${join(REPO, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` };
    const tab = async (...words: string[]): Promise<string[]> => {
      const r = await runProcess(kubectl, ['__complete', 'switchyard', ...words], env);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.trim().split('\n');
    };
    expect(await tab('pro')).toEqual(['promote', ':4']);
    expect(await tab('promote', '--kubeconfig', cluster.cp.kubeconfigPath, '-n', NS, '')).toEqual(['ratings', 'reviews', ':4']);
    expect(await tab('get', 'router', '--kubeconfig', cluster.cp.kubeconfigPath, '-n', NS, 'rev')).toEqual(['reviews', ':4']);
    expect(await tab('explain', '--kubeconfig', cluster.cp.kubeconfigPath, '-n', '')).toContain(NS);
    expect(await tab('plan', 'reviews', '-o', '')).toEqual(['text', 'yaml', ':4']);
  });
});

describe('kubectl switchyard plan', () => {
  it('prints the make-before-break steps of a change the controllers have not applied, then nothing once they have', async () => {
    await manager.stop();
    try {
      await applyAsUser(cluster.admin, routerObject(NS, 'reviews', { port: 9080, subsets: [{ branch: 'main', versions: { v1: 50, v3: 50 } }, { branch: 'box-1', match: { headers: { 'x-branch': { exact: 'box-1' } } } }] }));
      const r = await plugin('plan', 'reviews', '-n', NS, ...kc);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(
        [
          `Router ${NS}/reviews: 3 step(s)`,
          `  1. apply-union-destination-rule DestinationRule ${NS}/reviews`,
          '       add subset main-v3',
          `  2. apply-virtual-service VirtualService ${NS}/reviews`,
          '       route main: main-v1 60→50, main-v2 40→none, main-v3 none→50',
          `  3. apply-pruned-destination-rule DestinationRule ${NS}/reviews`,
          '       remove subset main-v2',
          '',
        ].join('\n'),
      );
      const yaml = await plugin('plan', 'reviews', '-n', NS, '-o', 'yaml', ...kc);
      const objects = parseAllDocuments(yaml.stdout).map((d) => d.toJS() as { kind: string; spec: { subsets?: { name: string }[] } });
      expect(objects.map((o) => o.kind)).toEqual(['DestinationRule', 'VirtualService', 'DestinationRule']);
      expect(objects[0]?.spec.subsets?.map((s) => s.name).sort()).toEqual(['box-1', 'main-v1', 'main-v2', 'main-v3']);
      // The chaos fault and the retries of the two filters are in the planned VirtualService.
      expect(JSON.stringify(objects[1])).toMatch(/"fault":.*"retries"/);
    } finally {
      manager = cluster.controllers();
      await manager.start();
    }
    await eventuallyPhase(() => liveRouter(cluster.admin, NS, 'reviews'), 'Ready');
    const after = await plugin('plan', 'reviews', '-n', NS, ...kc);
    expect(after.stdout).toBe(`Router ${NS}/reviews: up to date, nothing to apply\n`);
  });
});

describe('bad input: a clear message, exit 1 or 2, never a stack trace', () => {
  it.each([
    [['get', 'router', 'nope'], 1, /kubectl switchyard get: Router "nope" not found in namespace "plugin-get"/],
    [['promote', 'nope'], 1, /kubectl switchyard promote: Router "nope" not found in namespace "plugin-get"/],
    [['plan', 'nope'], 1, /kubectl switchyard plan: Router "nope" not found/],
    [['get', 'router'], 2, /get router needs a NAME/],
    [['get'], 2, /missing what to get: routers, or router NAME/],
    [['get', 'pods'], 2, /cannot get "pods": only routers/],
    [['promote'], 2, /promote needs the ROUTER's name/],
    [['get', 'routers', '--colour'], 2, /Unknown option '--colour'/],
    [['plan', 'reviews', '-o', 'json'], 2, /-o\/--output must be text or yaml \(got "json"\)/],
    [['abort', 'reviews', '--timeout', 'soon'], 2, /--timeout must be a duration such as 5s, 250ms or 1m30s \(got "soon"\)/],
    [['frobnicate'], 2, /unknown command "frobnicate"/],
  ])('%j → exit %i', async (args, code, message) => {
    const r = await plugin(...args, '-n', NS, ...kc);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(code);
    noStackTrace(r.stderr);
  });

  it('refuses promote on a Router without spec.progression', async () => {
    const r = await plugin('promote', 'reviews', '-n', NS, ...kc);
    expect(r.stderr).toBe(`kubectl switchyard promote: refused: Router ${NS}/reviews has no spec.progression: its weights apply at once, there is no walk to promote\n`);
    expect(r.code).toBe(1);
    const router = await cluster.admin.get<ClusterObject>(resourcePath(ROUTER, NS, 'reviews'));
    expect(router.metadata.annotations?.['switchyard.io/progression']).toBeUndefined();
  });

  it('says the cluster cannot be reached, and names a kubeconfig it cannot read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sy-plugin-get-'));
    try {
      const port = await freeLoopbackPort();
      const config = parse(await readFile(cluster.cp.kubeconfigPath, 'utf8')) as { clusters: { cluster: { server: string } }[] };
      for (const c of config.clusters) c.cluster.server = `https://127.0.0.1:${port}`;
      const dead = join(dir, 'dead.kubeconfig');
      await writeFile(dead, JSON.stringify(config));
      const r = await plugin('get', 'routers', '--kubeconfig', dead);
      expect(r.stderr).toMatch(new RegExp(`kubectl switchyard get: cannot reach the cluster.*(connection refused|ECONNREFUSED)`));
      expect(r.code).toBe(1);
      noStackTrace(r.stderr);
      const missing = await plugin('get', 'routers', '--kubeconfig', join(dir, 'absent'));
      expect(missing.stderr).toMatch(/kubectl switchyard get: .*absent/);
      expect(missing.code).toBe(1);
      noStackTrace(missing.stderr);
      const context = await plugin('get', 'routers', '--context', 'elsewhere', ...kc);
      expect(context.stderr).toMatch(/context "elsewhere" is not in the kubeconfig/);
      expect(context.code).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
