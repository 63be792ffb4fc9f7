import { ROUTER } from '../scheme.ts';
import { progressingStatus } from './router-status.ts';
import { renderedRouter } from './router-round.ts';
import type { StepRun } from './step-run.ts';
import type { PropagationVerifier, SyncSnapshot, VerifyOutcome } from './verify/istiod-verifier.ts';
import type { XdsExpectation } from './verify/xds-expectation.ts';

/** One wait on istiod for a step: its precondition before the write, or its own propagation after. */
export interface StepVerification {
  run: StepRun;
  verifier: PropagationVerifier;
  expectation: XdsExpectation;
  /** syncz taken before the write (empty for a precondition: no new push is needed for it). */
  before: SyncSnapshot;
  /** False when no write happened that istiod must push. */
  requirePush: boolean;
  /** `before` the step is written (its precondition) or `after` (its own propagation). */
  when: 'before' | 'after';
}

/** How a wait on istiod ended. */
export type VerifyResult =
  /** Every checked proxy shows the expectation; remembered, so the next step need not check it again. */
  | { kind: 'confirmed' }
  /** Not within the timeout: reported Degraded with a Warning event; the next run checks again, never skipping it. */
  | { kind: 'unconfirmed' }
  /** The controller is shutting down; the next run plans from live state. */
  | { kind: 'aborted' }
  /** istiod could not be asked; the caller falls back to the settle delay. */
  | { kind: 'unreachable'; reason: string };

/** How the step's status says a precondition was checked (its own propagation needs no words). */
const BEFORE_APPLYING = 'before applying it';
/** Unconfirmed proxies named in the Degraded message; the rest are counted, keeping the condition readable. */
const PENDING_SHOWN = 3;

/** Waits until istiod's proxies confirm the expectation and reports the outcome on the step's status. */
export async function verifyStep(v: StepVerification): Promise<VerifyResult> {
  const { run, verifier } = v;
  const { ctx } = run.round;
  let outcome: VerifyOutcome;
  try {
    outcome = await verifier.wait({ expectation: v.expectation, before: v.before, requirePush: v.requirePush, timeoutMs: run.policy.timeoutMs, signal: ctx.signal });
  } catch (err) {
    if (ctx.signal.aborted) return { kind: 'aborted' };
    throw err;
  }
  if (outcome.kind === 'unreachable') return { kind: 'unreachable', reason: outcome.reason };
  if (outcome.kind === 'confirmed') {
    await reportConfirmed(v, outcome);
    return { kind: 'confirmed' };
  }
  await reportUnconfirmed(v, outcome);
  return { kind: 'unconfirmed' };
}

function verification(outcome: { confirmed: number; checked: number }): { confirmedProxies: number; checkedProxies: number } {
  return { confirmedProxies: outcome.confirmed, checkedProxies: outcome.checked };
}

async function reportConfirmed(v: StepVerification, outcome: Extract<VerifyOutcome, { kind: 'confirmed' }>): Promise<void> {
  const { run } = v;
  const { key, ctx, input } = run.round;
  run.round.confirmed.remember(key, v.expectation);
  const when = v.when === 'before' ? ` ${BEFORE_APPLYING}` : '';
  const message = `${run.changes}; verified${when}: ${outcome.confirmed}/${outcome.checked} proxies acknowledged it in ${outcome.ms}ms`;
  ctx.log.info('make-before-break step verified', { step: run.label, when: v.when, proxies: outcome.checked, ms: outcome.ms });
  await ctx.updateStatus(ROUTER, key, progressingStatus(input, renderedRouter(run.round), run.step, run.progress, message, undefined, verification(outcome)));
}

async function reportUnconfirmed(v: StepVerification, outcome: Extract<VerifyOutcome, { kind: 'timeout' }>): Promise<void> {
  const { run } = v;
  const { key, ctx, input } = run.round;
  const shown = outcome.pending.slice(0, PENDING_SHOWN).join('; ');
  const more = outcome.pending.length > PENDING_SHOWN ? ` (+${outcome.pending.length - PENDING_SHOWN} more)` : '';
  const when = v.when === 'before' ? `${BEFORE_APPLYING}: ` : '';
  const overdue = `${run.label} (${run.step.kind} ${run.step.name}) ${when}confirmed by ${outcome.confirmed}/${outcome.checked} proxies after ${outcome.ms}ms (timeout ${run.policy.timeoutMs}ms): ${shown}${more}; checking again`;
  ctx.event(run.round.object, 'Warning', 'PropagationTimeout', overdue);
  await ctx.updateStatus(ROUTER, key, progressingStatus(input, renderedRouter(run.round), run.step, run.progress, run.changes, overdue, verification(outcome)));
}
