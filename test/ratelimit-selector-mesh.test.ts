// RateLimits limit what they name, proven against the real parts: Switchyard's controllers (as a
// child process, least-privilege identity) resolve a RateLimit's host to its Router's or Service's
// pods, and istiod (built from Go modules) merges the EnvoyFilter into the inbound listener of the
// sidecar whose workload carries those labels — and not into its neighbour's.
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimitSpec } from '../api/rate-limit.ts';
import { ENVOY_FILTER, RATE_LIMIT, resourcePath } from '../controllers/scheme.ts';
import { applyObjects, readObjects } from '../kube/apply-as-user.ts';
import { KubeClient, loadKubeConfig } from '../kube/kube-client.ts';
import type { KubeObject } from '../kube/types.ts';
import { startControlPlane, type ControlPlane } from '../dev/control-plane.ts';
import { startControllerProcess, type ControllerProcess } from '../dev/controller-process.ts';
import { inboundHttpConfig, type InboundHttpConfig } from '../dev/inbound-http-config.ts';
import { startSidecarMesh, type MeshSidecar, type SidecarMesh } from '../dev/sidecar-mesh.ts';
import { eventually } from './support/eventually.ts';

const RBAC = join(import.meta.dirname, '..', 'deploy', 'rbac.yaml');
const NS = 'rl-mesh';
const PORT = 8080;
/** The RateLimit controller's default rate-limit service cluster; the sidecars need it to accept the filter. */
const RLS_HOST = 'switchyard-ratelimit.switchyard-system.svc.cluster.local';
/** istiod debounces 20 ms, then pushes; a loaded 2-core host needs a good margin. */
const PUSH_TIMEOUT_MS = 30_000;
/** A Pending RateLimit looks again every 30 s (HOST_RECHECK_MS), plus a reconcile and a push. */
const RECHECK_TIMEOUT_MS = 60_000;

let cp: ControlPlane;
let mesh: SidecarMesh;
let admin: KubeClient;
let controller: ControllerProcess | undefined;
let page: MeshSidecar;
let other: MeshSidecar;

beforeAll(async () => {
  cp = await startControlPlane({ installCrds: true });
  admin = new KubeClient(loadKubeConfig({ path: cp.kubeconfigPath }));
  mesh = await startSidecarMesh({
    controlPlane: cp,
    namespace: NS,
    port: PORT,
    sidecars: [
      { name: 'page', labels: { app: 'page' }, inboundAddress: '127.0.0.71', outboundAddress: '127.0.0.72' },
      { name: 'other', labels: { app: 'other' }, inboundAddress: '127.0.0.73', outboundAddress: '127.0.0.74' },
    ],
    objects: [rlsServiceEntry()],
  });
  [page, other] = mesh.sidecars as [MeshSidecar, MeshSidecar];
  await applyObjects(admin, await readObjects([RBAC]));
  controller = await startControllerProcess({ kubeconfigPath: cp.controllerKubeconfigPath, logPath: join(cp.logDir, 'controllers.log'), settleDelay: '0s' });
  const router = { apiVersion: 'switchyard.io/v1alpha1', kind: 'Router', metadata: { name: 'page', namespace: NS }, spec: { port: PORT, subsets: [{ branch: 'main' }] } };
  await applyObjects(admin, [router as KubeObject]);
});

afterAll(async () => {
  await controller?.proc.stop();
  await mesh?.stop();
  await cp?.stop();
});

function rlsServiceEntry(): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: 'switchyard-ratelimit', namespace: NS },
    spec: { hosts: [RLS_HOST], location: 'MESH_INTERNAL', resolution: 'STATIC', ports: [{ number: 8081, name: 'grpc', protocol: 'GRPC' }], endpoints: [{ address: '127.0.0.1' }] },
  };
}

async function applyRateLimit(name: string, spec: RateLimitSpec): Promise<void> {
  await applyObjects(admin, [{ apiVersion: 'switchyard.io/v1alpha1', kind: 'RateLimit', metadata: { name, namespace: NS }, spec } as KubeObject]);
}

async function rateLimitStatus(name: string, phase: string, timeoutMs = PUSH_TIMEOUT_MS): Promise<{ phase: string; conditions?: { type: string; message: string }[] }> {
  return eventually(`RateLimit ${name} ${phase}`, async () => {
    const status = (await admin.find<KubeObject>(resourcePath(RATE_LIMIT, NS, name)))?.status as { phase?: string } | undefined;
    return status?.phase === phase ? (status as { phase: string }) : undefined;
  }, timeoutMs);
}

/** The sidecar's inbound HTTP config as Envoy itself holds it (admin /config_dump). */
async function envoyInbound(s: MeshSidecar): Promise<InboundHttpConfig> {
  return inboundHttpConfig(await fetch(`http://127.0.0.1:${s.envoy.adminPort}/config_dump`).then((r) => r.json()), PORT);
}

/** The sidecar's inbound HTTP config as istiod generates it now (/debug/config_dump?proxyID=). */
async function istiodInbound(s: MeshSidecar): Promise<InboundHttpConfig> {
  return inboundHttpConfig(await fetch(`${mesh.istiodDebugUrl}/debug/config_dump?proxyID=${s.proxyId}`).then((r) => r.json()), PORT);
}

/** Checks the view is not empty — the proxy has its inbound virtual host — and returns it. */
function withInboundVhost(view: InboundHttpConfig): InboundHttpConfig {
  expect(view.vhosts.map((v) => v.name)).toContain(`inbound|http|${PORT}`);
  return view;
}

/** Waits until the filter is in the sidecar's own inbound listener; returns that config. */
function filterReaches(s: MeshSidecar, filter: string): Promise<InboundHttpConfig> {
  return eventually(`${filter} in ${s.name}'s inbound listener`, async () => {
    const config = await envoyInbound(s);
    return config.httpFilters.includes(filter) ? config : undefined;
  }, PUSH_TIMEOUT_MS);
}

/** Statuses of `n` GETs of `path` sent to the sidecar's inbound listener, each on a new connection. */
async function statuses(s: MeshSidecar, path: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(await new Promise<number>((resolve, reject) => {
      const req = request({ host: s.inboundAddress, port: PORT, path, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    }));
  }
  return out;
}

describe('a RateLimit on a host reaches the workloads behind it, not their neighbours', () => {
  it('merges a global limit on the Router\'s host into the page sidecar\'s inbound listener only', async () => {
    await applyRateLimit('page-show', { hosts: [`page.${NS}.svc.cluster.local:${PORT}`], match: { headers: [{ key: ':path', matchType: 'exact', value: '/limited' }] }, quota: 800, unit: 'SECOND' });
    await rateLimitStatus('page-show', 'Ready');
    const ef = await admin.find<KubeObject>(resourcePath(ENVOY_FILTER, NS, 'page-show-ratelimit'));
    expect((ef?.spec as { workloadSelector?: unknown }).workloadSelector).toEqual({ labels: { app: 'page' } });
    const filter = `switchyard.ratelimit.${NS}.page-show`;
    const onPage = await filterReaches(page, filter);
    // The route actions went into the inbound virtual host Istio names inbound|http|<service port>.
    expect(onPage.vhosts.find((v) => v.name === `inbound|http|${PORT}`)?.rateLimits).toHaveLength(1);
    expect(JSON.stringify(onPage.vhosts)).toContain(`"descriptor_value":"${NS}.page-show"`);
    // The neighbour has the same kind of inbound listener and virtual host, without the limit —
    // in what istiod generates for it now and in what its Envoy holds.
    for (const view of [await istiodInbound(other), await envoyInbound(other)]) {
      expect(withInboundVhost(view).httpFilters).not.toContain(filter);
      expect(view.vhosts.flatMap((v) => v.rateLimits)).toEqual([]);
    }
    expect((await istiodInbound(page)).httpFilters).toContain(filter);
    expect(await mesh.rejections()).toEqual([]);
  }, 120_000);

  it('limits requests through the page sidecar with a local limit on the short host name, and never the neighbour\'s', async () => {
    await applyRateLimit('page-local', { hosts: [`page:${PORT}`], mode: 'local', match: { headers: [{ key: ':path', matchType: 'exact', value: '/local' }] }, quota: 3, unit: 'MINUTE' });
    await rateLimitStatus('page-local', 'Ready');
    await filterReaches(page, `switchyard.local_ratelimit.${NS}.page-local`);
    expect(await statuses(page, '/local', 5)).toEqual([200, 200, 200, 429, 429]);
    expect(await statuses(page, '/other-path', 2)).toEqual([200, 200]);
    expect(await statuses(other, '/local', 5)).toEqual([200, 200, 200, 200, 200]);
    expect(withInboundVhost(await envoyInbound(other)).httpFilters).not.toContain(`switchyard.local_ratelimit.${NS}.page-local`);
  }, 120_000);

  it('reaches every workload of the namespace only when asked with workloadSelector: {}', async () => {
    await applyRateLimit('everyone', { workloadSelector: {}, mode: 'local', match: { headers: [{ key: ':path', matchType: 'exact', value: '/everyone' }] }, quota: 2, unit: 'MINUTE' });
    await rateLimitStatus('everyone', 'Ready');
    const filter = `switchyard.local_ratelimit.${NS}.everyone`;
    await filterReaches(page, filter);
    await filterReaches(other, filter);
    for (const s of [page, other]) expect((await istiodInbound(s)).httpFilters).toContain(filter);
    for (const s of [page, other]) expect(await statuses(s, '/everyone', 3)).toEqual([200, 200, 429]);
    expect(await mesh.rejections()).toEqual([]);
  }, 120_000);

  it('waits Pending while a host leads to nothing, then follows the Service created for it', async () => {
    await applyRateLimit('ghost', { hosts: [`ghost:${PORT}`], mode: 'local', match: { headers: [{ key: ':path', matchType: 'exact', value: '/ghost' }] }, quota: 1, unit: 'MINUTE' });
    const pending = await rateLimitStatus('ghost', 'Pending');
    expect(pending.conditions?.find((c) => c.type === 'Ready')?.message).toBe(
      `spec.hosts[0]: no workload to limit: no Router routes ghost.${NS}.svc.cluster.local and no Service ${NS}/ghost; create the Router or Service, or name the pods with workloadSelector (got "ghost:${PORT}")`,
    );
    expect(await admin.find(resourcePath(ENVOY_FILTER, NS, 'ghost-ratelimit'))).toBeUndefined();
    // A hand-written Service (not Switchyard's, so not in its cache): found by the controller's own GET.
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ghost', namespace: NS }, spec: { selector: { app: 'other' }, ports: [{ name: 'http', port: PORT }] } };
    await applyObjects(admin, [service as KubeObject]);
    await rateLimitStatus('ghost', 'Ready', RECHECK_TIMEOUT_MS);
    const filter = `switchyard.local_ratelimit.${NS}.ghost`;
    await filterReaches(other, filter);
    expect(withInboundVhost(await istiodInbound(page)).httpFilters).not.toContain(filter);
    expect(await mesh.rejections()).toEqual([]);
  }, 120_000);
});
