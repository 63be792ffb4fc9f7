import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Router } from '../../api/router.ts';
import { startControlPlane, type ControlPlane } from '../../dev/control-plane.ts';
import { startControllerProcess, type ControllerProcess } from '../../dev/controller-process.ts';
import { startLiveMesh, type LiveMesh } from '../../dev/live-mesh.ts';
import type { DestinationRule, VirtualService } from '../../core/istio/types.ts';
import { makeBeforeBreakPlan, type DesiredRouting } from '../../core/plan/make-before-break.ts';
import { routerRouting } from '../../core/router/router-routing.ts';
import { routerHost } from '../../core/router/router-host.ts';
import { desiredSignatures, routeSignatures, virtualServicePath } from '../../controllers/router/verify/xds-expectation.ts';
import { applyObject, applyObjects, readObjects } from '../../kube/apply-as-user.ts';
import { HttpMethod } from '@kubernetes/client-node';
import { KubeClient, loadKubeConfig } from '../../kube/kube-client.ts';
import { DESTINATION_RULE, ISTIO_FILTER, resourcePath, ROUTER, VIRTUAL_SERVICE } from '../../controllers/scheme.ts';
import type { KindRef, KubeObject } from '../../kube/types.ts';
import { INITIAL, MIRROR, mirrorFilter, routerSpec, SANDBOX, series, SERVICE, serviceMesh, type State } from './series.ts';
import { startTraffic, type Sample } from './traffic.ts';

const RBAC = fileURLToPath(new URL('../../deploy/rbac.yaml', import.meta.url));
const HOST = routerHost({ metadata: { name: SERVICE.name, namespace: SERVICE.namespace }, spec: {} });
const VS_PATH = virtualServicePath(SERVICE.namespace, SERVICE.name);
/** A transition that has not taken effect on the gateway after this long is reported and the run goes on. */
const EFFECT_TIMEOUT_MS = 60_000;
const POLL_MS = 25;
const FIELD_MANAGER = 'switchyard-bench';

/** How the series is applied. */
export type Mode =
  | { kind: 'verified' }
  | { kind: 'settle'; delay: string }
  /** No controller: DR and VS rendered by Switchyard's own pure code and written at the same moment. */
  | { kind: 'naive' }
  /** No controller: the DR written, then the VS, one after the other (a file listing the DR first). */
  | { kind: 'naive-sequential' };

export interface SeriesOptions {
  mode: Mode;
  transitions: number;
  /** Steady traffic rate through the gateway, requests per second. */
  rate: number;
  /** How long each state is held after it took effect on the gateway (so the split can be sampled). */
  dwellMs: number;
}

export interface TransitionResult {
  label: string;
  /** From the write to the gateway's routes matching the new state (Envoy's own config_dump). */
  effectMs: number;
  /** From the write to the DR and VS being final (every make-before-break step done). */
  doneMs: number;
  timedOut: boolean;
}

export interface SeriesResult {
  mode: Mode;
  requests: number;
  non2xx: number;
  status503: number;
  /** Failed responses by Envoy response flag (from the gateway's access log), e.g. `{NC: 12}`. */
  flags: Record<string, number>;
  /** Connection errors (no HTTP answer at all). */
  connectionErrors: number;
  /** Config pushes the gateway refused (NACKs) or istiod reports an error for; must be empty. */
  rejections: string[];
  transitions: TransitionResult[];
  /** Declared weight → observed share of default-branch traffic while that state held, pooled. */
  splits: { declared: string; observed: string; samples: number; worstDeviation: number }[];
  /** Requests with the sandbox header answered by the sandbox while it existed / by main otherwise. */
  sandboxMisrouted: number;
}

function modeLabel(mode: Mode): string {
  return mode.kind === 'settle' ? `settle ${mode.delay}` : mode.kind;
}

/** Runs one mode's series on a fresh control plane, istiod, gateway and backends, and tears it all down. */
export async function runSeries(o: SeriesOptions, log: (line: string) => void = () => {}): Promise<SeriesResult> {
  const cp = await startControlPlane({ installCrds: true });
  let mesh: LiveMesh | undefined;
  let controller: ControllerProcess | undefined;
  try {
    const admin = new KubeClient(loadKubeConfig({ path: cp.kubeconfigPath }));
    await applyObjects(admin, await readObjects([RBAC]));
    mesh = await startLiveMesh(serviceMesh(cp));
    log(`${modeLabel(o.mode)}: mesh up (istiod ${mesh.istiodDebugUrl}, gateway :${mesh.gatewayPort})`);
    if (o.mode.kind === 'verified' || o.mode.kind === 'settle') controller = await startController(cp, mesh, o.mode);
    const driver = new Driver(admin, mesh, o.mode);
    await driver.apply(INITIAL);
    const first = await driver.awaitState(INITIAL, performance.now());
    if (first.timedOut) throw new Error(`${modeLabel(o.mode)}: the initial state never took effect on the gateway: ${await driver.explain(INITIAL)}`);
    const states = series(o.transitions);
    const traffic = startTraffic({
      port: mesh.gatewayPort,
      host: HOST,
      rate: o.rate,
      sandboxEvery: 5,
      sandboxHeader: [SANDBOX.header, SANDBOX.branch],
      maxDurationMs: states.length * (o.dwellMs + EFFECT_TIMEOUT_MS) + 60_000,
    });
    await sleep(o.dwellMs);
    const transitions: TransitionResult[] = [];
    const windows: { state: State; from: number; to: number }[] = [];
    let previous = INITIAL;
    for (const [i, state] of states.entries()) {
      const start = performance.now();
      const startAt = traffic.now();
      await driver.apply(state, previous);
      const result = await driver.awaitState(state, start);
      transitions.push({ label: state.label, ...result });
      const effectAt = startAt + result.effectMs;
      await sleep(o.dwellMs);
      windows.push({ state, from: effectAt, to: traffic.now() });
      if ((i + 1) % 10 === 0) log(`${modeLabel(o.mode)}: ${i + 1}/${states.length} transitions, ${traffic.samples.filter((s) => s.status !== 200).length} failed requests so far`);
      previous = state;
    }
    await traffic.stop();
    return { ...(await summarise(o.mode, traffic.samples, transitions, windows, mesh.accessLogPath)), rejections: await mesh.rejections() };
  } finally {
    await controller?.proc.stop();
    await mesh?.stop();
    await cp.stop();
  }
}

async function startController(cp: ControlPlane, mesh: LiveMesh, mode: Extract<Mode, { kind: 'verified' | 'settle' }>): Promise<ControllerProcess> {
  return startControllerProcess({
    kubeconfigPath: cp.controllerKubeconfigPath,
    logPath: join(cp.logDir, 'controllers.log'),
    settleDelay: mode.kind === 'settle' ? mode.delay : '0s',
    extraArgs: mode.kind === 'verified' ? ['--istiod-debug-url', mesh.istiodDebugUrl] : [],
  });
}

/** Applies states the way the mode does and tells when one has taken effect. */
class Driver {
  readonly #admin: KubeClient;
  readonly #mesh: LiveMesh;
  readonly #mode: Mode;

  constructor(admin: KubeClient, mesh: LiveMesh, mode: Mode) {
    this.#admin = admin;
    this.#mesh = mesh;
    this.#mode = mode;
  }

  #router(state: State): Router {
    const propagation = this.#mode.kind === 'verified' ? { mode: 'verified' as const, timeout: '30s' } : undefined;
    return {
      apiVersion: 'switchyard.io/v1alpha1',
      kind: 'Router',
      metadata: { name: SERVICE.name, namespace: SERVICE.namespace },
      spec: routerSpec(state, this.#mesh.gatewayRef, propagation),
    };
  }

  /** The DR and VS Switchyard renders for a state (what every mode converges to). */
  desired(state: State): DesiredRouting {
    const router = { ...this.#router(state), metadata: { name: SERVICE.name, namespace: SERVICE.namespace, uid: 'naive-apply', generation: 1 } };
    const filters = state.mirror ? [mirrorFilter() as KubeObject] : [];
    return routerRouting(router, filters, new Date()).desired;
  }

  async apply(state: State, previous?: State): Promise<void> {
    if (this.#mode.kind === 'naive' || this.#mode.kind === 'naive-sequential') {
      const { destinationRule, virtualService } = this.desired(state);
      const [dr, vs] = [destinationRule, virtualService] as unknown as [KubeObject, KubeObject];
      // At the same moment (a hand-run `kubectl apply` of both), or DR then VS (a file listing the DR first).
      if (this.#mode.kind === 'naive') await Promise.all([this.#write(dr), this.#write(vs)]);
      else for (const obj of [dr, vs]) await this.#write(obj);
      return;
    }
    if (state.mirror && previous?.mirror !== true) await this.#write(mirrorFilter() as KubeObject);
    if (!state.mirror && previous?.mirror === true) await this.#admin.request(HttpMethod.DELETE, resourcePath(ISTIO_FILTER, SERVICE.namespace, MIRROR.filter));
    await this.#write(this.#router(state) as unknown as KubeObject);
  }

  /** One server-side apply as a user (the namespace exists: the harness created it). */
  async #write(obj: KubeObject): Promise<void> {
    await applyObject(this.#admin, obj, FIELD_MANAGER);
  }

  /** Polls until the gateway routes as the state declares and the DR/VS are final. */
  async awaitState(state: State, start: number): Promise<Omit<TransitionResult, 'label'>> {
    const desired = this.desired(state);
    const signatures = desiredSignatures(desired.virtualService, HOST, SERVICE.port).join('\n');
    let effectMs: number | undefined;
    let doneMs: number | undefined;
    while (performance.now() - start < EFFECT_TIMEOUT_MS) {
      if (effectMs === undefined && (await this.#gatewaySignatures()) === signatures) effectMs = performance.now() - start;
      if (doneMs === undefined && (await this.#final(desired))) doneMs = performance.now() - start;
      if (effectMs !== undefined && doneMs !== undefined) return { effectMs, doneMs, timedOut: false };
      await sleep(POLL_MS);
    }
    const elapsed = performance.now() - start;
    return { effectMs: effectMs ?? elapsed, doneMs: doneMs ?? elapsed, timedOut: true };
  }

  /** What the gateway routes, what the state wants and the Router's status: for an error message. */
  async explain(state: State): Promise<string> {
    const wanted = desiredSignatures(this.desired(state).virtualService, HOST, SERVICE.port).join('\n');
    const router = await this.#admin.find<KubeObject>(resourcePath(ROUTER, SERVICE.namespace, SERVICE.name));
    return `gateway routes [${await this.#gatewaySignatures()}], wanted [${wanted}], Router status ${JSON.stringify(router?.status)}`;
  }

  async #gatewaySignatures(): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${this.#mesh.gateway.adminPort}/config_dump?resource=dynamic_route_configs`);
    const body = (await res.json()) as { configs?: { route_config?: unknown }[] };
    return routeSignatures((body.configs ?? []).map((c) => c.route_config), VS_PATH).join('\n');
  }

  /** Final: the controller's own planner has nothing left to do (and, with a controller, the Router is Ready). */
  async #final(desired: DesiredRouting): Promise<boolean> {
    const find = <T>(kind: KindRef): Promise<T | undefined> => this.#admin.find<T>(resourcePath(kind, SERVICE.namespace, SERVICE.name));
    const [destinationRule, virtualService] = await Promise.all([find<DestinationRule>(DESTINATION_RULE), find<VirtualService>(VIRTUAL_SERVICE)]);
    if (makeBeforeBreakPlan({ destinationRule, virtualService }, desired).length > 0) return false;
    if (this.#mode.kind === 'naive' || this.#mode.kind === 'naive-sequential') return true;
    const router = await find<KubeObject>(ROUTER);
    const status = router?.status as { phase?: string; observedGeneration?: number } | undefined;
    return status?.phase === 'Ready' && status.observedGeneration === router?.metadata.generation;
  }
}

interface AccessLogEntry {
  response_code?: number;
  response_flags?: string;
}

async function summarise(mode: Mode, samples: Sample[], transitions: TransitionResult[], windows: { state: State; from: number; to: number }[], accessLogPath: string): Promise<Omit<SeriesResult, 'rejections'>> {
  const flags: Record<string, number> = {};
  for (const line of (await readFile(accessLogPath, 'utf8')).split('\n')) {
    if (line.trim() === '') continue;
    const e = JSON.parse(line) as AccessLogEntry;
    if (e.response_code === 200) continue;
    const flag = e.response_flags && e.response_flags !== '-' ? e.response_flags : `code ${e.response_code}`;
    flags[flag] = (flags[flag] ?? 0) + 1;
  }
  const pooled = new Map<string, { counts: Record<string, number>; total: number; weights: Record<string, number> }>();
  let sandboxMisrouted = 0;
  for (const s of samples) {
    const w = windows.find((x) => s.at >= x.from && s.at < x.to);
    if (!w || s.status !== 200) continue;
    if (s.sandbox) {
      const expectSandbox = w.state.sandbox;
      if ((s.workload === SANDBOX.branch) !== expectSandbox) sandboxMisrouted++;
      continue;
    }
    const key = Object.entries(w.state.weights).map(([v, p]) => `${v}=${p}`).sort().join(',');
    const entry = pooled.get(key) ?? { counts: {}, total: 0, weights: w.state.weights };
    entry.total++;
    const version = s.workload?.replace(/^main-/, '') ?? '?';
    entry.counts[version] = (entry.counts[version] ?? 0) + 1;
    pooled.set(key, entry);
  }
  const splits = [...pooled.entries()]
    .filter(([, e]) => Object.keys(e.weights).length > 1)
    .map(([declared, e]) => {
      const observed = Object.keys(e.weights).sort().map((v) => `${v}=${((100 * (e.counts[v] ?? 0)) / e.total).toFixed(1)}`).join(',');
      const worstDeviation = Math.max(...Object.entries(e.weights).map(([v, p]) => Math.abs((100 * (e.counts[v] ?? 0)) / e.total - p)));
      return { declared, observed, samples: e.total, worstDeviation };
    });
  return {
    mode,
    requests: samples.length,
    non2xx: samples.filter((s) => s.status !== 200 && s.status !== 0).length,
    status503: samples.filter((s) => s.status === 503).length,
    connectionErrors: samples.filter((s) => s.status === 0).length,
    flags,
    transitions,
    splits,
    sandboxMisrouted,
  };
}
