import { PLAN_ACTIONS, type RouterStatus } from '../../api/router.ts';
import type { PlanStep } from '../../core/plan/make-before-break.ts';

/** The step to report, numbered within the whole transition rather than within this reconcile's plan. */
export interface StepProgress {
  number: number;
  total: number;
  startedAt: string;
  /** True when this is the same step as last time (live state has not taken it yet). */
  retry: boolean;
}

type ReportedStep = NonNullable<RouterStatus['step']>;

/**
 * Numbers the first step of a freshly computed plan. The plan is recomputed from live state on
 * every reconcile (so it always starts at 1); the previous status is what remembers how far the
 * transition has come:
 * - the same step again (same action, object and changes) is a retry: number, total and
 *   `startedAt` carry over, so a step that never takes can be timed out;
 * - a later action with no more steps left than the previous status announced continues the
 *   transition (step 2/3 after 1/3);
 * - anything else starts a new transition at 1/plan.length.
 */
export function stepProgress(plan: readonly PlanStep[], previous: RouterStatus | undefined, message: string, now: Date): StepProgress {
  const first = plan[0];
  const prev = previous?.phase === 'Progressing' || previous?.phase === 'Degraded' ? previous.step : undefined;
  const fresh = { number: 1, total: plan.length, startedAt: now.toISOString(), retry: false };
  if (!first || !prev) return fresh;
  if (sameStep(prev, first, message)) {
    return { number: prev.number, total: prev.total, startedAt: prev.startedAt ?? fresh.startedAt, retry: true };
  }
  const remaining = prev.total - prev.number;
  if (actionIndex(first.action) > actionIndex(prev.action) && plan.length <= remaining) {
    return { ...fresh, number: prev.total - plan.length + 1, total: prev.total };
  }
  return fresh;
}

function sameStep(prev: ReportedStep, step: PlanStep, message: string): boolean {
  return prev.action === step.action && prev.kind === step.kind && prev.name === step.name && prev.message === message;
}

function actionIndex(action: string): number {
  return PLAN_ACTIONS.indexOf(action as (typeof PLAN_ACTIONS)[number]);
}
