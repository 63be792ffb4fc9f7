import type { AnalysisCheck, CheckStatus, Progression, ProgressionStatus } from '../../api/progression.ts';
import { DEFAULT_FAILURE_LIMIT, rollBack, type WalkDecision, type WalkEvent } from './walk.ts';
import { walkWeights } from './walk-steps.ts';

/** A query's outcome: one number, or why there is none (error, no data, several series). */
export type QueryOutcome = { value: number } | { unknown: string };

/** `>= 99`, `<= 500`, or both. */
export function thresholdText(check: Pick<AnalysisCheck, 'min' | 'max'>): string {
  const parts = [check.min === undefined ? '' : `>= ${check.min}`, check.max === undefined ? '' : `<= ${check.max}`];
  return parts.filter((s) => s !== '').join(' and ');
}

/** A check's verdict on its query's outcome: Unknown without a number, Fail outside min/max, else Pass. */
export function judgeCheck(check: AnalysisCheck, outcome: QueryOutcome, at: Date): CheckStatus {
  const base = { name: check.name, threshold: thresholdText(check), at: at.toISOString() };
  if ('unknown' in outcome) return { ...base, verdict: 'Unknown', message: outcome.unknown };
  const { value } = outcome;
  const low = check.min !== undefined && value < check.min;
  const high = check.max !== undefined && value > check.max;
  if (!low && !high) return { ...base, verdict: 'Pass', value };
  return { ...base, verdict: 'Fail', value, message: `${check.name} = ${round(value)}, want ${thresholdText(check)}` };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Whether every gate webhook opened, and the first refusal when not. */
export type GateOutcome = { open: true } | { open: false; message: string };

/**
 * The walk after its analysis window: a failing check counts towards `failureLimit` (reached →
 * roll back); unknown results hold the step (that many in a row → roll back); all passing and
 * every gate open → the next step; a closed gate holds without counting. A held step starts a new
 * window now.
 */
export function afterAnalysis(p: Progression, state: ProgressionStatus, checks: CheckStatus[], gate: GateOutcome, now: Date): WalkDecision {
  const events: WalkEvent[] = [];
  const limit = p.failureLimit ?? DEFAULT_FAILURE_LIMIT;
  const failed = checks.filter((c) => c.verdict === 'Fail');
  const unknown = checks.filter((c) => c.verdict === 'Unknown');
  const judged = { ...state, checks };
  if (failed.length > 0) {
    const failures = state.failures + 1;
    const why = failed.map((c) => c.message ?? c.name).join('; ');
    if (failures >= limit) return { status: rollBack({ ...judged, failures, unknowns: 0 }, 'analysis', `${why} (failed analysis ${failures}/${limit})`, events), events };
    events.push({ type: 'Warning', reason: 'Analysis', message: `step ${state.step}/${state.steps}: ${why} (failed analysis ${failures}/${limit})` });
    return { status: hold({ ...judged, failures, unknowns: 0 }, `${why} (failed analysis ${failures}/${limit}); analysing again`, now), events };
  }
  if (unknown.length > 0) {
    const unknowns = state.unknowns + 1;
    const why = unknown.map((c) => `${c.name}: ${c.message ?? 'unknown'}`).join('; ');
    if (unknowns >= limit) return { status: rollBack({ ...judged, unknowns }, 'unknown', `${why} (unknown ${unknowns} time(s) in a row, limit ${limit})`, events), events };
    events.push({ type: 'Warning', reason: 'Analysis', message: `step ${state.step}/${state.steps} holds: ${why} (unknown ${unknowns}/${limit})` });
    return { status: hold({ ...judged, unknowns }, `holding: ${why} (unknown ${unknowns}/${limit})`, now), events };
  }
  if (!gate.open) return { status: hold({ ...judged, unknowns: 0 }, `holding: ${gate.message}`, now), events };
  return { status: nextStep(p, { ...judged, unknowns: 0 }, events), events };
}

/**
 * The judged checks that let the walk on, for the Step event: `; checks success=99.5 Pass, p99=120 Pass`
 * (the dashboard's timeline reads the values back from the events, the only history the API server keeps).
 */
export function checksText(checks: readonly CheckStatus[]): string {
  if (checks.length === 0) return '';
  return `; checks ${checks.map((c) => `${c.name}=${c.value === undefined ? '?' : round(c.value)} ${c.verdict}`).join(', ')}`;
}

/** Same step, a new analysis window from `now` (its end is set when the controller writes it). */
function hold(state: ProgressionStatus, message: string, now: Date): ProgressionStatus {
  return { ...state, stepStartedAt: now.toISOString(), message };
}

function nextStep(p: Progression, state: ProgressionStatus, events: WalkEvent[]): ProgressionStatus {
  const walk = walkWeights(p, state.from, state.target);
  const index = Math.min(state.step, walk.length - 1);
  const next = walk[index] ?? { weights: state.target, share: 100 };
  const { stepStartedAt: _s, nextStepAt: _n, ...rest } = state;
  const weights = Object.entries(next.weights).map(([v, w]) => `${v}=${w}`).join(',');
  events.push({ type: 'Normal', reason: 'Step', message: `step ${index + 1}/${walk.length}: ${weights}; canary ${next.share}%${checksText(state.checks ?? [])}` });
  return { ...rest, phase: 'Progressing', current: next.weights, step: index + 1, steps: walk.length, canaryWeight: next.share, message: `step ${index + 1}/${walk.length} applying` };
}
