import { ProgressionMesh } from './progression-mesh.ts';
import { resetTo, runScenario, WALK, type Scenario, type ScenarioResult } from './progression-scenarios.ts';

/** The scenarios of `bench:mesh -- --progression`, each from the promoted version to the other one. */
function scenarios(): Scenario[] {
  let prometheusStopped = false;
  let controllerKilled = false;
  let promoted = false;
  let aborted = false;
  return [
    { name: 'healthy' },
    { name: '30% 500s', fault: { errorRate: 0.3 } },
    { name: '+200 ms (Envoy stats)', fault: { delayMs: 200 }, progression: { metricsSource: 'envoy' } },
    {
      name: 'Prometheus down',
      during: async (env, o) => {
        if (prometheusStopped || o.walk?.stepStartedAt === undefined) return;
        prometheusStopped = true;
        await env.mesh.prometheus?.kill();
      },
      after: async (env) => env.mesh.prometheus?.restart(),
    },
    {
      name: 'controller SIGKILL at step 2',
      during: async (env, o) => {
        if (controllerKilled || o.walk?.step !== 2 || o.walk.stepStartedAt === undefined) return;
        controllerKilled = true;
        await env.killController();
        await env.startController();
      },
    },
    {
      name: 'pauseAt 30, promote after 2 s',
      progression: { pauseAt: [30] },
      during: async (env, o) => {
        if (promoted || o.walk?.phase !== 'Paused') return;
        promoted = true;
        await new Promise((r) => setTimeout(r, 2_000));
        await env.command(`promote@${Date.now()}`);
      },
    },
    {
      name: 'pauseAt 10, abort',
      progression: { pauseAt: [10] },
      during: async (env, o) => {
        if (aborted || o.walk?.phase !== 'Paused') return;
        aborted = true;
        await env.command(`abort@${Date.now()}`);
      },
    },
  ];
}

function median(values: number[]): string {
  if (values.length === 0) return '-';
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(0);
}

function row(r: ScenarioResult): string[] {
  const flags = Object.entries(r.flags).map(([f, n]) => `${f}:${n}`).join(' ') || '-';
  return [
    r.name,
    r.outcome,
    `${r.stepsReached}/${r.steps}`,
    median(r.stepMs),
    r.rollbackMs === undefined || r.outcome !== 'RolledBack' ? '-' : r.rollbackMs.toFixed(0),
    String(r.requests),
    String(r.failedFromVersion),
    String(r.failedFromRouting),
    flags,
  ];
}

/**
 * `npm run bench:mesh -- --progression`: the canary walks of the CI test, on the same real parts,
 * printed as a table — per scenario the outcome, steps reached, median time per step, time from
 * the first bad step going live to the rollback decision, requests, and failed requests split
 * into those the version answered itself (its injected 500s) and those routing caused.
 */
export async function runProgressionBench(log: (line: string) => void): Promise<void> {
  const env = await ProgressionMesh.start();
  const results: ScenarioResult[] = [];
  try {
    let promoted = 'v1';
    await resetTo(env, promoted);
    for (const scenario of scenarios()) {
      const canary = promoted === 'v1' ? 'v2' : 'v1';
      log(`progression: ${scenario.name} (${promoted} → ${canary})`);
      const r = await runScenario(env, canary, scenario);
      results.push(r);
      if (r.outcome === 'Promoted') promoted = canary;
      else await resetTo(env, promoted);
    }
  } finally {
    await env.stop();
  }
  console.log(`walk: steps ${JSON.stringify(WALK.steps)} then 100, interval ${WALK.interval}, failureLimit ${WALK.failureLimit}, checks ${(WALK.analysis ?? []).map((c) => `${c.name} ${c.min === undefined ? `<= ${c.max}` : `>= ${c.min}`}`).join(', ')}; 100 requests/s through the gateway`);
  const header = ['scenario', 'outcome', 'steps', 'ms per step (median)', 'first bad step → rollback ms', 'requests', 'failed: version itself', 'failed: routing', 'non-200 flags'];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const r of results) console.log(`| ${row(r).join(' | ')} |`);
}
