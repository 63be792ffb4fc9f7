import { router as routerSchema, routerStatus, type Router } from '../../api/router.ts';
import { makeBeforeBreakPlan, type PlanStep } from '../../core/plan/make-before-break.ts';
import { applyOwned, OwnershipConflict } from '../reconcile/apply-owned.ts';
import { specProblemOf } from '../../core/spec-problem.ts';
import type { DestinationRule, VirtualService } from '../../core/istio/types.ts';
import { DESTINATION_RULE, ISTIO_FILTER, ROUTER, SERVICE, VIRTUAL_SERVICE } from '../scheme.ts';
import type { KindRef, KubeObject, ObjectKey, ReconcileContext, ReconcileResult, Reconciler } from '../../kube/types.ts';
import { DEFAULT_PROPAGATION_TIMEOUT_MS, DEFAULT_SETTLE_DELAY_MS, propagationPolicy, type PropagationDefaults } from '../../core/router/propagation-policy.ts';
import { RenderError } from '../../core/router/render-error.ts';
import { expiryRequeueMs, routerRouting, type RouterRouting } from '../../core/router/router-routing.ts';
import { conflictStatus, invalidStatus, progressingStatus, readyStatus, type StatusInput } from './router-status.ts';
import { stepProgress, type StepProgress } from './step-progress.ts';
import { routerHost } from '../../core/router/subset-name.ts';
import { ConfirmedSteps } from './verify/confirmed-steps.ts';
import type { PropagationVerifier, VerifyOutcome, VerifyRequest } from './verify/istiod-verifier.ts';
import { expectationFor, preconditionFor } from './verify/xds-expectation.ts';

export interface RouterReconcilerOptions {
  /** Settle delay after each step for Routers without `spec.propagation.settleDelay` (default 5000 ms). */
  settleDelayMs?: number;
  /** Step timeout for Routers without `spec.propagation.timeout` (default 60000 ms). */
  timeoutMs?: number;
  /** Confirms steps for Routers in `spec.propagation.mode: verified` (absent: they use the settle delay). */
  verifier?: PropagationVerifier;
}

const DONE: ReconcileResult = { kind: 'done' };
/** Re-run at once after a step's wait: the next step is planned from live state again. */
const NEXT_STEP: ReconcileResult = { kind: 'requeueAfter', ms: 0 };

/** One reconcile's view of its Router. */
interface Round {
  key: ObjectKey;
  ctx: ReconcileContext;
  object: KubeObject;
  router: Router;
  routing: RouterRouting;
  input: StatusInput;
  defaults: PropagationDefaults;
  verifier: PropagationVerifier | undefined;
  confirmed: ConfirmedSteps;
}

/**
 * The Router reconcile: renders the Router, layers its IstioFilters, plans make-before-break
 * against the live DR/VS and applies ONLY the plan's first step, waits for it to propagate
 * (settle delay), and asks to be re-run so the next step is planned from live state again. So a
 * crash between steps resumes where live state is, one Router runs one transition at a time (the
 * queue never runs a key twice at once), and other Routers are not blocked.
 *
 * - Absent or being deleted → done (owner references let Kubernetes collect the VS/DR/Service).
 * - Invalid spec or unrenderable → status Invalid (field, rule, value), terminal.
 * - An unmanaged VS/DR/Service of the same name → status Conflict, Warning event, terminal,
 *   unless `spec.adopt`.
 * - Plan empty → status Ready; re-run at the next filter expiry, if any.
 * - A step still not taken after `spec.propagation.timeout` → status Degraded, applied again.
 */
export function routerReconciler(options: RouterReconcilerOptions = {}): Reconciler {
  const defaults: PropagationDefaults = {
    settleDelayMs: options.settleDelayMs ?? DEFAULT_SETTLE_DELAY_MS,
    timeoutMs: options.timeoutMs ?? DEFAULT_PROPAGATION_TIMEOUT_MS,
  };
  const confirmed = new ConfirmedSteps();
  return async (key, ctx) => {
    const object = ctx.cache.get(ROUTER, key);
    if (!object || object.metadata.deletionTimestamp !== undefined) {
      confirmed.forget(key);
      return DONE;
    }
    const previous = routerStatus.safeParse(object.status ?? {});
    const input: StatusInput = { generation: object.metadata.generation, previous: previous.success ? previous.data : undefined, now: ctx.now() };
    const parsed = routerSchema.safeParse(object);
    if (!parsed.success) return invalid(ctx, key, object, input, specProblemOf(parsed.error, object).message);
    let routing: RouterRouting;
    try {
      routing = routerRouting(parsed.data, ctx.cache.list(ISTIO_FILTER, key.namespace), input.now);
    } catch (err) {
      if (err instanceof RenderError) return invalid(ctx, key, object, input, err.message);
      throw err;
    }
    const round: Round = { key, ctx, object, router: parsed.data, routing, input, defaults, verifier: options.verifier, confirmed };
    try {
      return await converge(round);
    } catch (err) {
      if (err instanceof OwnershipConflict) return conflict(round, err);
      throw err;
    }
  };
}

/** True when the cache holds a Service of this Router's name that this Router owns. */
function ownedService(ctx: ReconcileContext, key: ObjectKey): boolean {
  const live = ctx.cache.get(SERVICE, key);
  return live?.metadata.ownerReferences?.some((r) => r.kind === 'Router' && r.name === key.name && r.controller === true) === true;
}

async function converge(round: Round): Promise<ReconcileResult> {
  const { key, ctx, router, routing, input } = round;
  const adopt = router.spec.adopt === true;
  const service = routing.base.service;
  if (service) {
    const outcome = await applyOwned(ctx, service, { adopt });
    if (outcome !== 'unchanged') ctx.event(round.object, 'Normal', 'ServiceApplied', `Service ${key.namespace}/${service.metadata.name} ${outcome}`);
  } else if (ownedService(ctx, key)) {
    // ownService turned off: the Service we created goes (only ours: the cache holds managed
    // Services only, and the owner reference must name this Router).
    await ctx.delete(SERVICE, key);
    ctx.event(round.object, 'Normal', 'ServiceDeleted', `Service ${key.namespace}/${key.name} deleted (spec.ownService is off)`);
  }
  // The cache only holds Switchyard's own objects; a hand-written VS/DR being adopted is read
  // directly, so the union step keeps the subsets its routes still use.
  const read = <T extends KubeObject>(kind: KindRef): Promise<T | undefined> | T | undefined => ctx.cache.get<T>(kind, key) ?? (adopt ? ctx.live<T>(kind, key) : undefined);
  const live = {
    destinationRule: await read<KubeObject & DestinationRule>(DESTINATION_RULE),
    virtualService: await read<KubeObject & VirtualService>(VIRTUAL_SERVICE),
  };
  const plan = makeBeforeBreakPlan(live, routing.desired);
  const rendered = { spec: router.spec, objects: routing.base };
  if (plan.length > 0) return applyFirstStep(round, plan);
  await ctx.updateStatus(ROUTER, key, readyStatus(input, rendered, routing.results));
  const expiry = expiryRequeueMs(routing.filters, input.now);
  return expiry === undefined ? DONE : { kind: 'requeueAfter', ms: expiry };
}

async function applyFirstStep(round: Round, plan: PlanStep[]): Promise<ReconcileResult> {
  const { key, ctx, router, routing, input } = round;
  const step = plan[0] as PlanStep;
  const policy = propagationPolicy(router.spec, round.defaults, round.verifier !== undefined);
  const changes = step.changes.join(', ');
  const message = policy.note === undefined ? changes : `${changes}; ${policy.note}`;
  const progress = stepProgress(plan, input.previous, message, input.now);
  const label = `step ${progress.number}/${progress.total} ${step.action}`;
  const elapsed = input.now.getTime() - Date.parse(progress.startedAt);
  const overdue = progress.retry && elapsed > policy.timeoutMs
    ? `${label} (${step.kind} ${step.name}) not taken after ${elapsed}ms (timeout ${policy.timeoutMs}ms); applying it again`
    : undefined;
  const verifier = policy.mode === 'verified' ? round.verifier : undefined;
  // Verified: what this step relies on must hold on the proxies before it is written. Usually the
  // previous step's wait confirmed it already; after a restart or a timed-out wait it is checked here
  // (no new push is needed for it, so no snapshot either). Unreachable: the snapshot below says so.
  const precondition = verifier && preconditionFor(step, ctx.cache.get<KubeObject & VirtualService>(VIRTUAL_SERVICE, key), routerHost(router), router.spec.port);
  if (verifier && precondition && !round.confirmed.covers(key, precondition)) {
    const held = await verify(round, verifier, step, progress, { expectation: precondition, before: new Map(), requirePush: false }, policy.timeoutMs, 'before applying it');
    if (held === false) return NEXT_STEP;
  }
  // The pushes the step's own wait compares against, taken just before the write.
  const before = verifier ? await verifier.snapshot(ctx.signal) : undefined;
  const outcome = await applyOwned(ctx, step.object, { adopt: router.spec.adopt === true });
  if (outcome !== 'unchanged') ctx.event(round.object, 'Normal', 'StepApplied', `${label}: ${changes}`);
  if (overdue !== undefined) ctx.event(round.object, 'Warning', 'PropagationTimeout', overdue);
  ctx.log.info('applied make-before-break step', { step: label, kind: step.kind, name: step.name, outcome, changes });
  const rendered = { spec: router.spec, objects: routing.base };
  // Status before the wait, so `kubectl get` shows the step while it propagates.
  await ctx.updateStatus(ROUTER, key, progressingStatus(input, rendered, step, progress, message, overdue));
  if (verifier && before !== undefined) {
    const expectation = expectationFor(step, routerHost(router), router.spec.port);
    const result = typeof before === 'string' || !expectation ? before : await verify(round, verifier, step, progress, { expectation, before, requirePush: outcome !== 'unchanged' }, policy.timeoutMs, '');
    if (typeof result !== 'string') return NEXT_STEP;
    // istiod cannot be asked: fall back to the settle delay, and say so on the step.
    const note = `${result}; waited the settle delay (${policy.settleDelayMs}ms) instead`;
    await ctx.updateStatus(ROUTER, key, progressingStatus(input, rendered, step, progress, `${changes}; ${note}`, overdue));
  }
  const settled = await ctx.sleep(policy.settleDelayMs);
  if (!settled) ctx.log.info('shutting down during a step wait; the next run plans from live state', { step: label });
  return NEXT_STEP;
}

/**
 * Waits until istiod's proxies confirm `expectation` and reports it on the step's status. Returns
 * true when confirmed (remembered, so the next step need not check it again), false when not within
 * the timeout (status Degraded, Warning event; the next run checks again, never skipping it), or
 * the reason istiod could not be asked.
 */
async function verify(
  round: Round,
  verifier: PropagationVerifier,
  step: PlanStep,
  progress: StepProgress,
  check: Pick<VerifyRequest, 'expectation' | 'before' | 'requirePush'>,
  timeoutMs: number,
  when: string,
): Promise<boolean | string> {
  const { key, ctx, router, routing, input } = round;
  let outcome: VerifyOutcome;
  try {
    outcome = await verifier.wait({ ...check, timeoutMs, signal: ctx.signal });
  } catch (err) {
    if (ctx.signal.aborted) return false;
    throw err;
  }
  if (outcome.kind === 'unreachable') return outcome.reason;
  const label = `step ${progress.number}/${progress.total} ${step.action}`;
  const rendered = { spec: router.spec, objects: routing.base };
  const verification = { confirmedProxies: outcome.confirmed, checkedProxies: outcome.checked };
  const changes = step.changes.join(', ');
  if (outcome.kind === 'confirmed') {
    round.confirmed.remember(key, check.expectation);
    const message = `${changes}; verified${when === '' ? '' : ` ${when}`}: ${outcome.confirmed}/${outcome.checked} proxies acknowledged it in ${outcome.ms}ms`;
    ctx.log.info('make-before-break step verified', { step: label, when: when === '' ? 'after' : 'before', proxies: outcome.checked, ms: outcome.ms });
    await ctx.updateStatus(ROUTER, key, progressingStatus(input, rendered, step, progress, message, undefined, verification));
    return true;
  }
  const shown = outcome.pending.slice(0, 3).join('; ');
  const more = outcome.pending.length > 3 ? ` (+${outcome.pending.length - 3} more)` : '';
  const overdue = `${label} (${step.kind} ${step.name}) ${when === '' ? '' : `${when}: `}confirmed by ${outcome.confirmed}/${outcome.checked} proxies after ${outcome.ms}ms (timeout ${timeoutMs}ms): ${shown}${more}; checking again`;
  ctx.event(round.object, 'Warning', 'PropagationTimeout', overdue);
  await ctx.updateStatus(ROUTER, key, progressingStatus(input, rendered, step, progress, changes, overdue, verification));
  return false;
}

async function conflict(round: Round, err: OwnershipConflict): Promise<ReconcileResult> {
  const message = `${err.message}; set spec.adopt: true to take it over`;
  round.ctx.event(round.object, 'Warning', 'Conflict', message);
  await round.ctx.updateStatus(ROUTER, round.key, conflictStatus(round.input, { spec: round.router.spec, objects: round.routing.base }, message));
  return { kind: 'terminal', reason: message };
}

async function invalid(ctx: ReconcileContext, key: ObjectKey, object: KubeObject, input: StatusInput, message: string): Promise<ReconcileResult> {
  ctx.event(object, 'Warning', 'Invalid', message);
  await ctx.updateStatus(ROUTER, key, invalidStatus(input, message));
  return { kind: 'terminal', reason: message };
}

