import type { Progression, ProgressionStatus } from '../../api/progression.ts';
import { sameWeights, walkWeights, type Weights } from './walk-steps.ts';

/** Annotation through which a human steers a walk: `promote`, `abort`, `pause` or `resume`, optionally `@<token>`. */
export const COMMAND_ANNOTATION = 'switchyard.io/progression';
export const COMMANDS = ['promote', 'abort', 'pause', 'resume'] as const;
export type Command = (typeof COMMANDS)[number];

/** The message `resume` leaves, so the `pauseAt` step it resumes does not pause again. */
export const RESUMED = 'resumed by command';

/** Default time between a step going live and its analysis verdict. */
export const DEFAULT_INTERVAL = '1m';
/** Default failed analyses (or unknown ones in a row) before a rollback. */
export const DEFAULT_FAILURE_LIMIT = 2;

/** Something the controller reports as a Kubernetes Event (and a webhook, for promotions and rollbacks). */
export interface WalkEvent {
  type: 'Normal' | 'Warning';
  reason: 'Walk' | 'Promoted' | 'RolledBack' | 'Step' | 'Paused' | 'Command' | 'Analysis';
  message: string;
  /** For a rollback: what caused it (the metric label of `switchyard_progression_rollbacks_total`). */
  cause?: RollbackCause;
}

/** Why a walk went back: failed analyses, unknown ones in a row, or a human's abort. */
export type RollbackCause = 'analysis' | 'unknown' | 'command';

export interface WalkDecision {
  status: ProgressionStatus;
  events: WalkEvent[];
}

/** The command in an annotation value (`pause`, `pause@2`), or an error naming the value. */
export function parseCommand(value: string): { command: Command } | { error: string } {
  const name = value.split('@', 1)[0]?.trim() ?? '';
  if ((COMMANDS as readonly string[]).includes(name)) return { command: name as Command };
  return { error: `annotation ${COMMAND_ANNOTATION} must be one of ${COMMANDS.join(', ')}, optionally followed by @<token> (got ${JSON.stringify(value)})` };
}

function atRest(weights: Weights, command: string | undefined): ProgressionStatus {
  return { phase: 'Promoted', promoted: weights, target: weights, from: weights, current: weights, step: 0, steps: 0, canaryWeight: 0, failures: 0, unknowns: 0, ...(command === undefined ? {} : { command }) };
}

/**
 * A new walk from the live weights (`state.current`) to `desired`, at step 0: nothing moves until
 * the gates have been asked (`onLive` says `analyse` at once, with no checks to run).
 */
function startWalk(p: Progression, state: ProgressionStatus, desired: Weights, events: WalkEvent[]): ProgressionStatus {
  const steps = walkWeights(p, state.current, desired).length;
  const { stepStartedAt: _s, nextStepAt: _n, checks: _c, ...rest } = state;
  events.push({ type: 'Normal', reason: 'Walk', message: `walk from ${weightsText(state.current)} to ${weightsText(desired)} started: ${steps} step(s)` });
  return { ...rest, phase: 'Progressing', target: desired, from: state.current, step: 0, steps, canaryWeight: 0, failures: 0, unknowns: 0, message: 'asking the gates before step 1' };
}

/** Back to the promoted weights; `RolledBack` once they are live. */
export function rollBack(state: ProgressionStatus, cause: RollbackCause, reason: string, events: WalkEvent[]): ProgressionStatus {
  const { stepStartedAt: _s, nextStepAt: _n, ...rest } = state;
  events.push({ type: 'Warning', reason: 'RolledBack', message: `rolling back to ${weightsText(state.promoted)}: ${reason}`, cause });
  return { ...rest, phase: 'RollingBack', current: state.promoted, canaryWeight: 0, message: reason };
}

/** Jumps to the last step (the desired weights); `Promoted` once they are live. */
function promoteNow(state: ProgressionStatus): ProgressionStatus {
  const { stepStartedAt: _s, nextStepAt: _n, ...rest } = state;
  return { ...rest, phase: 'Progressing', current: state.target, step: state.steps, canaryWeight: 100, message: 'promoted by command' };
}

function applyCommand(state: ProgressionStatus, value: string, events: WalkEvent[]): ProgressionStatus {
  const parsed = parseCommand(value);
  const acknowledged = { ...state, command: value };
  if ('error' in parsed) {
    events.push({ type: 'Warning', reason: 'Command', message: parsed.error });
    return { ...acknowledged, message: parsed.error };
  }
  const walking = state.phase === 'Progressing' || state.phase === 'Paused';
  if (!walking) {
    events.push({ type: 'Normal', reason: 'Command', message: `${parsed.command} ignored: no walk in progress (${state.phase})` });
    return acknowledged;
  }
  events.push({ type: 'Normal', reason: 'Command', message: `${parsed.command} at step ${state.step}/${state.steps}` });
  switch (parsed.command) {
    case 'promote':
      return promoteNow(acknowledged);
    case 'abort':
      return rollBack(acknowledged, 'command', 'aborted by command', events);
    case 'pause': {
      const { stepStartedAt: _s, nextStepAt: _n, ...rest } = acknowledged;
      return { ...rest, phase: 'Paused', message: 'paused by command' };
    }
    case 'resume':
      return { ...acknowledged, phase: 'Progressing', message: RESUMED };
  }
}

/**
 * The start of a reconcile: the walk state given the spec's desired weights of the default
 * branch, the previous state (from status) and the annotation's command. Returns the state whose
 * `current` weights the Router is rendered with.
 *
 * - No previous state: the Router starts at its declared weights (`Promoted`); only later edits walk.
 * - Desired weights differ from the walk's target: a new walk from the current (live) weights.
 * - A command not yet acted on (the annotation's value differs from `status.command`) is applied.
 */
export function beginRound(p: Progression, desired: Weights, previous: ProgressionStatus | undefined, command: string | undefined): WalkDecision {
  const events: WalkEvent[] = [];
  let state = previous ?? atRest(desired, command);
  if (command !== undefined && command !== state.command) state = applyCommand(state, command, events);
  if (!sameWeights(desired, state.target)) state = startWalk(p, state, desired, events);
  return { status: state, events };
}

/** What to do once the state's `current` weights are live (the make-before-break plan is empty). */
export type LiveAction =
  | { kind: 'settled'; status: ProgressionStatus; events: WalkEvent[] } // Promoted or RolledBack: nothing to wait for
  | { kind: 'wait'; status: ProgressionStatus; events: WalkEvent[]; ms: number | undefined } // undefined: until a command or an edit
  | { kind: 'analyse'; status: ProgressionStatus }; // the window is over: run the checks and the gates

/**
 * Once the current weights are live: finish a rollback or the last step, start the step's
 * analysis window (or pause at a `pauseAt` step), or say that the window is over.
 */
export function onLive(p: Progression, state: ProgressionStatus, intervalMs: number, now: Date): LiveAction {
  const events: WalkEvent[] = [];
  switch (state.phase) {
    case 'Promoted':
    case 'RolledBack':
      return { kind: 'settled', status: state, events };
    case 'RollingBack':
      return { kind: 'settled', status: { ...state, phase: 'RolledBack' }, events };
    case 'Paused':
      return { kind: 'wait', status: state, events, ms: undefined };
    case 'Progressing':
      break;
  }
  if (state.step >= state.steps) {
    const { stepStartedAt: _s, nextStepAt: _n, ...rest } = state;
    events.push({ type: 'Normal', reason: 'Promoted', message: `promoted ${weightsText(state.target)} after ${state.steps} step(s)` });
    return { kind: 'settled', status: { ...rest, phase: 'Promoted', promoted: state.target, from: state.target, canaryWeight: 0, failures: 0, unknowns: 0, message: 'promoted' }, events };
  }
  // Step 0: the walk has not moved yet; only the gates stand before step 1.
  if (state.step === 0 && state.stepStartedAt === undefined) return { kind: 'analyse', status: state };
  if (state.stepStartedAt === undefined) {
    if (p.pauseAt?.includes(state.canaryWeight) === true && state.message !== RESUMED) {
      events.push({ type: 'Normal', reason: 'Paused', message: `paused at step ${state.step}/${state.steps} (pauseAt ${state.canaryWeight}): waiting for resume or promote` });
      return { kind: 'wait', status: { ...state, phase: 'Paused', message: `paused at ${state.canaryWeight}% (pauseAt)` }, events, ms: undefined };
    }
    const next = new Date(now.getTime() + intervalMs);
    const status = { ...state, stepStartedAt: now.toISOString(), nextStepAt: next.toISOString(), message: `step ${state.step}/${state.steps} live; analysing until ${next.toISOString()}` };
    return { kind: 'wait', status, events, ms: intervalMs };
  }
  const remaining = Date.parse(state.stepStartedAt) + intervalMs - now.getTime();
  if (remaining > 0) return { kind: 'wait', status: state, events, ms: remaining };
  return { kind: 'analyse', status: state };
}

/** Weights as `v1=90,v2=10`. */
export function weightsText(w: Weights): string {
  return Object.entries(w)
    .map(([v, n]) => `${v}=${n}`)
    .join(',');
}
