import { isRejection } from '../../kube/kube-client.ts';
import type { ApplyOutcome, ReconcileResult } from '../../kube/types.ts';
import type { PlanStep } from '../../core/plan/make-before-break.ts';
import type { VirtualService } from '../../core/istio/types.ts';
import { applyOwned, OwnershipConflict } from '../reconcile/apply-owned.ts';
import { ROUTER } from '../scheme.ts';
import { pruneHold } from './prune-hold.ts';
import { renderedRouter, type LiveObjects, type Round } from './router-round.ts';
import { haltedStatus, progressingStatus } from './router-status.ts';
import { rejectedByServer, stepRejected } from './step-rejection.ts';
import { stepRun, type StepRun } from './step-run.ts';
import { verifyStep, type VerifyResult } from './verify-step.ts';
import type { SyncSnapshot } from './verify/istiod-verifier.ts';
import { expectationFor, preconditionFor } from './verify/xds-expectation.ts';

/** Re-run at once after a step's wait: the next step is planned from live state again. */
const NEXT_STEP: ReconcileResult = { kind: 'requeueAfter', ms: 0 };

/**
 * Takes the first of `steps`: holds a prune that an unmanaged VirtualService still needs
 * (`pruneHold`), checks its precondition (verified mode), applies it, reports it on status and
 * waits for it to propagate, then asks to be re-run so the next step is planned from live state.
 * `live` holds the objects the plan was made from. An object the API server refuses is traced to
 * the filters responsible, or to the Router itself (`stepRejected`); one it refused before for
 * this generation is not sent again.
 */
export async function takeFirstStep(round: Round, steps: readonly PlanStep[], live: LiveObjects): Promise<ReconcileResult> {
  const run = stepRun(round, steps);
  const refused = round.rejections.ownRejection(round.object, run.step.object);
  if (refused !== undefined) return rejectedByServer(round, run.step.object, `${run.step.kind} ${run.step.namespace}/${run.step.name}`, refused);
  const held = await pruneHold(run, live);
  if (held) return held;
  if (!(await preconditionHolds(run, live.virtualService))) return NEXT_STEP;
  // The pushes the step's own wait compares against, taken just before the write.
  const before = run.verifier ? await run.verifier.snapshot(round.ctx.signal) : undefined;
  let outcome: ApplyOutcome;
  try {
    outcome = await applyOwned(round.ctx, run.step.object, { adopt: round.router.spec.adopt === true });
  } catch (err) {
    if (isRejection(err)) return stepRejected(round, run.step, live, err);
    if (!(err instanceof OwnershipConflict)) await reportWriteFailed(run, err);
    throw err;
  }
  await reportWritten(run, outcome);
  await awaitPropagation(run, before, outcome);
  return NEXT_STEP;
}

/**
 * A write that failed for another reason (the API server unreachable, 5xx, a timeout) is retried
 * with backoff; until then the status must not keep saying Ready for live objects that are not the
 * desired ones: Degraded, ApplyFailed. Best effort — the write's own error is what propagates.
 */
async function reportWriteFailed(run: StepRun, err: unknown): Promise<void> {
  const { round } = run;
  const message = `${run.label} (${run.step.kind} ${run.step.name}) failed: ${err instanceof Error ? err.message : String(err)}; retrying`;
  try {
    await round.ctx.updateStatus(ROUTER, round.key, haltedStatus(round.input, renderedRouter(round), run.step, run.progress, run.message, { phase: 'Degraded', reason: 'ApplyFailed', message }));
  } catch (statusErr) {
    round.ctx.log.warn('could not report a failed step on status', { error: statusErr });
  }
}

/**
 * Verified: what this step relies on must hold on the proxies before it is written. Usually the
 * previous step's wait confirmed it already; after a restart or a timed-out wait it is checked here
 * (no new push is needed for it, so no snapshot either). Unreachable: the step's own wait says so.
 */
async function preconditionHolds(run: StepRun, liveVs: VirtualService | undefined): Promise<boolean> {
  const { verifier, round } = run;
  if (!verifier) return true;
  const expectation = preconditionFor(run.step, liveVs, run.host, round.router.spec.port);
  if (!expectation || round.confirmed.covers(round.key, expectation)) return true;
  const result = await verifyStep({ run, verifier, expectation, before: new Map(), requirePush: false, when: 'before' });
  return result.kind === 'confirmed' || result.kind === 'unreachable';
}

/** Reports the applied step on status, and in an event unless it was unchanged (nothing written). */
async function reportWritten(run: StepRun, outcome: ApplyOutcome): Promise<void> {
  const { round, step, label, changes, overdue } = run;
  const { key, ctx } = round;
  if (outcome !== 'unchanged') ctx.event(round.object, 'Normal', 'StepApplied', `${label}: ${changes}`);
  if (overdue !== undefined) ctx.event(round.object, 'Warning', 'PropagationTimeout', overdue);
  ctx.log.info('applied make-before-break step', { step: label, kind: step.kind, name: step.name, outcome, changes });
  // Status before the wait, so `kubectl get` shows the step while it propagates.
  await ctx.updateStatus(ROUTER, key, progressingStatus(round.input, renderedRouter(round), step, run.progress, run.message, overdue));
}

/**
 * Waits for the written step to reach the proxies: istiod's confirmation in verified mode, else —
 * or when istiod cannot be asked, which the step's status then says — the settle delay.
 */
async function awaitPropagation(run: StepRun, before: SyncSnapshot | string | undefined, outcome: ApplyOutcome): Promise<void> {
  const { round, policy } = run;
  const { key, ctx } = round;
  if (before !== undefined) {
    const result = await verifyWritten(run, before, outcome);
    if (result.kind !== 'unreachable') return;
    const note = `${result.reason}; waited the settle delay (${policy.settleDelayMs}ms) instead`;
    await ctx.updateStatus(ROUTER, key, progressingStatus(round.input, renderedRouter(round), run.step, run.progress, `${run.changes}; ${note}`, run.overdue));
  }
  const settled = await ctx.sleep(policy.settleDelayMs);
  if (!settled) ctx.log.info('shutting down during a step wait; the next run plans from live state', { step: run.label });
}

/** The step's own wait on istiod, against the snapshot taken before the write (or why istiod could not be asked). */
async function verifyWritten(run: StepRun, before: SyncSnapshot | string, outcome: ApplyOutcome): Promise<VerifyResult> {
  if (typeof before === 'string') return { kind: 'unreachable', reason: before };
  const expectation = expectationFor(run.step, run.host, run.round.router.spec.port);
  // A step no proxy needs to see first has nothing to wait for.
  if (!expectation || !run.verifier) return { kind: 'confirmed' };
  return verifyStep({ run, verifier: run.verifier, expectation, before, requirePush: outcome !== 'unchanged', when: 'after' });
}
