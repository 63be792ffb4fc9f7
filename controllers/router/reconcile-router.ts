import { router as routerSchema, routerStatus, type Router } from '../../api/router.ts';
import { makeBeforeBreakPlan, type PlanStep } from '../plan/make-before-break.ts';
import { applyOwned, OwnershipConflict } from '../reconcile/apply-owned.ts';
import { specProblemOf } from '../reconcile/spec-problem.ts';
import type { DestinationRule, VirtualService } from '../istio/types.ts';
import { DESTINATION_RULE, ISTIO_FILTER, ROUTER, SERVICE, VIRTUAL_SERVICE } from '../runtime/kinds.ts';
import type { KindRef, KubeObject, ObjectKey, ReconcileContext, ReconcileResult, Reconciler } from '../runtime/types.ts';
import { DEFAULT_PROPAGATION_TIMEOUT_MS, DEFAULT_SETTLE_DELAY_MS, propagationPolicy, type PropagationDefaults } from './propagation-policy.ts';
import { RenderError } from './render-error.ts';
import { expiryRequeueMs, routerRouting, type RouterRouting } from './router-routing.ts';
import { conflictStatus, invalidStatus, progressingStatus, readyStatus, type StatusInput } from './router-status.ts';
import { stepProgress, type StepProgress } from './step-progress.ts';
import { routerHost } from './subset-name.ts';
import type { PropagationVerifier, VerifyOutcome } from './verify/istiod-verifier.ts';
import { expectationFor } from './verify/xds-expectation.ts';

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
  return async (key, ctx) => {
    const object = ctx.cache.get(ROUTER, key);
    if (!object || object.metadata.deletionTimestamp !== undefined) return DONE;
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
    const round: Round = { key, ctx, object, router: parsed.data, routing, input, defaults, verifier: options.verifier };
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
  // The verified wait compares istiod's pushes after the write with the ones before it.
  const before = policy.mode === 'verified' && round.verifier ? await round.verifier.snapshot(ctx.signal) : undefined;
  const outcome = await applyOwned(ctx, step.object, { adopt: router.spec.adopt === true });
  if (outcome !== 'unchanged') ctx.event(round.object, 'Normal', 'StepApplied', `${label}: ${changes}`);
  if (overdue !== undefined) ctx.event(round.object, 'Warning', 'PropagationTimeout', overdue);
  ctx.log.info('applied make-before-break step', { step: label, kind: step.kind, name: step.name, outcome, changes });
  const rendered = { spec: router.spec, objects: routing.base };
  // Status before the wait, so `kubectl get` shows the step while it propagates.
  await ctx.updateStatus(ROUTER, key, progressingStatus(input, rendered, step, progress, message, overdue));
  if (round.verifier && before !== undefined) {
    const unreachable = typeof before === 'string' ? before : await verifyStep(round, step, progress, before, outcome !== 'unchanged', policy.timeoutMs);
    if (unreachable === undefined) return NEXT_STEP;
    // istiod cannot be asked: fall back to the settle delay, and say so on the step.
    const note = `${unreachable}; waited the settle delay (${policy.settleDelayMs}ms) instead`;
    await ctx.updateStatus(ROUTER, key, progressingStatus(input, rendered, step, progress, `${changes}; ${note}`, overdue));
  }
  const settled = await ctx.sleep(policy.settleDelayMs);
  if (!settled) ctx.log.info('shutting down during a step wait; the next run plans from live state', { step: label });
  return NEXT_STEP;
}

/**
 * Waits until istiod's proxies confirm the step and reports it on the step's status: confirmed
 * (the next step runs), or not within the timeout (status Degraded, Warning event; the next run
 * applies the same step again and waits again). Returns a reason when istiod could not be asked.
 */
async function verifyStep(round: Round, step: PlanStep, progress: StepProgress, before: Exclude<Awaited<ReturnType<PropagationVerifier['snapshot']>>, string>, wrote: boolean, timeoutMs: number): Promise<string | undefined> {
  const { key, ctx, router, routing, input } = round;
  const expectation = expectationFor(step, routerHost(router), router.spec.port);
  if (expectation === undefined) return undefined;
  let outcome: VerifyOutcome;
  try {
    outcome = await round.verifier!.wait({ expectation, before, requirePush: wrote, timeoutMs, signal: ctx.signal });
  } catch (err) {
    if (ctx.signal.aborted) return undefined;
    throw err;
  }
  if (outcome.kind === 'unreachable') return outcome.reason;
  const label = `step ${progress.number}/${progress.total} ${step.action}`;
  const rendered = { spec: router.spec, objects: routing.base };
  const verification = { confirmedProxies: outcome.confirmed, checkedProxies: outcome.checked };
  if (outcome.kind === 'confirmed') {
    const message = `${step.changes.join(', ')}; verified: ${outcome.confirmed}/${outcome.checked} proxies acknowledged it in ${outcome.ms}ms`;
    ctx.log.info('make-before-break step verified', { step: label, proxies: outcome.checked, ms: outcome.ms });
    await ctx.updateStatus(ROUTER, key, progressingStatus(input, rendered, step, progress, message, undefined, verification));
    return undefined;
  }
  const shown = outcome.pending.slice(0, 3).join('; ');
  const overdue = `${label} (${step.kind} ${step.name}) confirmed by ${outcome.confirmed}/${outcome.checked} proxies after ${outcome.ms}ms (timeout ${timeoutMs}ms): ${shown}${outcome.pending.length > 3 ? ` (+${outcome.pending.length - 3} more)` : ''}; checking again`;
  ctx.event(round.object, 'Warning', 'PropagationTimeout', overdue);
  await ctx.updateStatus(ROUTER, key, progressingStatus(input, rendered, step, progress, step.changes.join(', '), overdue, verification));
  return undefined;
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

