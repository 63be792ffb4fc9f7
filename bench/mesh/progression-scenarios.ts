import { setTimeout as sleep } from 'node:timers/promises';
import type { Progression } from '../../api/progression.ts';
import type { Fault } from '../../dev/version-backend.ts';
import { HOST, type Observation, type ProgressionMesh } from './progression-mesh.ts';
import { startTraffic } from './traffic.ts';

/** Steady traffic through the gateway during every walk. */
const RATE = 100;
/** A walk of three steps and the promotion, each analysed for a few seconds. */
export const WALK: Progression = {
  steps: [10, 30, 60],
  interval: '4s',
  failureLimit: 2,
  analysis: [
    { name: 'success-rate', metric: 'successRate', min: 95 },
    { name: 'p99-latency', metric: 'latency', max: 150 },
  ],
};
const WALK_TIMEOUT_MS = 120_000;
const FINAL = new Set(['Promoted', 'RolledBack']);

/** What one scenario measured. */
export interface ScenarioResult {
  name: string;
  /** The walk's final phase (Promoted or RolledBack). */
  outcome: string;
  message: string;
  /** Highest step reached / steps of the walk. */
  stepsReached: number;
  steps: number;
  /** ms from one step's analysis window opening to the next's. */
  stepMs: number[];
  /** ms from the first bad step going live to the rollback being decided (RollingBack seen). */
  rollbackMs: number | undefined;
  requests: number;
  /** 500s the canary answered itself (its injected fault). */
  failedFromVersion: number;
  /** Every other failed request: no answer, or an answer not from a backend. */
  failedFromRouting: number;
  /** Non-200 lines of the gateway's access log by response flag (`-`: none, the backend answered). */
  flags: Record<string, number>;
  observations: Observation[];
  events: string[];
}

/** What a scenario does beyond the walk: a fault on the canary, actions when the walk reaches a state. */
export interface Scenario {
  name: string;
  fault?: Fault;
  progression?: Partial<Progression>;
  /** Called on every observation; may act on the mesh (stop Prometheus, kill the controller, send a command). */
  during?: (env: ProgressionMesh, o: Observation) => Promise<void>;
  /** Called after the walk ended (restart what `during` stopped). */
  after?: (env: ProgressionMesh) => Promise<void>;
}

/**
 * Runs one walk from the promoted version to the other one under steady gateway traffic: puts
 * the scenario's fault on the canary, declares `{canary: 100}` and watches the status until
 * Promoted or RolledBack; counts every response.
 */
export async function runScenario(env: ProgressionMesh, canary: string, scenario: Scenario): Promise<ScenarioResult> {
  const progression = { ...WALK, ...scenario.progression };
  env.mesh.backends.get(`main-${canary}`)?.setFault(scenario.fault ?? {});
  const logFrom = await env.accessLogSize();
  const traffic = startTraffic({ port: env.mesh.gatewayPort, host: HOST, rate: RATE, sandboxEvery: 0, sandboxHeader: ['x-none', ''], maxDurationMs: WALK_TIMEOUT_MS + 30_000 });
  const start = performance.now();
  let observations: Observation[] = [];
  let since = new Date();
  try {
    // Events of the reset before this walk end up at least a second earlier than `since`.
    await sleep(2_000);
    since = new Date();
    await env.apply(env.router({ [canary]: 100 }, progression));
    observations = await env.watch(start, WALK_TIMEOUT_MS, async (o) => {
      await scenario.during?.(env, o);
      return FINAL.has(o.walk?.phase ?? '') && o.walk?.target[canary] === 100;
    });
    await sleep(1_000);
  } finally {
    await traffic.stop();
    env.mesh.backends.get(`main-${canary}`)?.setFault({});
    await scenario.after?.(env);
  }
  const failed = traffic.samples.filter((s) => s.status !== 200);
  const fromVersion = failed.filter((s) => s.status === 500 && s.workload === `main-${canary}`).length;
  const last = observations.at(-1)?.walk;
  return {
    name: scenario.name,
    outcome: last?.phase ?? 'unknown',
    message: last?.message ?? '',
    stepsReached: Math.max(0, ...observations.map((o) => (o.walk?.target[canary] === 100 ? o.walk.step : 0))),
    steps: last?.steps ?? 0,
    stepMs: stepDurations(observations),
    rollbackMs: rollbackDelay(observations),
    requests: traffic.samples.length,
    failedFromVersion: fromVersion,
    failedFromRouting: failed.length - fromVersion,
    flags: await env.accessLogFlags(logFrom),
    observations,
    events: await env.events(since),
  };
}

/** Times between consecutive analysis windows opening (a new `stepStartedAt` on a new step). */
function stepDurations(observations: Observation[]): number[] {
  const opened = new Map<number, number>();
  for (const o of observations) {
    const w = o.walk;
    if (w?.phase === 'Progressing' && w.stepStartedAt !== undefined && !opened.has(w.step)) opened.set(w.step, o.atMs);
  }
  const times = [...opened.values()];
  return times.slice(1).map((t, i) => t - (times[i] ?? t));
}

/** From the first step's window opening (the bad version live) to RollingBack or RolledBack first seen. */
function rollbackDelay(observations: Observation[]): number | undefined {
  const first = observations.find((o) => o.walk?.phase === 'Progressing' && o.walk.stepStartedAt !== undefined);
  const back = observations.find((o) => o.walk?.phase === 'RollingBack' || o.walk?.phase === 'RolledBack');
  return first && back ? back.atMs - first.atMs : undefined;
}

/**
 * Makes `version` the promoted one at 100% (a walk of one step: nothing to analyse when the
 * desired weights are where the walk would return), as a user resets after a rollback.
 */
export async function resetTo(env: ProgressionMesh, version: string): Promise<void> {
  await env.apply(env.router({ [version]: 100 }, WALK));
  await env.watch(performance.now(), WALK_TIMEOUT_MS, (o) => o.phase === 'Ready' && o.walk?.phase === 'Promoted' && o.walk.promoted[version] === 100);
}
