import { stat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Progression, ProgressionStatus } from '../../api/progression.ts';
import type { Router, RouterStatus } from '../../api/router.ts';
import { applyObject, applyObjects, readObjects } from '../../kube/apply-as-user.ts';
import { HttpMethod } from '@kubernetes/client-node';
import { CONTENT_TYPE, KubeClient, loadKubeConfig } from '../../kube/kube-client.ts';
import { resourcePath, ROUTER } from '../../controllers/scheme.ts';
import { startControlPlane, type ControlPlane } from '../../dev/control-plane.ts';
import { startControllerProcess, type ControllerProcess } from '../../dev/controller-process.ts';
import { startLiveMesh, type LiveMesh } from '../../dev/live-mesh.ts';
import { SERVICE, serviceMesh } from './series.ts';

const RBAC = join(import.meta.dirname, '..', '..', 'deploy', 'rbac.yaml');
const FIELD_MANAGER = 'progression-bench';
export const HOST = `${SERVICE.name}.${SERVICE.namespace}.svc.cluster.local`;
/** Prometheus scrapes every second, so a few-second analysis window holds several samples. */
const SCRAPE_INTERVAL_MS = 1_000;
const POLL_MS = 200;

/** One observation of the Router's status, on the run's clock. */
export interface Observation {
  atMs: number;
  phase: string | undefined;
  walk: ProgressionStatus | undefined;
}

/**
 * The real parts a canary walk runs on: the local API server, istiod, an Envoy gateway, loopback
 * backends with fault knobs and Istio metrics, a real Prometheus scraping the gateway and the
 * backends, and the controllers as a child process in verified mode pointed at that Prometheus.
 */
export class ProgressionMesh {
  readonly cp: ControlPlane;
  readonly mesh: LiveMesh;
  readonly admin: KubeClient;
  controller: ControllerProcess | undefined;

  private constructor(cp: ControlPlane, mesh: LiveMesh, admin: KubeClient) {
    this.cp = cp;
    this.mesh = mesh;
    this.admin = admin;
  }

  static async start(): Promise<ProgressionMesh> {
    const cp = await startControlPlane({ installCrds: true });
    try {
      const admin = new KubeClient(loadKubeConfig({ path: cp.kubeconfigPath }));
      await applyObjects(admin, await readObjects([RBAC]));
      const mesh = await startLiveMesh(serviceMesh(cp, { prometheus: { scrapeIntervalMs: SCRAPE_INTERVAL_MS } }));
      const env = new ProgressionMesh(cp, mesh, admin);
      await env.startController();
      return env;
    } catch (err) {
      await cp.stop();
      throw err;
    }
  }

  get prometheusUrl(): string {
    if (!this.mesh.prometheus) throw new Error('the live mesh was started without Prometheus');
    return this.mesh.prometheus.url;
  }

  async startController(): Promise<void> {
    this.controller = await startControllerProcess({
      kubeconfigPath: this.cp.controllerKubeconfigPath,
      logPath: join(this.cp.logDir, 'controllers.log'),
      settleDelay: '0s',
      extraArgs: ['--istiod-debug-url', this.mesh.istiodDebugUrl, '--prometheus-url', this.prometheusUrl],
    });
  }

  /** SIGKILL, as a node failure would: no shutdown hook runs. */
  async killController(): Promise<string> {
    const how = (await this.controller?.signal('SIGKILL')) ?? 'not running';
    this.controller = undefined;
    return how;
  }

  /** The Router declaring `versions` for its main branch, walked with `progression`, verified propagation. */
  router(versions: Record<string, number>, progression: Progression | undefined, annotations?: Record<string, string>): Router {
    return {
      apiVersion: 'switchyard.io/v1alpha1',
      kind: 'Router',
      metadata: { name: SERVICE.name, namespace: SERVICE.namespace, ...(annotations ? { annotations } : {}) },
      spec: {
        port: SERVICE.port,
        gateways: [this.mesh.gatewayRef],
        subsets: [{ branch: 'main', default: true, versions }],
        propagation: { mode: 'verified', timeout: '30s' },
        ...(progression ? { progression } : {}),
      },
    };
  }

  async apply(router: Router): Promise<void> {
    await applyObject(this.admin, router as unknown as Parameters<typeof applyObject>[1], FIELD_MANAGER);
  }

  /** Sets the `switchyard.io/progression` annotation (a merge patch, as `kubectl annotate` sends). */
  async command(value: string): Promise<void> {
    const body = { metadata: { annotations: { 'switchyard.io/progression': value } } };
    await this.admin.request(HttpMethod.PATCH, resourcePath(ROUTER, SERVICE.namespace, SERVICE.name), { body, contentType: CONTENT_TYPE.merge });
  }

  async status(): Promise<RouterStatus | undefined> {
    const r = await this.admin.request<{ status?: RouterStatus }>(HttpMethod.GET, resourcePath(ROUTER, SERVICE.namespace, SERVICE.name)).catch(() => undefined);
    return r?.status;
  }

  /** Polls the status until `done` holds for an observation (or the timeout), recording every change. */
  async watch(start: number, timeoutMs: number, done: (o: Observation) => boolean | Promise<boolean>, seen: Observation[] = []): Promise<Observation[]> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const s = await this.status();
      const o: Observation = { atMs: performance.now() - start, phase: s?.phase, walk: s?.progression };
      const last = seen.at(-1);
      if (!last || last.phase !== o.phase || JSON.stringify(last.walk) !== JSON.stringify(o.walk)) seen.push(o);
      if (await done(o)) return seen;
      await sleep(POLL_MS);
    }
    const last = seen.at(-1);
    throw new Error(`timed out after ${timeoutMs} ms; last status: phase ${last?.phase}, walk ${JSON.stringify(last?.walk)}`);
  }

  /**
   * Events the controllers recorded on the Router whose last occurrence is at or after `since`
   * (second resolution, as the API server stores it), oldest first (`reason: message`). A repeat
   * of an earlier event is a count bump on that Event, so it is found by its lastTimestamp.
   */
  async events(since: Date): Promise<string[]> {
    const from = Math.floor(since.getTime() / 1000) * 1000;
    const list = await this.admin.request<{ items: { reason?: string; message?: string; involvedObject?: { kind?: string; name?: string }; lastTimestamp?: string }[] }>(
      HttpMethod.GET,
      `/api/v1/namespaces/${SERVICE.namespace}/events`,
    );
    return list.items
      .filter((e) => e.involvedObject?.kind === 'Router' && e.involvedObject.name === SERVICE.name && Date.parse(e.lastTimestamp ?? '') >= from)
      .sort((a, b) => (a.lastTimestamp ?? '').localeCompare(b.lastTimestamp ?? ''))
      .map((e) => `${e.reason ?? ''}: ${e.message ?? ''}`);
  }

  /** Non-200 lines of the gateway's access log from byte `from` on, by Envoy response flag (`-` for none). */
  async accessLogFlags(from: number): Promise<Record<string, number>> {
    const text = (await readFile(this.mesh.accessLogPath)).subarray(from).toString('utf8');
    const flags: Record<string, number> = {};
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const e = JSON.parse(line) as { response_code?: number; response_flags?: string };
      if (e.response_code === 200) continue;
      const flag = e.response_flags ?? '-';
      flags[flag] = (flags[flag] ?? 0) + 1;
    }
    return flags;
  }

  async accessLogSize(): Promise<number> {
    return (await stat(this.mesh.accessLogPath).catch(() => ({ size: 0 }))).size;
  }

  async stop(): Promise<void> {
    await this.controller?.proc.stop();
    await this.mesh.stop();
    await this.cp.stop();
  }
}
