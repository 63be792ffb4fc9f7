// The never-a-503 proof against the real parts: istiod built from Go modules, an upstream Envoy
// gateway bootstrapped to it over ADS, loopback backends registered through ServiceEntry and
// WorkloadEntries, the real kube-apiserver, and Switchyard's controllers as a child process.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSeries } from '../bench/mesh/run-series.ts';
import { SERVICE, serviceMesh } from '../bench/mesh/series.ts';
import { istiodVerifier } from '../controllers/router/verify/istiod-verifier.ts';
import { clusterName } from '../controllers/router/verify/xds-expectation.ts';
import { applyObjects, readObjects } from '../kube/apply-as-user.ts';
import { resourcePath, ROUTER } from '../controllers/scheme.ts';
import { KubeClient, loadKubeConfig } from '../kube/kube-client.ts';
import type { KubeObject } from '../kube/types.ts';
import { startControlPlane, type ControlPlane } from '../dev/control-plane.ts';
import { startControllerProcess, type ControllerProcess } from '../dev/controller-process.ts';
import { eventually } from './support/eventually.ts';
import { startLiveMesh, type LiveMesh } from '../dev/live-mesh.ts';
import { WORKLOAD_HEADER } from '../dev/version-backend.ts';

const RBAC = join(import.meta.dirname, '..', 'deploy', 'rbac.yaml');

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
    mesh = await startLiveMesh(serviceMesh(cp));
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
    const expectation = { kind: 'clusters' as const, host: HOST, port: SERVICE.port, subsets: ['main-v1', 'main-v2'], exact: false };
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
    const expectation = { kind: 'clusters' as const, host: HOST, port: SERVICE.port, subsets: ['main-v9'], exact: false };
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

describe('sandbox routing by the caller\'s labels, through a sidecar-style client proxy', () => {
  let cp: ControlPlane;
  let mesh: LiveMesh;
  let controller: ControllerProcess | undefined;
  beforeAll(async () => {
    cp = await startControlPlane({ installCrds: true });
    mesh = await startLiveMesh(serviceMesh(cp, { clientLabels: { app: 'client', branch: 'box-1' } }));
    const admin = new KubeClient(loadKubeConfig({ path: cp.kubeconfigPath }));
    await applyObjects(admin, await readObjects([RBAC]));
    controller = await startControllerProcess({
      kubeconfigPath: cp.controllerKubeconfigPath,
      logPath: join(cp.logDir, 'controllers.log'),
      settleDelay: '0s',
      extraArgs: ['--istiod-debug-url', mesh.istiodDebugUrl],
    });
  });
  afterAll(async () => {
    await controller?.proc.stop();
    await mesh?.stop();
    await cp?.stop();
  });

  it('sends the sandbox caller to its branch and everyone else to main, each step confirmed by both proxies', async () => {
    const admin = new KubeClient(loadKubeConfig({ path: cp.kubeconfigPath }));
    const router = {
      apiVersion: 'switchyard.io/v1alpha1',
      kind: 'Router',
      metadata: { name: SERVICE.name, namespace: SERVICE.namespace },
      spec: { port: SERVICE.port, gateways: [mesh.gatewayRef], subsets: [{ branch: 'main', versions: { v1: 100 } }, { branch: 'box-1' }], propagation: { mode: 'verified' } },
    };
    await applyObjects(admin, [router as KubeObject]);
    await eventually('the Router Ready', async () => {
      const live = await admin.find<KubeObject>(resourcePath(ROUTER, SERVICE.namespace, SERVICE.name));
      return (live?.status as { phase?: string } | undefined)?.phase === 'Ready';
    }, 60_000);
    const client = mesh.client as NonNullable<LiveMesh['client']>;
    // Both proxies confirmed the steps: the controller logged each verification with 2 proxies.
    const verified = readFileSync(join(cp.logDir, 'controllers.log'), 'utf8').split('\n').filter((l) => l.includes('make-before-break step verified'));
    expect(verified.length).toBeGreaterThanOrEqual(2);
    expect(verified.every((l) => (JSON.parse(l) as { proxies?: number }).proxies === 2)).toBe(true);
    const viaClient = await workloads(client.address, client.port, 40);
    const viaGateway = await workloads('127.0.0.1', mesh.gatewayPort, 40);
    expect(viaClient).toEqual({ 'box-1': 40 });
    expect(viaGateway).toEqual({ 'main-v1': 40 });
    expect(await mesh.rejections()).toEqual([]);
  }, 120_000);
});

/** Sends `n` requests for the service to address:port and counts the answering workloads. */
async function workloads(address: string, port: number, n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const workload = await new Promise<string>((resolve, reject) => {
      const req = request({ host: address, port, path: '/', headers: { host: HOST } }, (res) => {
        res.resume();
        res.on('end', () => resolve(`${res.statusCode === 200 ? '' : `${res.statusCode} `}${String(res.headers[WORKLOAD_HEADER])}`));
      });
      req.on('error', reject);
      req.end();
    });
    counts[workload] = (counts[workload] ?? 0) + 1;
  }
  return counts;
}
