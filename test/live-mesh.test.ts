// The never-a-503 proof against the real parts: istiod built from Go modules, an upstream Envoy
// gateway bootstrapped to it over ADS, loopback backends registered through ServiceEntry and
// WorkloadEntries, the real kube-apiserver, and Switchyard's controllers as a child process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSeries } from '../controllers/bench/mesh/run-series.ts';
import { SERVICE, WORKLOADS } from '../controllers/bench/mesh/series.ts';
import { istiodVerifier } from '../controllers/router/verify/istiod-verifier.ts';
import { clusterName } from '../controllers/router/verify/xds-expectation.ts';
import { applyObjects } from '../controllers/runtime/apply-as-user.ts';
import { KubeClient, loadKubeConfig } from '../controllers/runtime/kube-client.ts';
import type { KubeObject } from '../controllers/runtime/types.ts';
import { startControlPlane, type ControlPlane } from './support/control-plane.ts';
import { startLiveMesh, type LiveMesh } from './support/live-mesh.ts';

const HOST = `${SERVICE.name}.${SERVICE.namespace}.svc.cluster.local`;

function destinationRule(subsets: string[]): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: SERVICE.name, namespace: SERVICE.namespace },
    spec: { host: HOST, subsets: subsets.map((v) => ({ name: `main-${v}`, labels: { app: SERVICE.app, branch: 'main', version: v } })) },
  };
}

describe('the verified wait against a real istiod and Envoy gateway', () => {
  let cp: ControlPlane;
  let mesh: LiveMesh;
  let admin: KubeClient;
  beforeAll(async () => {
    cp = await startControlPlane({ installCrds: true });
    mesh = await startLiveMesh({ controlPlane: cp, namespace: SERVICE.namespace, host: HOST, port: SERVICE.port, selector: { app: SERVICE.app }, workloads: WORKLOADS });
    admin = new KubeClient(loadKubeConfig({ path: cp.kubeconfigPath }));
  });
  afterAll(async () => {
    await mesh?.stop();
    await cp?.stop();
  });

  it('confirms a DestinationRule step once the gateway acknowledged the push that carries its subset clusters', async () => {
    const verifier = istiodVerifier({ urls: [mesh.istiodDebugUrl] });
    const signal = AbortSignal.timeout(60_000);
    const before = await verifier.snapshot(signal);
    if (typeof before === 'string') throw new Error(before);
    await applyObjects(admin, [destinationRule(['v1', 'v2'])]);
    const expectation = { kind: 'clusters' as const, host: HOST, port: SERVICE.port, subsets: ['main-v1', 'main-v2'], exact: false, xdsType: 'cluster' as const };
    const outcome = await verifier.wait({ expectation, before, requirePush: true, timeoutMs: 30_000, signal });
    expect(outcome).toMatchObject({ kind: 'confirmed', confirmed: 1, checked: 1 });
    // Envoy itself has the clusters: istiod's word is checked against the proxy.
    const clusters = await fetch(`http://127.0.0.1:${mesh.gateway.adminPort}/clusters?format=json`).then((r) => r.text());
    expect(clusters).toContain(clusterName(SERVICE.port, 'main-v2', HOST));
    expect(await mesh.rejections()).toEqual([]);
    // The NACK counters the rejection check reads exist (so an empty list means none was refused).
    const stats = Object.keys(await mesh.gateway.stats());
    expect(stats).toEqual(expect.arrayContaining(['cluster_manager.cds.update_rejected', 'listener_manager.lds.update_rejected']));
  });

  it('times out naming the proxy and what it lacks when the expectation never holds', async () => {
    const outcomes: string[] = [];
    const verifier = istiodVerifier({ urls: [mesh.istiodDebugUrl], onOutcome: (o) => outcomes.push(o.kind) });
    const signal = AbortSignal.timeout(30_000);
    const before = await verifier.snapshot(signal);
    if (typeof before === 'string') throw new Error(before);
    const expectation = { kind: 'clusters' as const, host: HOST, port: SERVICE.port, subsets: ['main-v9'], exact: false, xdsType: 'cluster' as const };
    const outcome = await verifier.wait({ expectation, before, requirePush: false, timeoutMs: 1_000, signal });
    expect(outcome.kind).toBe('timeout');
    expect(outcomes).toEqual(['timeout']);
    expect(outcome.kind === 'timeout' ? outcome.pending : []).toEqual([`${mesh.gatewaySyncId}: missing cluster ${clusterName(SERVICE.port, 'main-v9', HOST)}`]);
  });

  it('reports istiod unreachable instead of waiting forever', async () => {
    const verifier = istiodVerifier({ urls: ['http://127.0.0.1:1'] });
    expect(await verifier.snapshot(AbortSignal.timeout(10_000))).toMatch(/^istiod debug endpoints unreachable: /);
  });
});

describe('never a 503 under live traffic', () => {
  it('drives a Router through canary, sandbox and mirror transitions in verified mode with zero failed requests', async () => {
    const result = await runSeries({ mode: { kind: 'verified' }, transitions: 9, rate: 100, dwellMs: 300 });
    expect(result.requests).toBeGreaterThan(500);
    expect({ non2xx: result.non2xx, connectionErrors: result.connectionErrors, flags: result.flags }).toEqual({ non2xx: 0, connectionErrors: 0, flags: {} });
    expect(result.transitions.filter((t) => t.timedOut)).toEqual([]);
    expect(result.sandboxMisrouted).toBe(0);
    // istiod never sent the upstream Envoy anything it refused.
    expect(result.rejections).toEqual([]);
    // Every weighted state was observed on the wire (the split itself is measured by bench:mesh).
    expect(result.splits.map((s) => s.declared).sort()).toEqual(['v1=20,v2=80', 'v1=50,v2=50', 'v1=80,v2=20', 'v1=90,v2=10']);
  }, 300_000);
});
