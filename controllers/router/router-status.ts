import type { GeneratedRef } from '../../api/meta.ts';
import type { ProgressionStatus } from '../../api/progression.ts';
import type { RouterSpec, RouterStatus } from '../../api/router.ts';
import type { FilterResult } from '../../core/filters/layer-filters.ts';
import type { PlanStep } from '../../core/plan/make-before-break.ts';
import { kstatusConditions, mergeConditions, observed, type ConditionInput } from '../reconcile/conditions.ts';
import { routerSummary, type RouterObjects } from '../../core/router/render-router.ts';
import type { StepProgress } from './step-progress.ts';

/**
 * A Router's complete status. The runtime's status writer replaces the stored status with it as a
 * whole, so a field left out (e.g. `step` once the transition is over) is removed.
 */
export type RouterStatusPatch = Record<string, unknown>;

/** What every status needs: the generation observed, the cached status and the clock. */
export interface StatusInput {
  generation: number | undefined;
  previous: RouterStatus | undefined;
  now: Date;
  /** The canary walk's state, carried by every status while `spec.progression` is set. */
  progression?: ProgressionStatus;
}

function walkField(input: StatusInput): RouterStatusPatch {
  return input.progression === undefined ? {} : { progression: input.progression };
}

function conditions(input: StatusInput, list: ConditionInput[]): RouterStatusPatch['conditions'] {
  return mergeConditions(input.previous, list, input.now, input.generation);
}

function cond(type: string, status: boolean, reason: string, message = ''): ConditionInput {
  return { type, status: status ? 'True' : 'False', reason, message };
}

/** References to the objects a Router generates (Service first when owned). */
export function generatedRefs(objects: RouterObjects): GeneratedRef[] {
  const list = [...(objects.service ? [objects.service] : []), objects.destinationRule, objects.virtualService];
  return list.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace }));
}

/** A filter's outcome, marked when the API server refused its result (`routingWithRejections`). */
type ReportedFilter = FilterResult & { rejectedByServer?: true };

function filterSummary(results: readonly ReportedFilter[]): string {
  if (results.length === 0) return 'no filters';
  const count = (phase: FilterResult['phase']): number => results.filter((r) => r.phase === phase).length;
  const refused = results.filter((r) => r.rejectedByServer === true).map((r) => `${r.namespace}/${r.name}`);
  const byServer = refused.length === 0 ? '' : ` (rejected by the API server: IstioFilter ${refused.join(', ')})`;
  return `filters: ${count('Applied')} applied, ${count('Skipped')} skipped${byServer}, ${count('Expired')} expired`;
}

/** The fields every status of a renderable Router carries. */
export interface RenderedRouter {
  spec: RouterSpec;
  objects: RouterObjects;
}

function summaryFields(input: StatusInput, rendered: RenderedRouter): RouterStatusPatch {
  const { weights, sandboxes } = routerSummary(rendered.spec);
  return { ...observed(input.generation), weights, sandboxes, generated: generatedRefs(rendered.objects), ...walkField(input) };
}

/** Live routing equals the desired routing of the current generation (the only status that says Ready). */
export function readyStatus(input: StatusInput, rendered: RenderedRouter, results: readonly ReportedFilter[]): RouterStatusPatch {
  const message = `live routing matches the spec; ${filterSummary(results)}`;
  return {
    ...summaryFields(input, rendered),
    phase: 'Ready',
    conditions: conditions(input, [...kstatusConditions('Ready', 'Reconciled', message), cond('Progressing', false, 'Idle'), cond('Degraded', false, 'Idle')]),
  };
}

/**
 * Live routing equals the walk's current step, which is not the spec's end state yet: analysing
 * (Progressing) or waiting for a human (Paused). Not Ready: the spec is not yet live. Reconciling,
 * paused too: the walk is on its way and a command (not a spec change) moves it on.
 */
export function walkingStatus(input: StatusInput, rendered: RenderedRouter, results: readonly ReportedFilter[]): RouterStatusPatch {
  const walk = input.progression;
  const paused = walk?.phase === 'Paused';
  const message = `canary walk step ${walk?.step ?? 0}/${walk?.steps ?? 0} at ${walk?.canaryWeight ?? 0}%: ${walk?.message ?? ''}; ${filterSummary(results)}`;
  return {
    ...summaryFields(input, rendered),
    phase: paused ? 'Paused' : 'Progressing',
    conditions: conditions(input, [
      ...kstatusConditions('Reconciling', paused ? 'Paused' : 'Walking', message),
      cond('Progressing', true, paused ? 'Paused' : 'Walking', message),
      cond('Degraded', false, 'Idle'),
    ]),
  };
}

/**
 * The walk was rolled back: live routing is the last promoted weights, not the spec's. Stays so
 * until the spec's weights change again, hence Stalled (kstatus: Failed) rather than Reconciling.
 */
export function rolledBackStatus(input: StatusInput, rendered: RenderedRouter, results: readonly ReportedFilter[]): RouterStatusPatch {
  const message = `rolled back: ${input.progression?.message ?? ''}; ${filterSummary(results)}`;
  return {
    ...summaryFields(input, rendered),
    phase: 'RolledBack',
    conditions: conditions(input, [
      ...kstatusConditions('Stalled', 'RolledBack', message),
      cond('Progressing', false, 'RolledBack', message),
      cond('Degraded', true, 'RolledBack', message),
    ]),
  };
}

/**
 * A step was just applied and is being waited for (Reconciling); Degraded and Stalled when it has
 * been retried past the timeout (kstatus counts insufficient progress as Stalled), still retried.
 */
export function progressingStatus(
  input: StatusInput,
  rendered: RenderedRouter,
  step: PlanStep,
  progress: StepProgress,
  message: string,
  overdue: string | undefined,
  verification?: { confirmedProxies: number; checkedProxies: number },
): RouterStatusPatch {
  const what = `step ${progress.number}/${progress.total} ${step.action} ${step.kind} ${step.name}`;
  return {
    ...summaryFields(input, rendered),
    phase: overdue === undefined ? 'Progressing' : 'Degraded',
    step: { number: progress.number, total: progress.total, action: step.action, kind: step.kind, name: step.name, startedAt: progress.startedAt, ...verification, message },
    conditions: conditions(input, [
      ...(overdue === undefined ? kstatusConditions('Reconciling', 'Progressing', what) : kstatusConditions('Stalled', 'PropagationTimeout', `${what}: ${overdue}`)),
      cond('Progressing', true, 'StepApplied', what),
      overdue === undefined ? cond('Degraded', false, 'Idle') : cond('Degraded', true, 'PropagationTimeout', overdue),
    ]),
  };
}

/** Why a step is not taken this time: the phase to show, the condition reason and its message. */
export interface StepHalt {
  phase: 'Progressing' | 'Degraded';
  reason: 'PruneHeld' | 'ApplyFailed';
  message: string;
}

/**
 * A step that is not taken this time: a prune held back (Progressing, PruneHeld) or a write that
 * failed and will be retried (Degraded, ApplyFailed). Either way live routing is not yet desired,
 * and either way it gets there without a spec change: Reconciling.
 * `stepMessage` is the step's own (its changes), so a step halted again is recognised as the same.
 */
export function haltedStatus(input: StatusInput, rendered: RenderedRouter, step: PlanStep, progress: StepProgress, stepMessage: string, halt: StepHalt): RouterStatusPatch {
  const what = `step ${progress.number}/${progress.total} ${step.action} ${step.kind} ${step.name}`;
  const degraded = halt.phase === 'Degraded';
  return {
    ...summaryFields(input, rendered),
    phase: halt.phase,
    step: { number: progress.number, total: progress.total, action: step.action, kind: step.kind, name: step.name, startedAt: progress.startedAt, message: stepMessage },
    conditions: conditions(input, [
      ...kstatusConditions('Reconciling', halt.reason, `${what}: ${halt.message}`),
      cond('Progressing', true, halt.reason, `${what}: ${halt.message}`),
      degraded ? cond('Degraded', true, halt.reason, halt.message) : cond('Degraded', false, 'Idle'),
    ]),
  };
}

/**
 * The API server refuses one of the Router's own objects even with every filter left out; what
 * it had applied before stays live. Terminal until the Router or a filter changes: Stalled.
 */
export function rejectedStatus(input: StatusInput, rendered: RenderedRouter, message: string): RouterStatusPatch {
  return {
    ...summaryFields(input, rendered),
    phase: 'Invalid',
    conditions: conditions(input, [
      ...kstatusConditions('Stalled', 'RejectedByServer', message),
      cond('Progressing', false, 'RejectedByServer'),
      cond('Invalid', true, 'RejectedByServer', message),
    ]),
  };
}

/** An object of the same name exists and is not Switchyard's: Stalled until it goes or `adopt` is set. */
export function conflictStatus(input: StatusInput, rendered: RenderedRouter, message: string): RouterStatusPatch {
  return {
    ...summaryFields(input, rendered),
    phase: 'Conflict',
    conditions: conditions(input, [
      ...kstatusConditions('Stalled', 'Conflict', message),
      cond('Progressing', false, 'Conflict'),
      cond('Conflict', true, 'UnmanagedObject', message),
    ]),
  };
}

/** The spec failed validation or rendering; `message` names field, rule and value. Stalled. */
export function invalidStatus(input: StatusInput, message: string): RouterStatusPatch {
  return {
    ...observed(input.generation),
    ...walkField(input),
    phase: 'Invalid',
    conditions: conditions(input, [...kstatusConditions('Stalled', 'Invalid', message), cond('Progressing', false, 'Invalid'), cond('Invalid', true, 'InvalidSpec', message)]),
  };
}
