// promote / abort / pause / resume and the walk's view against a real kube-apiserver, the real
// controllers and a real Prometheus (Debian's) scraping a gauge the test sets: the plugin writes
// the command annotation, the controller acts on it, the walk and the live VirtualService change,
// and `get router` shows each check's value and verdict as Prometheus measured it.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Progression, ProgressionStatus } from '../api/progression.ts';
import type { RouterSpec } from '../api/router.ts';
import { startPrometheus, type PrometheusInstance } from '../dev/prometheus.ts';
import type { Manager } from '../kube/manager.ts';
import { eventually } from './support/eventually.ts';
import { noStackTrace } from './support/cli-run.ts';
import { plugin } from './support/plugin-process.ts';
import { routerObject } from './support/router-scenario.ts';
import { applyAsUser, createNamespace, eventuallyPhase, liveRouter, liveVirtualService, startSwitchyardCluster, type SwitchyardCluster } from './support/switchyard-cluster.ts';

const NS = 'plugin-walk';
/** Prometheus scrapes the gauge this often; a changed value is queryable within a few intervals. */
const SCRAPE_MS = 200;

let cluster: SwitchyardCluster;
let manager: Manager;
let prometheus: PrometheusInstance;
let gauge: Server;
let dataDir: string;
/** What the gauge `canary_ok_ratio` reports: the test's control over the analysis. */
let okRatio = 99.5;
let kc: string[];

function spec(weights: Record<string, number>, progression: Progression): RouterSpec {
  return { port: 9080, subsets: [{ branch: 'main', versions: weights }], progression };
}

function walkOf(router: Awaited<ReturnType<typeof liveRouter>>): ProgressionStatus | undefined {
  return (router?.status as { progression?: ProgressionStatus } | undefined)?.progression;
}

/** `subset=weight` of the live VirtualService's main route. */
async function liveWeights(name: string): Promise<string> {
  const vs = await liveVirtualService(cluster.admin, NS, name);
  const route = vs?.spec.http?.find((r) => r.name === 'main')?.route ?? [];
  return route.map((d) => `${d.destination.subset}=${d.weight ?? 100}`).join(',');
}

function eventuallyWalk(name: string, what: string, ok: (w: ProgressionStatus) => boolean, timeoutMs = 20_000): Promise<ProgressionStatus> {
  return eventually(what, async () => {
    const w = walkOf(await liveRouter(cluster.admin, NS, name));
    return w !== undefined && ok(w) ? w : undefined;
  }, timeoutMs);
}

beforeAll(async () => {
  gauge = createServer((_req, res) => res.end(`# TYPE canary_ok_ratio gauge\ncanary_ok_ratio ${okRatio}\n`));
  await new Promise<void>((resolve) => gauge.listen(0, '127.0.0.1', resolve));
  dataDir = await mkdtemp(join(tmpdir(), 'sy-plugin-walk-'));
  prometheus = await startPrometheus({ dataDir, scrapeIntervalMs: SCRAPE_MS, targets: [{ job: 'canary', address: `127.0.0.1:${(gauge.address() as AddressInfo).port}`, metricsPath: '/metrics' }] });
  cluster = await startSwitchyardCluster();
  kc = ['-n', NS, '--kubeconfig', cluster.cp.kubeconfigPath];
  await createNamespace(cluster.admin, NS);
  manager = cluster.controllers();
  await manager.start();
});

afterAll(async () => {
  await manager?.stop();
  await cluster?.cp.stop();
  await prometheus?.stop();
  gauge?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('promote, abort, pause and resume steer the walk', () => {
  // A long analysis window: the walk stays at step 1 until a command moves it.
  const progression = (): Progression => ({ steps: [20, 50], interval: '5m', analysis: [{ name: 'ok-ratio', query: 'canary_ok_ratio', min: 99 }], prometheus: { url: prometheus.url } });

  it('pauses and resumes a walk at its step, refuses what makes no sense, promotes it to the end and aborts the next one', async () => {
    await applyAsUser(cluster.admin, routerObject(NS, 'walk', spec({ v1: 100, v2: 0 }, progression())));
    await eventuallyPhase(() => liveRouter(cluster.admin, NS, 'walk'), 'Ready');
    await applyAsUser(cluster.admin, routerObject(NS, 'walk', spec({ v1: 0, v2: 100 }, progression())));
    await eventuallyWalk('walk', 'step 1 live', (w) => w.phase === 'Progressing' && w.step === 1 && w.stepStartedAt !== undefined);
    expect(await liveWeights('walk')).toBe('main-v1=80,main-v2=20');

    const paused = await plugin('pause', 'walk', ...kc);
    expect(paused.stderr).toBe('');
    expect(paused.code).toBe(0);
    expect(paused.stdout).toMatch(/^pause requested for Router plugin-walk\/walk: annotation switchyard\.io\/progression=pause@\S+\n {2}walk was Progressing, step 1\/3 at 20%: step 1\/3 live; .*\ntaken by the controller: Router phase Paused\n {2}walk now Paused, step 1\/3 at 20%: paused by command\n$/);
    expect(await liveWeights('walk')).toBe('main-v1=80,main-v2=20');

    const again = await plugin('pause', 'walk', ...kc);
    expect(again.stderr).toBe('kubectl switchyard pause: refused: Router plugin-walk/walk: the walk is already paused at step 1/3 (resume or promote it)\n');
    expect(again.code).toBe(1);

    const resumed = await plugin('resume', 'walk', ...kc);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/taken by the controller: Router phase Progressing\n {2}walk now Progressing, step 1\/3 at 20%: step 1\/3 live; analysing until .*\n$/);

    const tree = await plugin('get', 'router', 'walk', ...kc);
    expect(tree.stdout).toMatch(/progression: Progressing, step 1\/3 at 20%\n.*from v1=100,v2=0 to v1=0,v2=100; now v1=80,v2=20/);
    expect(tree.stdout).toMatch(/command resume@\S+: taken by the controller/);

    // --no-wait: the annotation is written and the plugin returns without waiting.
    const promoted = await plugin('promote', 'walk', '--no-wait', ...kc);
    expect(promoted.code).toBe(0);
    expect(promoted.stdout).toMatch(/^promote requested for Router plugin-walk\/walk: annotation switchyard\.io\/progression=promote@\S+\n {2}walk was Progressing, step 1\/3 at 20%: .*\n$/);
    await eventuallyWalk('walk', 'promoted', (w) => w.phase === 'Promoted');
    await eventuallyPhase(() => liveRouter(cluster.admin, NS, 'walk'), 'Ready');
    expect(await liveWeights('walk')).toBe('main-v1=0,main-v2=100');

    await applyAsUser(cluster.admin, routerObject(NS, 'walk', spec({ v1: 100, v2: 0 }, progression())));
    await eventuallyWalk('walk', 'the second walk at step 1', (w) => w.phase === 'Progressing' && w.step === 1 && w.stepStartedAt !== undefined);
    expect(await liveWeights('walk')).toBe('main-v1=20,main-v2=80');
    const aborted = await plugin('abort', 'walk', ...kc);
    expect(aborted.code).toBe(0);
    expect(aborted.stdout).toMatch(/taken by the controller: Router phase \w+\n {2}walk now (RollingBack|RolledBack), step 1\/3 at 0%: aborted by command\n$/);
    await eventuallyWalk('walk', 'rolled back', (w) => w.phase === 'RolledBack');
    await eventually('the promoted weights live again', async () => (await liveWeights('walk')) === 'main-v1=0,main-v2=100');

    const nothing = await plugin('resume', 'walk', ...kc);
    expect(nothing.stderr).toBe('kubectl switchyard resume: refused: Router plugin-walk/walk: no walk in progress to resume (progression phase RolledBack)\n');
    expect(nothing.code).toBe(1);
    noStackTrace(nothing.stderr);
  });

  it('gives up after --timeout when no controller takes the command, leaving the annotation', async () => {
    await applyAsUser(cluster.admin, routerObject(NS, 'waits', spec({ v1: 100, v2: 0 }, progression())));
    await eventuallyPhase(() => liveRouter(cluster.admin, NS, 'waits'), 'Ready');
    await applyAsUser(cluster.admin, routerObject(NS, 'waits', spec({ v1: 0, v2: 100 }, progression())));
    await eventuallyWalk('waits', 'step 1 live', (w) => w.phase === 'Progressing' && w.step === 1 && w.stepStartedAt !== undefined);
    await manager.stop();
    try {
      const r = await plugin('abort', 'waits', '--timeout', '2s', ...kc);
      expect(r.stderr).toMatch(/^kubectl switchyard abort: the controller did not take abort@\S+ within 2s \(is the Switchyard controller running\?\); the annotation stays/);
      expect(r.code).toBe(1);
    } finally {
      manager = cluster.controllers();
      await manager.start();
    }
    // The new controller acts on the annotation it finds.
    await eventuallyWalk('waits', 'rolled back by the pending command', (w) => w.phase === 'RolledBack');
  });
});

describe('get router shows the checks Prometheus judged', () => {
  const progression = (): Progression => ({ steps: [50], interval: '1s', failureLimit: 1, analysis: [{ name: 'ok-ratio', query: 'canary_ok_ratio', min: 99 }], prometheus: { url: prometheus.url } });

  it('a passing value promotes the walk; a failing one rolls it back, each shown with its value and verdict', async () => {
    await applyAsUser(cluster.admin, routerObject(NS, 'checked', spec({ v1: 100, v2: 0 }, progression())));
    await eventuallyPhase(() => liveRouter(cluster.admin, NS, 'checked'), 'Ready');
    await applyAsUser(cluster.admin, routerObject(NS, 'checked', spec({ v1: 0, v2: 100 }, progression())));
    await eventuallyWalk('checked', 'promoted after a passing analysis', (w) => w.phase === 'Promoted' && (w.checks?.length ?? 0) > 0);
    const passed = await plugin('get', 'router', 'checked', ...kc);
    expect(passed.stdout).toMatch(/progression: Promoted\n/);
    expect(passed.stdout).toContain('check ok-ratio: 99.5 (want >= 99) Pass');

    okRatio = 42;
    await eventually('Prometheus reads 42', async () => {
      const reply = (await (await fetch(`${prometheus.url}/api/v1/query?query=canary_ok_ratio`)).json()) as { data: { result: { value: [number, string] }[] } };
      return reply.data.result[0]?.value[1] === '42';
    });
    await applyAsUser(cluster.admin, routerObject(NS, 'checked', spec({ v1: 100, v2: 0 }, progression())));
    await eventuallyWalk('checked', 'rolled back after a failing analysis', (w) => w.phase === 'RolledBack');
    const failed = await plugin('get', 'router', 'checked', ...kc);
    expect(failed.stdout).toMatch(/^Router plugin-walk\/checked: RolledBack/);
    expect(failed.stdout).toMatch(/progression: RolledBack\n/);
    expect(failed.stdout).toMatch(/check ok-ratio: 42 \(want >= 99\) Fail — ok-ratio = 42, want >= 99/);
    const table = await plugin('get', 'routers', ...kc);
    expect(table.stdout).toMatch(/^checked\s+RolledBack\s+v1=0,v2=100\s+-\s+RolledBack\s/m);
  });
});
