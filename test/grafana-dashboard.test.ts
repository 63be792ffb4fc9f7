// The Grafana dashboard (deploy/grafana/switchyard.json) names only metrics the processes really
// expose: a real controllers process (`node controllers/main.ts` against the embedded API server,
// reconciling a Router) and a real rate-limit service (`ratelimit/main.ts` on a real Redis, over
// its quota) are scraped, and every metric name in the dashboard's PromQL must be among them.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateLimitDescriptor } from '../core/ratelimit/descriptor.ts';
import { startControllerProcess, type ControllerProcess } from '../dev/controller-process.ts';
import { REPO_ROOT } from '../dev/harness-artifacts.ts';
import { startRedis, type RedisInstance } from '../dev/redis.ts';
import { eventually } from './support/eventually.ts';
import { rateLimitNamed } from './support/ratelimit-scenario.ts';
import { routerObject, seedSpec } from './support/router-scenario.ts';
import { startRlsProcess, type RlsProcess } from './support/rls-process.ts';
import { applyAsUser, createNamespace, eventuallyPhase, liveRouter, startSwitchyardCluster, type SwitchyardCluster } from './support/switchyard-cluster.ts';

const DASHBOARD = join(REPO_ROOT, 'deploy', 'grafana', 'switchyard.json');
const NS = 'dashboard';
/** A quota small enough that a handful of counted decisions goes over it. */
const QUOTA = 2;

/**
 * PromQL words that are not metric names: the functions, aggregations and keywords the dashboard
 * uses. A word missing here makes the test fail naming it (never pass silently).
 */
const PROMQL_WORDS = new Set(['sum', 'max', 'min', 'avg', 'count', 'rate', 'increase', 'irate', 'histogram_quantile', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'label_values']);

interface Target {
  expr?: string;
}
interface Panel {
  type: string;
  title: string;
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: string | { query: string } }[] };
}

let cluster: SwitchyardCluster;
let controllers: ControllerProcess;
let redis: RedisInstance;
let rls: RlsProcess;
let logDir: string;

beforeAll(async () => {
  logDir = await mkdtemp(join(tmpdir(), 'sy-pkg-dashboard-'));
  cluster = await startSwitchyardCluster();
  await createNamespace(cluster.admin, NS);
  controllers = await startControllerProcess({ kubeconfigPath: cluster.cp.controllerKubeconfigPath, logPath: join(logDir, 'controllers.log'), settleDelay: '0s' });
  redis = await startRedis();
  rls = await startRlsProcess({ rateLimits: [rateLimitNamed('page-show', { hosts: ['page.shop.svc.cluster.local:80'], quota: QUOTA, unit: 'MINUTE' })], redisUrl: redis.url });
});

afterAll(async () => {
  await controllers?.proc.stop();
  await rls?.dispose();
  await redis?.stop();
  await cluster?.cp.stop();
  if (logDir) await rm(logDir, { recursive: true, force: true });
});

/**
 * Every name a Prometheus scrape of this text stores: each sample's name, and each family's
 * samples as declared by `# TYPE` (a histogram is `_bucket`, `_sum` and `_count`; a labelled
 * family nobody touched yet has no sample but is exposed all the same).
 */
function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      const [, name = '', kind] = type;
      const suffixes = kind === 'histogram' ? ['_bucket', '_sum', '_count'] : kind === 'summary' ? ['', '_sum', '_count'] : [''];
      for (const s of suffixes) names.add(`${name}${s}`);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (sample?.[1]) names.add(sample[1]);
  }
  return names;
}

/** The metric names in one PromQL expression (or a Grafana `label_values(metric, label)` query). */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // strings (label values, regexes)
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // ranges
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '') // label lists
    .replace(/label_values\(([^,)]+),[^)]*\)/g, '$1'); // the variable query's label
  return [...bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]).filter((w) => !PROMQL_WORDS.has(w) && !/^\d/.test(w));
}

function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

async function dashboard(): Promise<Dashboard> {
  return JSON.parse(await readFile(DASHBOARD, 'utf8')) as Dashboard;
}

/** Every PromQL expression of the dashboard, with where it is (panel title or variable name). */
function expressions(d: Dashboard): { where: string; expr: string }[] {
  const fromPanels = allPanels(d.panels).flatMap((p) => (p.targets ?? []).map((t) => ({ where: p.title, expr: t.expr ?? '' })));
  const fromVariables = d.templating.list
    .filter((v) => v.type === 'query')
    .map((v) => ({ where: `variable ${v.name}`, expr: typeof v.query === 'string' ? v.query : (v.query?.query ?? '') }));
  return [...fromPanels, ...fromVariables];
}

/** Drives both processes so their series carry samples, then scrapes both. */
async function scrape(): Promise<{ controllers: Set<string>; rls: Set<string> }> {
  await applyAsUser(cluster.admin, routerObject(NS, 'page', seedSpec()));
  await eventuallyPhase(() => liveRouter(cluster.admin, NS, 'page'), 'Ready', 30_000);
  const d = rateLimitDescriptor(rateLimitNamed('page-show', { hosts: ['page.shop.svc.cluster.local:80'], quota: QUOTA, unit: 'MINUTE' }));
  const body = JSON.stringify({ domain: d.domain, descriptors: [{ entries: d.entries }] });
  for (let i = 0; i <= QUOTA; i++) {
    const res = await fetch(`http://127.0.0.1:${rls.httpPort}/debug/decide?count=true`, { method: 'POST', body });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  }
  const controllerText = await eventually(
    'the controllers count a reconcile',
    async () => {
      const text = await (await fetch(`http://127.0.0.1:${controllers.httpPort}/metrics`)).text();
      return text.includes('switchyard_reconcile_total{') && text;
    },
    15_000,
  );
  return { controllers: exposedNames(controllerText), rls: exposedNames(await rls.metrics()) };
}

describe('deploy/grafana/switchyard.json', () => {
  it('names only metrics the controllers and the rate-limit service expose', async () => {
    const d = await dashboard();
    const exposed = await scrape();
    const exprs = expressions(d);
    expect(exprs.length).toBeGreaterThan(20);
    const unknown = exprs.flatMap(({ where, expr }) => metricNames(expr).filter((n) => !exposed.controllers.has(n) && !exposed.rls.has(n)).map((n) => `${where}: ${n}`));
    expect(unknown).toEqual([]);
    // The processes' metrics are where the dashboard says: each job variable's metric is the right process's.
    expect(exposed.controllers.has('switchyard_reconcile_total') && !exposed.rls.has('switchyard_reconcile_total')).toBe(true);
    expect(exposed.rls.has('switchyard_rls_quota_entries') && !exposed.controllers.has('switchyard_rls_quota_entries')).toBe(true);
  });

  it('has a panel for each thing an operator watches', async () => {
    const d = await dashboard();
    const used = new Set(expressions(d).flatMap(({ expr }) => metricNames(expr)));
    const watched = [
      'switchyard_reconcile_total', // reconciles
      'switchyard_reconcile_errors_total', // errors
      'switchyard_queue_depth', // queue depth
      'switchyard_progression_canary_weight', // canary weight
      'switchyard_progression_steps_total', // steps
      'switchyard_progression_rollbacks_total', // rollbacks
      'switchyard_progression_analysis_total', // analysis verdicts
      'switchyard_rls_decision_seconds_count', // RLS decisions
      'switchyard_rls_descriptor_over_limit_total', // over-limit
      'switchyard_rls_decision_seconds_bucket', // latency
      'switchyard_rls_store_errors_total', // Redis errors
    ];
    expect(watched.filter((m) => !used.has(m))).toEqual([]);
  });

  it('is a loadable dashboard: unique panel ids, a datasource variable, every panel with a query', async () => {
    const d = await dashboard();
    expect(d.uid).toBe('switchyard');
    const panels = allPanels(d.panels);
    const ids = panels.map((p) => (p as Panel & { id: number }).id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(d.templating.list.map((v) => v.name)).toEqual(['datasource', 'controllers_job', 'rls_job']);
    expect(panels.filter((p) => p.type !== 'row' && (p.targets ?? []).length === 0).map((p) => p.title)).toEqual([]);
  });
});
