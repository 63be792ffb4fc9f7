import type { Progression, ProgressionStatus } from '../../api/progression.ts';
import type { Router } from '../../api/router.ts';
import { parseDuration } from '../../core/duration.ts';
import { afterAnalysis } from '../../core/progression/analysis.ts';
import { beginRound, COMMAND_ANNOTATION, DEFAULT_INTERVAL, onLive, type WalkEvent } from '../../core/progression/walk.ts';
import { routerAtWeights, walkedWeights } from '../../core/progression/walk-router.ts';
import { expiryRequeueMs } from '../../core/filters/expiry.ts';
import type { KubeObject, ObjectKey, ReconcileContext, ReconcileResult } from '../../kube/types.ts';
import type { ProgressionMetrics } from '../progression/progression-metrics.ts';
import { gatesFor, runChecks, webhookPayload, type QueryFn } from '../progression/walk-analysis.ts';
import type { WalkMemory } from '../progression/walk-memory.ts';
import { notify } from '../progression/webhooks.ts';
import { ROUTER } from '../scheme.ts';
import { renderedRouter, type Round } from './router-round.ts';
import { readyStatus, rolledBackStatus, walkingStatus } from './router-status.ts';

/** What the Router reconcile needs to walk canaries. */
export interface WalkOptions {
  memory: WalkMemory;
  prometheusUrl: string | undefined;
  query: QueryFn;
  metrics: ProgressionMetrics | undefined;
}

/** A Router's walk for this reconcile: its progression, the state (whose `current` weights are rendered) and the interval. */
export interface Walk {
  progression: Progression;
  state: ProgressionStatus;
  intervalMs: number;
  options: WalkOptions;
}

/**
 * Starts the reconcile's walk, when the Router has one: the state from status (or this process's
 * newer write), the spec's desired weights and the command annotation. Returns the Router to
 * render — the default branch at the walk's current weights — and reports the walk's events.
 */
export function beginWalk(key: ObjectKey, ctx: ReconcileContext, object: KubeObject, declared: Router, cached: ProgressionStatus | undefined, options: WalkOptions): { router: Router; walk: Walk | undefined } {
  const desired = walkedWeights(declared);
  const progression = declared.spec.progression;
  if (desired === undefined || progression === undefined) {
    options.memory.forget(key);
    return { router: declared, walk: undefined };
  }
  const previous = options.memory.latest(key, cached);
  const decision = beginRound(progression, desired, previous, declared.metadata.annotations?.[COMMAND_ANNOTATION]);
  const state = options.memory.stamp(key, previous, decision.status);
  report(ctx, object, decision.events, options.metrics);
  const intervalMs = parseDuration(progression.interval ?? DEFAULT_INTERVAL, 'spec.progression.interval');
  return { router: routerAtWeights(declared, state.current), walk: { progression, state, intervalMs, options } };
}

function report(ctx: ReconcileContext, object: KubeObject, events: readonly WalkEvent[], metrics: ProgressionMetrics | undefined): void {
  for (const e of events) {
    ctx.event(object, e.type, e.reason, e.message);
    if (e.reason === 'Step') metrics?.steps.inc();
    if (e.reason === 'Promoted') metrics?.promotions.inc();
    if (e.cause !== undefined) metrics?.rollbacks.inc({ reason: e.cause });
  }
}

/**
 * The Router's live routing equals the walk's current step: finish a promotion or rollback
 * (telling the webhooks), open the step's analysis window, or judge it and move on.
 */
export async function walkOnLive(round: Round, walk: Walk): Promise<ReconcileResult> {
  const { key, ctx, router, input } = round;
  const { memory, metrics } = walk.options;
  const now = input.now;
  const action = onLive(walk.progression, walk.state, walk.intervalMs, now);
  let state = action.status;
  let events = action.kind === 'analyse' ? [] : action.events;
  let requeueMs: number | undefined;
  if (action.kind === 'analyse') {
    const analysis = { router, progression: walk.progression, state, intervalMs: walk.intervalMs, prometheusUrl: walk.options.prometheusUrl, query: walk.options.query, now, signal: ctx.signal };
    // Step 0 has no traffic on the canary yet: only the gates are asked.
    const checks = state.step === 0 ? [] : await runChecks(analysis);
    for (const c of checks) metrics?.analyses.inc({ verdict: c.verdict });
    const decision = afterAnalysis(walk.progression, state, checks, await gatesFor(analysis, checks), now);
    ({ status: state, events } = decision);
    // A held step analyses again one interval from now; a new step or a rollback is planned at once.
    if (state.stepStartedAt !== undefined) state = { ...state, nextStepAt: new Date(Date.parse(state.stepStartedAt) + walk.intervalMs).toISOString() };
    requeueMs = state.stepStartedAt !== undefined ? walk.intervalMs : 0;
  } else if (action.kind === 'wait') requeueMs = action.ms;
  state = memory.stamp(key, walk.state, state);
  report(ctx, round.object, events, metrics);
  metrics?.canaryWeight.set({ namespace: key.namespace, router: key.name }, state.phase === 'Progressing' || state.phase === 'Paused' ? state.canaryWeight : 0);
  const withWalk = { ...input, progression: state };
  if (action.kind === 'settled') {
    await tellWebhooks(round, walk, state, events);
    const status = state.phase === 'RolledBack' ? rolledBackStatus(withWalk, renderedRouter(round), round.routing.results) : readyStatus(withWalk, renderedRouter(round), round.routing.results);
    await ctx.updateStatus(ROUTER, key, status);
    const expiry = expiryRequeueMs(round.routing.filters, now);
    return expiry === undefined ? { kind: 'done' } : { kind: 'requeueAfter', ms: expiry };
  }
  await ctx.updateStatus(ROUTER, key, walkingStatus(withWalk, renderedRouter(round), round.routing.results));
  return requeueMs === undefined ? { kind: 'done' } : { kind: 'requeueAfter', ms: requeueMs };
}

async function tellWebhooks(round: Round, walk: Walk, state: ProgressionStatus, events: readonly WalkEvent[]): Promise<void> {
  const type = events.some((e) => e.reason === 'Promoted') ? 'promoted' : state.phase === 'RolledBack' && walk.state.phase === 'RollingBack' ? 'rolledBack' : undefined;
  if (type === undefined || !(walk.progression.webhooks ?? []).some((h) => h.type === type)) return;
  const failures = await notify(walk.progression.webhooks ?? [], webhookPayload(round.router, state, type), round.ctx.signal);
  for (const f of failures) round.ctx.event(round.object, 'Warning', 'WebhookFailed', f);
}
