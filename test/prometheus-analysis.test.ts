// The progression's analysis queries against the real parts: a real Prometheus (Debian's) scraping
// the live-mesh gateway Envoy's /stats/prometheus and the backends' Istio standard metrics, while
// steady traffic flows through the gateway to a Router's canary whose backend has a fault injected.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisCheck, MetricSource } from '../api/progression.ts';
import { startTraffic, type Traffic } from '../bench/mesh/traffic.ts';
import { SERVICE, serviceMesh } from '../bench/mesh/series.ts';
import { resourcePath, ROUTER } from '../controllers/scheme.ts';
import { checkQuery, subsetCluster, type QueryTarget } from '../core/progression/queries.ts';
import { startControlPlane, type ControlPlane } from '../dev/control-plane.ts';
import { startControllerProcess, type ControllerProcess } from '../dev/controller-process.ts';
import { startLiveMesh, type LiveMesh } from '../dev/live-mesh.ts';
import type { VersionBackend } from '../dev/version-backend.ts';
import { applyObjects, readObjects } from '../kube/apply-as-user.ts';
import { KubeClient, loadKubeConfig } from '../kube/kube-client.ts';
import type { KubeObject } from '../kube/types.ts';
import { eventually } from './support/eventually.ts';

const RBAC = join(import.meta.dirname, '..', 'deploy', 'rbac.yaml');
const HOST = `${SERVICE.name}.${SERVICE.namespace}.svc.cluster.local`;
/** Short scrapes so a 10s window holds ~10 samples per series (rate() needs two). */
const SCRAPE_MS = 1_000;
const WINDOW = '10s';
/** A window is judged once it holds only traffic after the change: the window, plus three scrapes for the last samples to land. */
const SETTLE_MS = 10_000 + 3 * SCRAPE_MS;
/** 100 rps through the gateway, 30% to the canary: ~300 canary requests per window. */
const RATE = 100;
const WEIGHTS = { v1: 70, v2: 30 };
const ERROR_RATE = 0.3;
const DELAY_MS = 200;
/**
 * Success rate tolerance, percentage points. The fault knob is deterministic (any k requests hold
 * ⌊0.3k⌋ or ⌈0.3k⌉ failures) and both counters of a version come from the same scrape, so the
 * ratio over a window is off by at most one request: ±0.4 points at ~270 requests. ±2 leaves room
 * for a loaded host sending a third of the planned traffic.
 */
const SUCCESS_TOLERANCE = 2;
/** Healthy p99 ceiling (ms): loopback answers take a few ms, even through Envoy on a busy host. */
const HEALTHY_P99_MAX = 100;

const SOURCES: MetricSource[] = ['istio', 'envoy'];
const SUCCESS: AnalysisCheck = { name: 'success', metric: 'successRate', min: 99 };
const LATENCY: AnalysisCheck = { name: 'latency', metric: 'latency', max: 500 };

function target(version: string): QueryTarget {
  return { namespace: SERVICE.namespace, host: HOST, port: SERVICE.port, branch: 'main', version, subset: `main-${version}`, interval: WINDOW };
}

interface QueryReply {
  status: string;
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

/** Evaluates `promql` now on Prometheus's HTTP API: the one value, or undefined when there is no data. Throws on an error or several series. */
async function queryValue(url: string, promql: string): Promise<number | undefined> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`, { signal: AbortSignal.timeout(10_000) });
  const reply = (await res.json()) as QueryReply;
  if (reply.status !== 'success' || reply.data?.resultType !== 'vector') throw new Error(`${promql}: ${res.status} ${reply.error ?? JSON.stringify(reply)}`);
  const [first, ...rest] = reply.data.result;
  if (rest.length > 0) throw new Error(`${promql}: ${reply.data.result.length} series, want one`);
  return first ? Number(first.value[1]) : undefined;
}

/** The metric names of the series `selector` matches now. */
async function metricNames(url: string, selector: string): Promise<string[]> {
  const reply = (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(`group by (__name__) (${selector})`)}`).then((r) => r.json())) as QueryReply;
  if (reply.status !== 'success') throw new Error(`${selector}: ${reply.error ?? JSON.stringify(reply)}`);
  return (reply.data?.result ?? []).map((r) => r.metric.__name__ ?? '').sort();
}

describe('analysis queries on a real Prometheus scraping the live mesh', () => {
  let cp: ControlPlane;
  let mesh: LiveMesh;
  let controller: ControllerProcess | undefined;
  let traffic: Traffic | undefined;
  let canary: VersionBackend;
  const measure = (check: AnalysisCheck, source: MetricSource, version: string): Promise<number | undefined> =>
    queryValue((mesh.prometheus as NonNullable<LiveMesh['prometheus']>).url, checkQuery(check, target(version), source));

  beforeAll(async () => {
    cp = await startControlPlane({ installCrds: true });
    mesh = await startLiveMesh(serviceMesh(cp, { prometheus: { scrapeIntervalMs: SCRAPE_MS } }));
    if (!mesh.prometheus) throw new Error('the live mesh started no Prometheus');
    canary = mesh.backends.get('main-v2') as VersionBackend;
    const admin = new KubeClient(loadKubeConfig({ path: cp.kubeconfigPath }));
    await applyObjects(admin, await readObjects([RBAC]));
    controller = await startControllerProcess({
      kubeconfigPath: cp.controllerKubeconfigPath,
      logPath: join(cp.logDir, 'controllers.log'),
      settleDelay: '0s',
      extraArgs: ['--istiod-debug-url', mesh.istiodDebugUrl],
    });
    const router = {
      apiVersion: 'switchyard.io/v1alpha1',
      kind: 'Router',
      metadata: { name: SERVICE.name, namespace: SERVICE.namespace },
      spec: { port: SERVICE.port, gateways: [mesh.gatewayRef], subsets: [{ branch: 'main', default: true, versions: WEIGHTS }], propagation: { mode: 'verified' } },
    };
    await applyObjects(admin, [router as KubeObject]);
    await eventually('the Router Ready', async () => {
      const live = await admin.find<KubeObject>(resourcePath(ROUTER, SERVICE.namespace, SERVICE.name));
      return (live?.status as { phase?: string } | undefined)?.phase === 'Ready';
    }, 60_000);
    traffic = startTraffic({ port: mesh.gatewayPort, host: HOST, rate: RATE, sandboxEvery: 0, sandboxHeader: ['x-none', ''], maxDurationMs: 240_000 });
  });
  afterAll(async () => {
    await traffic?.stop();
    await controller?.proc.stop();
    await mesh?.stop();
    await cp?.stop();
  });

  it('measures 70% success on the version answering 30% 500s and 100% on the healthy one, from both sources', async () => {
    canary.setFault({ errorRate: ERROR_RATE });
    await sleep(SETTLE_MS);
    for (const source of SOURCES) {
      const faulty = await measure(SUCCESS, source, 'v2');
      expect({ source, faulty }).toEqual({ source, faulty: expect.any(Number) });
      expect(Math.abs((faulty as number) - 100 * (1 - ERROR_RATE))).toBeLessThanOrEqual(SUCCESS_TOLERANCE);
      expect({ source, healthy: await measure(SUCCESS, source, 'v1') }).toEqual({ source, healthy: 100 });
      // Errors alone do not make a version slow.
      for (const version of ['v1', 'v2']) expect({ source, version, p99: await measure(LATENCY, source, version) }).toEqual({ source, version, p99: expect.any(Number) });
      expect(await measure(LATENCY, source, 'v2')).toBeLessThan(HEALTHY_P99_MAX);
    }
    // The gateway really failed those requests because of the version, not because of routing.
    const answered = (traffic as Traffic).samples.filter((s) => s.workload === 'main-v2');
    expect(answered.filter((s) => s.status === 500).length).toBeGreaterThan(0);
    expect((traffic as Traffic).samples.filter((s) => s.status !== 200 && s.status !== 500)).toEqual([]);
  }, 120_000);

  it('measures a p99 of at least the added delay on the slow version and well below it on the healthy one', async () => {
    canary.setFault({ errorRate: ERROR_RATE, delayMs: DELAY_MS });
    await sleep(SETTLE_MS);
    for (const source of SOURCES) {
      expect({ source, slow: await measure(LATENCY, source, 'v2') }).toEqual({ source, slow: expect.any(Number) });
      expect(await measure(LATENCY, source, 'v2')).toBeGreaterThanOrEqual(DELAY_MS);
      expect(await measure(LATENCY, source, 'v1')).toBeLessThan(HEALTHY_P99_MAX);
    }
  }, 120_000);

  it('returns no data for a version that received no traffic, and none once its traffic is older than the window', async () => {
    const rc = mesh.backends.get('main-rc') as VersionBackend;
    expect(rc.requests()).toBe(0);
    const noData = async (sources: MetricSource[]): Promise<void> => {
      for (const source of sources) {
        for (const check of [SUCCESS, LATENCY]) expect({ source, check: check.metric, value: await measure(check, source, 'rc') }).toEqual({ source, check: check.metric, value: undefined });
      }
    };
    await noData(SOURCES);
    // Ten requests straight to the backend (not through the gateway: no Envoy cluster stats), then a quiet window.
    for (let i = 0; i < 10; i++) await fetch(`http://${rc.address}:${rc.port}/`).then((r) => r.text());
    const url = (mesh.prometheus as NonNullable<LiveMesh['prometheus']>).url;
    await eventually('the ten requests scraped', async () => (await queryValue(url, 'sum(istio_requests_total{destination_version="rc"})')) === 10, 10_000);
    await sleep(SETTLE_MS);
    // The series exist, but no request in the window: no data, not NaN.
    expect(await queryValue(url, 'sum(istio_requests_total{destination_version="rc"})')).toBe(10);
    await noData(['istio']);
  }, 60_000);

  it('refuses queries while Prometheus is stopped and answers again once restarted on the same port', async () => {
    const prometheus = mesh.prometheus as NonNullable<LiveMesh['prometheus']>;
    await prometheus.kill();
    await expect(measure(SUCCESS, 'istio', 'v1')).rejects.toThrow('fetch failed');
    await prometheus.restart();
    expect(await prometheus.targetsUp()).toBe(true);
    // The TSDB survived: the window's older samples and the new ones make a rate again.
    expect(await eventually('a success rate after the restart', () => measure(SUCCESS, 'istio', 'v1'), 30_000)).toBe(100);
  }, 120_000);

  it("carries the subset's whole cluster name in Envoy's cluster stats", async () => {
    const url = (mesh.prometheus as NonNullable<LiveMesh['prometheus']>).url;
    const cluster = JSON.stringify(subsetCluster(target('v2')));
    expect(await queryValue(url, `count(envoy_cluster_upstream_rq_time_bucket{cluster_name=${cluster}})`)).toBeGreaterThan(10);
    expect(await queryValue(url, `sum(envoy_cluster_upstream_rq{cluster_name=${cluster},response_code_class="5xx"})`)).toBeGreaterThan(0);
    // Every cluster stat is tagged; none has part of a host leaked into its name (Envoy's default tag stops at the first dot).
    expect(await metricNames(url, '{__name__=~"envoy_cluster_.+",__name__!~"envoy_cluster_manager_.+",cluster_name=""}')).toEqual([]);
    expect(await metricNames(url, '{__name__=~".*svc_cluster_local.*"}')).toEqual([]);
  });
});
