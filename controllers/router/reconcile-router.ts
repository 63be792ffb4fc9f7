import { router as routerSchema, routerStatus } from '../../api/router.ts';
import { planRouter } from '../../core/plan/router-plan.ts';
import { OwnershipConflict } from '../reconcile/apply-owned.ts';
import { specProblemOf } from '../../core/spec-problem.ts';
import type { DestinationRule, VirtualService } from '../../core/istio/types.ts';
import { DESTINATION_RULE, ISTIO_FILTER, ROUTER, SERVICE, VIRTUAL_SERVICE } from '../scheme.ts';
import type { KindRef, KubeObject, ObjectKey, ReconcileContext, ReconcileResult, Reconciler } from '../../kube/types.ts';
import { DEFAULT_PROPAGATION_TIMEOUT_MS, DEFAULT_SETTLE_DELAY_MS, type PropagationDefaults } from '../../core/router/propagation-policy.ts';
import { RenderError } from '../../core/router/render-error.ts';
import { expiryRequeueMs } from '../../core/filters/expiry.ts';
import { applyServiceStep } from './apply-service-step.ts';
import { renderedRouter, type LiveObjects, type Round } from './router-round.ts';
import { conflictStatus, invalidStatus, readyStatus, type StatusInput } from './router-status.ts';
import { routingWithRejections, type CheckedRouting } from './routing-with-rejections.ts';
import { processRejections, type ServerRejections } from './server-rejections.ts';
import { takeFirstStep } from './take-step.ts';
import { ConfirmedSteps } from './verify/confirmed-steps.ts';
import type { PropagationVerifier } from './verify/istiod-verifier.ts';
import type { ProgressionMetrics } from '../progression/progression-metrics.ts';
import { queryPrometheus } from '../progression/prometheus-query.ts';
import type { QueryFn } from '../progression/walk-analysis.ts';
import { WalkMemory } from '../progression/walk-memory.ts';
import { beginWalk, walkOnLive, type WalkOptions } from './walk-round.ts';

export interface RouterReconcilerOptions {
  /** Settle delay after each step for Routers without `spec.propagation.settleDelay` (default 5000 ms). */
  settleDelayMs?: number;
  /** Step timeout for Routers without `spec.propagation.timeout` (default 60000 ms). */
  timeoutMs?: number;
  /** Confirms steps for Routers in `spec.propagation.mode: verified` (absent: they use the settle delay). */
  verifier?: PropagationVerifier;
  /** What the API server refused, shared with the IstioFilter reconcile (default: the process's one). */
  rejections?: ServerRejections;
  /** Prometheus for the analysis of Routers with `spec.progression` (their `prometheus.url` wins). */
  prometheusUrl?: string;
  /** Runs the analysis queries (default: Prometheus's HTTP API). */
  query?: QueryFn;
  progressionMetrics?: ProgressionMetrics;
}

const DONE: ReconcileResult = { kind: 'done' };

/**
 * The Router reconcile: renders the Router, layers its IstioFilters, plans its writes against the
 * live objects — the Service step, then make-before-break for the DR/VS — makes the Service step
 * and ONLY the first DR/VS step, waits for it to propagate (settle delay), and asks to be re-run
 * so the next step is planned from live state again. So a crash between steps resumes where live
 * state is, one Router runs one transition at a time (the queue never runs a key twice at once),
 * and other Routers are not blocked.
 *
 * - Absent or being deleted → done (owner references let Kubernetes collect the VS/DR/Service).
 * - Invalid spec or unrenderable → status Invalid (field, rule, value), terminal.
 * - An unmanaged VS/DR/Service of the same name → status Conflict, Warning event, terminal,
 *   unless `spec.adopt`.
 * - Plan empty → status Ready; re-run at the next filter expiry, if any.
 * - A step still not taken after `spec.propagation.timeout` → status Degraded, applied again.
 * - A step the API server refuses (schema, CEL, admission webhook) → the filters responsible are
 *   left out and reported Skipped, the rest is applied; refused without any filter → status
 *   Invalid with the server's message, terminal. Another failed write → status Degraded, retried.
 * - A prune a hand-written VirtualService still needs → held (status PruneHeld) until it is gone.
 * Ready is written only when the live objects equal the desired ones of the current generation.
 */
export function routerReconciler(options: RouterReconcilerOptions = {}): Reconciler {
  const defaults: PropagationDefaults = {
    settleDelayMs: options.settleDelayMs ?? DEFAULT_SETTLE_DELAY_MS,
    timeoutMs: options.timeoutMs ?? DEFAULT_PROPAGATION_TIMEOUT_MS,
  };
  const confirmed = new ConfirmedSteps();
  const rejections = options.rejections ?? processRejections;
  const walkOptions: WalkOptions = { memory: new WalkMemory(), prometheusUrl: options.prometheusUrl, query: options.query ?? queryPrometheus, metrics: options.progressionMetrics };
  return async (key, ctx) => {
    const object = ctx.cache.get(ROUTER, key);
    if (!object || object.metadata.deletionTimestamp !== undefined) {
      confirmed.forget(key);
      walkOptions.memory.forget(key);
      options.progressionMetrics?.canaryWeight.remove({ namespace: key.namespace, router: key.name });
      rejections.forget(key);
      return DONE;
    }
    const previous = routerStatus.safeParse(object.status ?? {});
    const cached = previous.success ? previous.data : undefined;
    const input: StatusInput = { generation: object.metadata.generation, previous: cached, now: ctx.now(), progression: cached?.progression };
    const parsed = routerSchema.safeParse(object);
    if (!parsed.success) return invalid(ctx, key, object, input, specProblemOf(parsed.error, object).message);
    const filterObjects = ctx.cache.list(ISTIO_FILTER, key.namespace);
    let routing: CheckedRouting;
    let walked: ReturnType<typeof beginWalk>;
    try {
      walked = beginWalk(key, ctx, object, parsed.data, cached?.progression, walkOptions);
      input.progression = walked.walk?.state;
      routing = routingWithRejections(walked.router, filterObjects, input.now, rejections.filters(object));
    } catch (err) {
      if (err instanceof RenderError) return invalid(ctx, key, object, input, err.message);
      throw err;
    }
    const round: Round = { key, ctx, object, router: walked.router, walk: walked.walk, routing, filterObjects, input, defaults, verifier: options.verifier, confirmed, rejections };
    try {
      return await converge(round);
    } catch (err) {
      if (err instanceof OwnershipConflict) return conflict(round, err);
      throw err;
    }
  };
}

/**
 * Reads the live objects. The cache only holds Switchyard's own objects; a hand-written DR/VS
 * being adopted is read directly, so the union step keeps the subsets its routes still use.
 */
async function readLive({ key, ctx, router }: Round): Promise<LiveObjects> {
  const adopt = router.spec.adopt === true;
  const read = <T extends KubeObject>(kind: KindRef): Promise<T | undefined> | T | undefined => ctx.cache.get<T>(kind, key) ?? (adopt ? ctx.live<T>(kind, key) : undefined);
  return {
    service: ctx.cache.get(SERVICE, key),
    destinationRule: await read<KubeObject & DestinationRule>(DESTINATION_RULE),
    virtualService: await read<KubeObject & VirtualService>(VIRTUAL_SERVICE),
  };
}

/** Plans the Router's writes from live state and makes them: the Service step, then the first DR/VS step, or Ready. */
async function converge(round: Round): Promise<ReconcileResult> {
  const { key, ctx, routing, input } = round;
  const live = await readLive(round);
  const plan = planRouter(key, live, { ...routing.desired, service: routing.base.service });
  const refused = plan.service && (await applyServiceStep(round, plan.service));
  if (refused) return refused;
  if (plan.steps.length > 0) return takeFirstStep(round, plan.steps, live);
  round.rejections.settle(round.object);
  if (round.walk) return walkOnLive(round, round.walk);
  await ctx.updateStatus(ROUTER, key, readyStatus(input, renderedRouter(round), routing.results));
  const expiry = expiryRequeueMs(routing.filters, input.now);
  return expiry === undefined ? DONE : { kind: 'requeueAfter', ms: expiry };
}

async function conflict(round: Round, err: OwnershipConflict): Promise<ReconcileResult> {
  const message = `${err.message}; set spec.adopt: true to take it over`;
  round.ctx.event(round.object, 'Warning', 'Conflict', message);
  await round.ctx.updateStatus(ROUTER, round.key, conflictStatus(round.input, renderedRouter(round), message));
  return { kind: 'terminal', reason: message };
}

async function invalid(ctx: ReconcileContext, key: ObjectKey, object: KubeObject, input: StatusInput, message: string): Promise<ReconcileResult> {
  ctx.event(object, 'Warning', 'Invalid', message);
  await ctx.updateStatus(ROUTER, key, invalidStatus(input, message));
  return { kind: 'terminal', reason: message };
}
