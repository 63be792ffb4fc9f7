import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Progression } from '../../api/progression.ts';
import type { RouterSpec, RouterStatus } from '../../api/router.ts';
import type { QueryOutcome } from '../../core/progression/analysis.ts';
import type { VirtualService } from '../../core/istio/types.ts';
import type { FakeCluster } from '../../kube/fake-context.ts';
import type { KubeObject, Reconciler } from '../../kube/types.ts';
import { ROUTER, VIRTUAL_SERVICE } from '../scheme.ts';
import { routerReconciler } from './reconcile-router.ts';
import { editRouter, KEY, routerObject, routingCluster, runUntilSettled, SETTLE_MS } from './reconcile-scenario.test-support.ts';

const INTERVAL_MS = 10_000;
const PROGRESSION: Progression = {
  steps: [10, 50],
  interval: '10s',
  failureLimit: 2,
  analysis: [
    { name: 'success', metric: 'successRate', min: 99 },
    { name: 'p99', metric: 'latency', max: 500 },
  ],
};
const STABLE: RouterSpec = { port: 9080, subsets: [{ branch: 'main', versions: { v1: 100 } }, { branch: 'box-1' }], progression: PROGRESSION };

function status(cluster: FakeCluster): RouterStatus {
  return cluster.get(ROUTER, KEY)?.status as RouterStatus;
}

/** `subset=weight` of the live VS's default route (the last one). */
function liveWeights(cluster: FakeCluster): string {
  const vs = cluster.get<KubeObject & VirtualService>(VIRTUAL_SERVICE, KEY);
  const route = vs?.spec.http?.at(-1)?.route ?? [];
  return route.map((d) => `${d.destination.subset}=${d.weight ?? 100}`).join(',');
}

let cluster: FakeCluster;
let answers: Record<string, QueryOutcome>;
let asked: string[];
let reconcile: Reconciler;

beforeEach(async () => {
  cluster = routingCluster();
  answers = { success: { value: 100 }, p99: { value: 20 } };
  asked = [];
  const query = (_url: string, promql: string): Promise<QueryOutcome> => {
    asked.push(promql);
    return Promise.resolve(promql.includes('histogram_quantile') ? (answers.p99 as QueryOutcome) : (answers.success as QueryOutcome));
  };
  reconcile = routerReconciler({ settleDelayMs: SETTLE_MS, prometheusUrl: 'http://prometheus:9090', query });
  cluster.put(routerObject(STABLE));
  await runUntilSettled(reconcile, cluster);
});

/** Runs the reconcile as the queue would: at once on `ms: 0`, after moving the clock for a later requeue. */
async function runFor(ms: number): Promise<void> {
  const end = cluster.clockMs + ms;
  for (;;) {
    const [last] = (await runUntilSettled(reconcile, cluster, KEY, 40)).slice(-1);
    if (last?.kind !== 'requeueAfter' || cluster.clockMs + last.ms > end) return;
    cluster.advance(last.ms);
  }
}

describe('routerReconciler: a canary walk', () => {
  it('starts at the declared weights, then walks an edit step by step with analysis and promotes', async () => {
    expect(status(cluster)).toMatchObject({ phase: 'Ready', progression: { phase: 'Promoted', promoted: { v1: 100 } } });
    editRouter(cluster, (s) => void (s.subsets[0] = { branch: 'main', versions: { v2: 100 } }));
    await runUntilSettled(reconcile, cluster);
    expect(liveWeights(cluster)).toBe('main-v1=90,main-v2=10');
    expect(status(cluster)).toMatchObject({ phase: 'Progressing', weights: 'v1=90,v2=10', progression: { phase: 'Progressing', step: 1, steps: 3, canaryWeight: 10 } });
    expect(status(cluster).progression?.nextStepAt).toBeDefined();
    await runFor(INTERVAL_MS);
    expect(liveWeights(cluster)).toBe('main-v1=50,main-v2=50');
    expect(status(cluster).progression?.checks?.map((c) => [c.name, c.verdict, c.value])).toEqual([
      ['success', 'Pass', 100],
      ['p99', 'Pass', 20],
    ]);
    expect(asked[0]).toContain('destination_version="v2"');
    await runFor(INTERVAL_MS);
    expect(liveWeights(cluster)).toBe('main-v2=100');
    expect(status(cluster)).toMatchObject({ phase: 'Ready', progression: { phase: 'Promoted', promoted: { v2: 100 } } });
    expect(cluster.events.filter((e) => e.reason === 'Promoted')).toHaveLength(1);
  });

  it('rolls back after failureLimit failed analyses, make-before-break, and stays rolled back until the spec changes', async () => {
    editRouter(cluster, (s) => void (s.subsets[0] = { branch: 'main', versions: { v2: 100 } }));
    await runUntilSettled(reconcile, cluster);
    answers.success = { value: 70 };
    await runFor(INTERVAL_MS);
    expect(status(cluster).progression).toMatchObject({ phase: 'Progressing', failures: 1, step: 1 });
    await runFor(INTERVAL_MS);
    expect(liveWeights(cluster)).toBe('main-v1=100');
    const s = status(cluster);
    expect(s).toMatchObject({ phase: 'RolledBack', progression: { phase: 'RolledBack', current: { v1: 100 } } });
    expect(s.progression?.message).toBe('success = 70, want >= 99 (failed analysis 2/2)');
    expect(cluster.events.find((e) => e.reason === 'RolledBack')?.message).toBe('rolling back to v1=100: success = 70, want >= 99 (failed analysis 2/2)');
    const writes = cluster.writes.length;
    await runFor(5 * INTERVAL_MS);
    expect(cluster.writes.length).toBe(writes);
  });

  it('holds on unknown analysis, naming why, and rolls back after the limit in a row', async () => {
    editRouter(cluster, (s) => void (s.subsets[0] = { branch: 'main', versions: { v2: 100 } }));
    await runUntilSettled(reconcile, cluster);
    answers.success = { unknown: 'Prometheus http://prometheus:9090 unreachable: connect ECONNREFUSED' };
    await runFor(INTERVAL_MS);
    expect(status(cluster).progression).toMatchObject({ phase: 'Progressing', step: 1, unknowns: 1 });
    expect(status(cluster).progression?.message).toContain('holding: success: Prometheus http://prometheus:9090 unreachable');
    expect(liveWeights(cluster)).toBe('main-v1=90,main-v2=10');
    await runFor(INTERVAL_MS);
    expect(status(cluster).phase).toBe('RolledBack');
  });

  it('adding a sandbox branch during a walk does not wait for the analysis', async () => {
    editRouter(cluster, (s) => void (s.subsets[0] = { branch: 'main', versions: { v2: 100 } }));
    await runUntilSettled(reconcile, cluster);
    editRouter(cluster, (s) => void s.subsets.push({ branch: 'box-2' }));
    await runUntilSettled(reconcile, cluster);
    const vs = cluster.get<KubeObject & VirtualService>(VIRTUAL_SERVICE, KEY);
    expect(JSON.stringify(vs?.spec)).toContain('"subset":"box-2"');
    expect(status(cluster).progression).toMatchObject({ step: 1, canaryWeight: 10 });
  });

  it('promote finishes the walk at once; abort rolls it back at once', async () => {
    editRouter(cluster, (s) => void (s.subsets[0] = { branch: 'main', versions: { v2: 100 } }));
    await runUntilSettled(reconcile, cluster);
    cluster.edit<KubeObject>(ROUTER, KEY, (r) => void (r.metadata.annotations = { 'switchyard.io/progression': 'promote' }));
    await runUntilSettled(reconcile, cluster);
    expect(liveWeights(cluster)).toBe('main-v2=100');
    expect(status(cluster).progression).toMatchObject({ phase: 'Promoted', command: 'promote' });
    editRouter(cluster, (s) => void (s.subsets[0] = { branch: 'main', versions: { v3: 100 } }));
    await runUntilSettled(reconcile, cluster);
    expect(liveWeights(cluster)).toBe('main-v2=90,main-v3=10');
    cluster.edit<KubeObject>(ROUTER, KEY, (r) => void (r.metadata.annotations = { 'switchyard.io/progression': 'abort' }));
    await runUntilSettled(reconcile, cluster);
    expect(liveWeights(cluster)).toBe('main-v2=100');
    expect(status(cluster).progression).toMatchObject({ phase: 'RolledBack', message: 'aborted by command' });
  });

  it('a closed gate holds the step without counting a failure; the rolledBack webhook is told once', async () => {
    const calls: { path: string; type: string }[] = [];
    let gateOpen = false;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        calls.push({ path: req.url ?? '', type: (JSON.parse(body) as { type: string }).type });
        res.writeHead(req.url === '/gate' && !gateOpen ? 409 : 200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const webhooks = [
        { name: 'approve', type: 'gate' as const, url: `${base}/gate` },
        { name: 'chat', type: 'rolledBack' as const, url: `${base}/told` },
      ];
      editRouter(cluster, (s) => {
        s.subsets[0] = { branch: 'main', versions: { v2: 100 } };
        s.progression = { ...PROGRESSION, webhooks };
      });
      await runUntilSettled(reconcile, cluster);
      // The gate stands before step 1: nothing moved, nothing counted.
      expect(status(cluster).progression).toMatchObject({ step: 0, failures: 0, message: 'holding: gate closed: webhook approve answered 409' });
      expect(liveWeights(cluster)).toBe('main-v1=100');
      gateOpen = true;
      await runFor(INTERVAL_MS);
      expect(status(cluster).progression).toMatchObject({ step: 1, canaryWeight: 10 });
      expect(liveWeights(cluster)).toBe('main-v1=90,main-v2=10');
      answers.success = { value: 10 };
      await runFor(2 * INTERVAL_MS);
      expect(status(cluster).phase).toBe('RolledBack');
      await runFor(INTERVAL_MS);
      expect(calls).toEqual([
        { path: '/gate', type: 'gate' },
        { path: '/gate', type: 'gate' },
        { path: '/told', type: 'rolledBack' },
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('a Router without progression applies a weight edit at once, as before', async () => {
    editRouter(cluster, (s) => {
      delete s.progression;
      s.subsets[0] = { branch: 'main', versions: { v2: 100 } };
    });
    await runUntilSettled(reconcile, cluster);
    expect(liveWeights(cluster)).toBe('main-v2=100');
    expect(status(cluster).progression).toBeUndefined();
  });
});
