// The controller PROCESS (`node controllers/main.ts`, as `npm start` runs it) killed with SIGKILL
// right after each make-before-break step, then restarted: it must resume from live state and
// finish the transition, and at every sampled moment the live VS may only route to subsets the
// live DR defines. Also: SIGTERM during a step's wait exits 0 promptly and leaves a safe state.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION } from '../api/meta.ts';
import { router as routerSchema, type Router, type RouterSubset } from '../api/router.ts';
import { applyObjects, readObjects } from '../kube/apply-as-user.ts';
import type { DesiredRouting } from '../core/plan/make-before-break.ts';
import { specEqual } from '../lib/spec-equal.ts';
import { routerRouting } from '../core/router/router-routing.ts';
import { ROUTER, resourcePath } from '../controllers/scheme.ts';
import { KubeClient, loadKubeConfig } from '../kube/kube-client.ts';
import { startControlPlane, type ControlPlane } from '../dev/control-plane.ts';
import { startControllerProcess, type ControllerProcess } from '../dev/controller-process.ts';
import { eventually } from './support/eventually.ts';
import { RoutingSampler, type RoutingSample } from './support/routing-sampler.ts';

const NS = 'crash-resume';
/** Every step of the plan has something to do: v1.0.3 is new, v1.0.1 goes away, weights change. */
const FROM: RouterSubset['versions'] = { 'v1.0.1': 90, 'v1.0.2': 10 };
const TO: RouterSubset['versions'] = { 'v1.0.2': 50, 'v1.0.3': 50 };
/** Long enough to see each step alone (samples every 20 ms), short enough for a quick test. */
const SETTLE_DELAY = '1s';
/** SIGTERM must end the process well inside Kubernetes' 30 s grace period; "a few seconds". */
const GRACEFUL_EXIT_MS = 5_000;
const TRANSITION_TIMEOUT_MS = 20_000;

let cp: ControlPlane;
let admin: KubeClient;
let controller: ControllerProcess | undefined;

const startController = async (): Promise<ControllerProcess> =>
  (controller = await startControllerProcess({ kubeconfigPath: cp.controllerKubeconfigPath, logPath: join(cp.logDir, 'controllers.log'), settleDelay: SETTLE_DELAY }));

function routerObject(name: string, versions: RouterSubset['versions']): Router {
  return { apiVersion: API_VERSION, kind: 'Router', metadata: { name, namespace: NS }, spec: { port: 9090, subsets: [{ branch: 'master', versions }] } };
}

/** Applies the Router as a user would (server-side apply as admin). */
const applyRouter = (name: string, versions: RouterSubset['versions']) => applyObjects(admin, [routerObject(name, versions)]);

/** Resolves with the live Router once it is Ready for its current generation. */
function readyRouter(name: string, timeoutMs = TRANSITION_TIMEOUT_MS): Promise<Router> {
  return eventually(`Router ${name} Ready for its generation`, async () => {
    const live = await admin.get<Router>(resourcePath(ROUTER, NS, name));
    return live.status?.phase === 'Ready' && live.status.observedGeneration === live.metadata.generation && live;
  }, timeoutMs);
}

/** What the controller should converge to for `live` (its uid is in the owner references). */
const desiredOf = (live: Router): DesiredRouting => routerRouting(routerSchema.parse(live), [], new Date()).desired;

const subsetNames = (dr: { spec: { subsets?: { name: string }[] } } | undefined): string =>
  [...new Set((dr?.spec.subsets ?? []).map((s) => s.name))].sort().join(',');

/**
 * Where a sample stands in the transition `from` → `to`: 0 before step 1, k after step k's write
 * (1 union DR, 2 new VS, 3 pruned DR); undefined for any other state.
 */
function stageOf(s: RoutingSample, from: DesiredRouting, to: DesiredRouting): number | undefined {
  const { virtualService: vs, destinationRule: dr } = s;
  if (!vs || !dr) return undefined;
  const union = subsetNames({ spec: { subsets: [...(from.destinationRule.spec.subsets ?? []), ...(to.destinationRule.spec.subsets ?? [])] } });
  const oldVs = specEqual(vs.spec, from.virtualService.spec);
  const newVs = specEqual(vs.spec, to.virtualService.spec);
  if (oldVs && specEqual(dr.spec, from.destinationRule.spec)) return 0;
  if (oldVs && subsetNames(dr) === union) return 1;
  if (newVs && subsetNames(dr) === union) return 2;
  if (newVs && specEqual(dr.spec, to.destinationRule.spec)) return 3;
  return undefined;
}

/** Starts sampling `name`, creates it with FROM, waits Ready, applies TO; returns both renders and the stages seen. */
async function beginTransition(name: string) {
  const sampler = new RoutingSampler(admin, NS, name);
  sampler.start();
  await applyRouter(name, FROM);
  const from = desiredOf(await readyRouter(name));
  const to = desiredOf({ ...routerObject(name, TO), metadata: (await readyRouter(name)).metadata });
  const stages: (number | undefined)[] = [];
  sampler.onSample((s) => stages.push(stageOf(s, from, to)));
  await applyRouter(name, TO);
  return { sampler, from, to, stages };
}

/** After the transition: Ready, live VS/DR equal the desired render, no unsafe sample, stages in order. */
async function expectFinished(name: string, run: Awaited<ReturnType<typeof beginTransition>>): Promise<void> {
  const live = await readyRouter(name);
  expect(live.spec.subsets[0]?.versions).toEqual(TO);
  const last = await run.sampler.waitFor('a sample of the final state', () => true);
  await run.sampler.stop();
  expect(last.virtualService?.spec).toEqual(run.to.virtualService.spec);
  expect(last.destinationRule?.spec).toEqual(run.to.destinationRule.spec);
  for (const [obj, want] of [[last.virtualService, run.to.virtualService], [last.destinationRule, run.to.destinationRule]] as const) {
    expect(obj?.metadata.labels).toEqual(want.metadata.labels);
    expect(obj?.metadata.ownerReferences).toEqual(want.metadata.ownerReferences);
  }
  expect(run.sampler.violations).toEqual([]);
  expect(run.stages).not.toContain(undefined);
  expect(run.stages).toEqual([...run.stages].sort());
  expect(run.stages.at(-1)).toBe(3);
}

beforeAll(async () => {
  cp = await startControlPlane({ installCrds: true });
  admin = new KubeClient(loadKubeConfig({ path: cp.kubeconfigPath }));
  // The controller runs as its own service account, with exactly the shipped RBAC.
  await applyObjects(admin, await readObjects([fileURLToPath(new URL('../deploy/rbac.yaml', import.meta.url))]));
  await startController();
});

afterAll(async () => {
  await controller?.proc.stop();
  await cp?.stop();
});

describe('controller process killed between make-before-break steps', () => {
  it.each([1, 2, 3])('SIGKILL right after step %i: a restarted process finishes the transition, never routing to an undefined subset', async (k) => {
    const name = `crash-after-step-${k}`;
    const run = await beginTransition(name);
    await run.sampler.waitFor(`step ${k} to be live`, (s) => stageOf(s, run.from, run.to) === k, TRANSITION_TIMEOUT_MS);
    expect(await controller?.signal('SIGKILL')).toBe('signal SIGKILL');
    // The kill landed between steps: the state is still exactly step k.
    const afterKill = await run.sampler.waitFor('a sample after the kill', () => true);
    expect(stageOf(afterKill, run.from, run.to)).toBe(k);
    await startController();
    await expectFinished(name, run);
    expect(run.stages).toContain(k);
  });

  it('SIGTERM during a step wait exits 0 within seconds, leaves step 1 live, and the next process completes', async () => {
    const name = 'graceful-stop';
    const run = await beginTransition(name);
    await run.sampler.waitFor('step 1 to be live', (s) => stageOf(s, run.from, run.to) === 1, TRANSITION_TIMEOUT_MS);
    const sent = Date.now();
    expect(await controller?.signal('SIGTERM')).toBe('code 0');
    expect(Date.now() - sent).toBeLessThan(GRACEFUL_EXIT_MS);
    const afterStop = await run.sampler.waitFor('a sample after the exit', () => true);
    expect(stageOf(afterStop, run.from, run.to)).toBe(1);
    await startController();
    await expectFinished(name, run);
  });
});
