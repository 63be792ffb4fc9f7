import type { PlanStep } from '../../core/plan/make-before-break.ts';
import { propagationPolicy, type PropagationPolicy } from '../../core/router/propagation-policy.ts';
import { routerHost } from '../../core/router/router-host.ts';
import type { Round } from './router-round.ts';
import { stepProgress, type StepProgress } from './step-progress.ts';
import type { PropagationVerifier } from './verify/istiod-verifier.ts';

/** The first step of a plan as this reconcile takes it: what it is, how it is reported, how it is waited on. */
export interface StepRun {
  round: Round;
  step: PlanStep;
  progress: StepProgress;
  policy: PropagationPolicy;
  /** The verifier, in verified mode only (absent: the settle delay is the wait). */
  verifier: PropagationVerifier | undefined;
  /** The Router's host, which the proxies' clusters and routes are checked for. */
  host: string;
  /** `step <n>/<total> <action>`, for events and logs. */
  label: string;
  /** The step's changes, comma-separated. */
  changes: string;
  /** The step's status message: the changes, plus the policy's note when it has one. */
  message: string;
  /** Why the step is Degraded: it is being retried past the propagation timeout. */
  overdue: string | undefined;
}

/** Describes taking the first of `steps` in this reconcile, numbered within the whole transition. */
export function stepRun(round: Round, steps: readonly PlanStep[]): StepRun {
  const { router, input } = round;
  const step = steps[0] as PlanStep;
  const policy = propagationPolicy(router.spec, round.defaults, round.verifier !== undefined);
  const changes = step.changes.join(', ');
  const message = policy.note === undefined ? changes : `${changes}; ${policy.note}`;
  const progress = stepProgress(steps, input.previous, message, input.now);
  const label = `step ${progress.number}/${progress.total} ${step.action}`;
  const elapsed = input.now.getTime() - Date.parse(progress.startedAt);
  const overdue = progress.retry && elapsed > policy.timeoutMs
    ? `${label} (${step.kind} ${step.name}) not taken after ${elapsed}ms (timeout ${policy.timeoutMs}ms); applying it again`
    : undefined;
  const verifier = policy.mode === 'verified' ? round.verifier : undefined;
  return { round, step, progress, policy, verifier, host: routerHost(router), label, changes, message, overdue };
}
