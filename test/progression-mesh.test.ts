// Automated progression on the real parts: istiod built from Go modules, an Envoy gateway, the
// real kube-apiserver, loopback backends with fault knobs, a real Prometheus scraping the gateway's
// /stats/prometheus and the backends' Istio metrics, and the controllers as a child process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProgressionMesh, type Observation } from '../bench/mesh/progression-mesh.ts';
import { resetTo, runScenario, WALK, type ScenarioResult } from '../bench/mesh/progression-scenarios.ts';

const INTERVAL_MS = 4_000;
/** A rollback is decided within failureLimit windows of the first bad step; room for a loaded host. */
const ROLLBACK_SLACK_MS = 10_000;

async function controllerMetrics(env: ProgressionMesh): Promise<string> {
  return fetch(`http://127.0.0.1:${env.controller?.httpPort}/metrics`).then((r) => r.text());
}

function expectNoRoutingFailure(r: ScenarioResult): void {
  expect(r.failedFromRouting, `failed by routing; flags ${JSON.stringify(r.flags)}`).toBe(0);
  // Every non-200 line the gateway logged is a backend's own answer: no NR, NC, UH or UF flag.
  expect(Object.keys(r.flags).filter((f) => f !== '-')).toEqual([]);
}

describe('a Router walks its canary on real Prometheus metrics', { timeout: 180_000 }, () => {
  let env: ProgressionMesh;
  beforeAll(async () => {
    env = await ProgressionMesh.start();
    await resetTo(env, 'v1');
  }, 240_000);
  afterAll(async () => {
    await env?.stop();
  });

  it('walks a healthy version through every step to Promoted with no failed request', async () => {
    const r = await runScenario(env, 'v2', { name: 'healthy' });
    expect(r.outcome, r.message).toBe('Promoted');
    expect(r.steps).toBe(4);
    expect(r.stepsReached).toBe(4);
    expect(r.stepMs.length).toBeGreaterThanOrEqual(2);
    expect(r.failedFromVersion + r.failedFromRouting).toBe(0);
    expect(r.events.filter((e) => e.startsWith('Step:'))).toHaveLength(4);
    expect(r.events.some((e) => e.startsWith('Promoted:'))).toBe(true);
    const s = await env.status();
    expect(s).toMatchObject({ phase: 'Ready', weights: 'v2=100', progression: { phase: 'Promoted', promoted: { v2: 100 } } });
    expect(s?.progression?.checks?.map((c) => c.verdict)).toEqual(['Pass', 'Pass']);
    const metrics = await controllerMetrics(env);
    expect(metrics).toMatch(/^switchyard_progression_promotions_total [1-9]/m);
    expect(metrics).toMatch(/^switchyard_progression_steps_total [1-9]/m);
    expect(metrics).toMatch(/^switchyard_progression_analysis_total\{verdict="Pass"\} [1-9]/m);
  });

  it('rolls a version answering 30% 500s back within failureLimit windows; the only failures are its own 500s', async () => {
    const r = await runScenario(env, 'v1', { name: 'errors', fault: { errorRate: 0.3 } });
    expect(r.outcome, r.message).toBe('RolledBack');
    expect(r.message).toMatch(/^success-rate = [0-9.]+, want >= 95 \(failed analysis 2\/2\)$/);
    expect(r.rollbackMs).toBeLessThanOrEqual((WALK.failureLimit ?? 2) * INTERVAL_MS + ROLLBACK_SLACK_MS);
    expect(r.stepsReached).toBe(1);
    expect(r.failedFromVersion).toBeGreaterThan(0);
    expectNoRoutingFailure(r);
    expect(await env.status()).toMatchObject({ phase: 'RolledBack', weights: 'v2=100', progression: { current: { v2: 100 } } });
    expect(r.events.find((e) => e.startsWith('RolledBack:'))).toMatch(/^RolledBack: rolling back to v2=100: success-rate = /);
    expect(await controllerMetrics(env)).toMatch(/^switchyard_progression_rollbacks_total\{reason="analysis"\} [1-9]/m);
    await resetTo(env, 'v2');
  });

  it('rolls a slow version back on its p99 latency, read from the gateway Envoy\'s cluster statistics', async () => {
    const r = await runScenario(env, 'v1', { name: 'slow', fault: { delayMs: 200 }, progression: { metricsSource: 'envoy' } });
    expect(r.outcome, r.message).toBe('RolledBack');
    expect(r.message).toMatch(/^p99-latency = [0-9.]+, want <= 150 \(failed analysis 2\/2\)$/);
    expectNoRoutingFailure(r);
    await resetTo(env, 'v2');
  });

  it('holds while Prometheus is down, saying why, then rolls back after failureLimit unknowns in a row', async () => {
    let stopped = false;
    const r = await runScenario(env, 'v1', {
      name: 'prometheus down',
      during: async (e, o) => {
        if (stopped || o.walk?.stepStartedAt === undefined || o.walk.target.v1 !== 100) return;
        stopped = true;
        await e.mesh.prometheus?.kill();
      },
      after: async (e) => e.mesh.prometheus?.restart(),
    });
    expect(r.outcome, r.message).toBe('RolledBack');
    const held = r.observations.find((o) => o.walk?.message?.startsWith('holding:'));
    expect(held?.walk?.message).toMatch(/holding: success-rate: Prometheus http:\/\/127\.0\.0\.1:\d+ unreachable: .*\(unknown 1\/2\)/);
    expect(held?.walk?.step).toBe(1);
    expect(r.message).toMatch(/unknown 2 time\(s\) in a row, limit 2/);
    expectNoRoutingFailure(r);
    await resetTo(env, 'v2');
  });

  it('resumes at the same step after the controller is SIGKILLed mid-walk, repeating and skipping none', async () => {
    let killed: Observation | undefined;
    const r = await runScenario(env, 'v1', {
      name: 'controller killed',
      during: async (e, o) => {
        if (killed !== undefined || o.walk?.step !== 2 || o.walk.stepStartedAt === undefined) return;
        killed = o;
        expect(await e.killController()).toBe('signal SIGKILL');
        await e.startController();
      },
    });
    expect(r.outcome, r.message).toBe('Promoted');
    expect(killed).toBeDefined();
    // The window of step 2 opened once: the restarted controller kept it rather than starting over.
    const windows = new Set(r.observations.filter((o) => o.walk?.step === 2 && o.walk.stepStartedAt).map((o) => o.walk?.stepStartedAt));
    expect([...windows]).toEqual([killed?.walk?.stepStartedAt]);
    const steps = r.events.filter((e) => e.startsWith('Step:')).map((e) => /step (\d+)\/\d+/.exec(e)?.[1]);
    expect(steps).toEqual(['1', '2', '3', '4']);
    expectNoRoutingFailure(r);
  });

  it('a pauseAt step holds until promote; abort rolls back at once', async () => {
    let promotedAt: number | undefined;
    const paused = await runScenario(env, 'v2', {
      name: 'pause then promote',
      progression: { pauseAt: [30] },
      during: async (e, o) => {
        if (promotedAt !== undefined || o.walk?.phase !== 'Paused') return;
        await new Promise((r) => setTimeout(r, 2 * INTERVAL_MS));
        const still = await e.status();
        expect(still?.progression).toMatchObject({ phase: 'Paused', canaryWeight: 30 });
        promotedAt = o.atMs;
        await e.command(`promote@${Date.now()}`);
      },
    });
    expect(paused.outcome, paused.message).toBe('Promoted');
    expect(paused.observations.some((o) => o.walk?.phase === 'Paused' && o.walk.canaryWeight === 30)).toBe(true);
    expectNoRoutingFailure(paused);
    let abortedAt: number | undefined;
    const aborted = await runScenario(env, 'v1', {
      name: 'pause then abort',
      progression: { pauseAt: [10] },
      during: async (e, o) => {
        if (abortedAt !== undefined || o.walk?.phase !== 'Paused') return;
        abortedAt = o.atMs;
        await e.command(`abort@${Date.now()}`);
      },
    });
    expect(aborted.outcome, aborted.message).toBe('RolledBack');
    expect(aborted.message).toBe('aborted by command');
    const back = aborted.observations.find((o) => o.walk?.phase === 'RolledBack');
    expect((back?.atMs ?? Infinity) - (abortedAt ?? 0)).toBeLessThan(INTERVAL_MS);
    expectNoRoutingFailure(aborted);
    await resetTo(env, 'v2');
  });
});
