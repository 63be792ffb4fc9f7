import type { Progression } from '../../api/progression.ts';
import { DEFAULT_INTERVAL } from '../progression/walk.ts';
import { stepWeights } from '../progression/walk-steps.ts';
import { toYaml } from '../yaml-text.ts';
import type { PlanStep } from './make-before-break.ts';

/**
 * The text of a make-before-break plan, shared by the offline `switchyard plan` (files) and
 * `kubectl switchyard plan` (the live cluster), so both print a plan the same way.
 */

/** One Router's plan as it is printed: a heading line, then each step with its changes. */
export interface RouterPlanText {
  /** `namespace/name`. */
  router: string;
  steps: readonly PlanStep[];
  /**
   * The Router's `spec.progression`, when the controller walks to the planned end state by steps
   * (not for a create: a new Router starts at its declared weights).
   */
  walk?: Progression;
}

/** The lines of one Router's plan: `Router ns/name: N step(s)`, the steps, and the walk note. */
export function routerPlanLines(plan: RouterPlanText): string[] {
  const lines = [`Router ${plan.router}: ${plan.steps.length === 0 ? 'up to date, nothing to apply' : `${plan.steps.length} step(s)`}`];
  lines.push(...plan.steps.flatMap(describeStep));
  if (plan.walk !== undefined && plan.steps.length > 0) lines.push(walkNote(plan.walk));
  return lines;
}

/** The objects of every step, as multi-document YAML (`-o yaml`); empty when there is none. */
export function planYaml(plans: readonly RouterPlanText[]): string {
  const objects = plans.flatMap((p) => p.steps.map((s) => s.object));
  return objects.length > 0 ? toYaml(objects) : '';
}

/**
 * A walked Router reaches the planned end state through the walk's steps, not in one go (a
 * Router created with progression starts at its declared weights, so a create gets no note).
 */
export function walkNote(p: Progression): string {
  const shares = stepWeights(p).map((w) => `${w}%`).join(', ');
  return `  (spec.progression: the controller walks there from the promoted weights in steps of ${shares} of the way, ${p.interval ?? DEFAULT_INTERVAL} of analysis after each, then 100%; the steps above are those of the end state)`;
}

/** One step: `  N. action Kind namespace/name`, then its changes indented. */
export function describeStep(step: PlanStep): string[] {
  return [`  ${step.number}. ${step.action} ${step.kind} ${step.namespace}/${step.name}`, ...step.changes.map((c) => `       ${c}`)];
}
