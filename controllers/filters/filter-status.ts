import type { IstioFilterStatus } from '../../api/istio-filter.ts';
import { kstatusConditions, mergeConditions, observed, type KstatusState } from '../reconcile/conditions.ts';
import { REJECTED_BY_SERVER, type CheckedFilterResult } from '../router/routing-with-rejections.ts';

/** An IstioFilter's complete status (the runtime replaces the stored one with it as a whole). */
export type FilterStatusPatch = Record<string, unknown>;

interface StatusInput {
  generation: number | undefined;
  previous: IstioFilterStatus | undefined;
  now: Date;
}

/**
 * What kstatus makes of a phase: Applied is Ready; Pending waits for its Router (created, or made
 * renderable, by someone else) and is looked at again when the Router changes, so Reconciling;
 * Skipped, Expired and Invalid stay so until the filter (or its Router) is changed: Stalled.
 */
function kstatusState(phase: string): KstatusState {
  if (phase === 'Applied') return 'Ready';
  return phase === 'Pending' ? 'Reconciling' : 'Stalled';
}

/**
 * Ready, Reconciling and Stalled (`kstatusConditions`). Only an Applied filter is Ready. The
 * reason is the phase, so `kubectl wait --for=condition=Ready` and the phase column tell the same
 * story — except for a filter Skipped because the API server refused its result, whose reason
 * says so (`RejectedByServer`).
 */
function readyCondition(input: StatusInput, phase: string, message: string, reason = phase): FilterStatusPatch['conditions'] {
  return mergeConditions(input.previous, kstatusConditions(kstatusState(phase), reason, message), input.now, input.generation);
}

/** The filter's place and outcome in its Router's chain, as the Router layers it. */
export function resultStatus(input: StatusInput, router: string, result: CheckedFilterResult): FilterStatusPatch {
  const message = `${result.message ?? result.phase} (Router ${router}, position ${result.position}/${result.chainLength})`;
  return {
    ...observed(input.generation),
    phase: result.phase,
    position: result.position,
    chainLength: result.chainLength,
    patches: result.patches,
    message,
    conditions: readyCondition(input, result.phase, message, result.rejectedByServer === true ? REJECTED_BY_SERVER : result.phase),
  };
}

/** Not in any chain: no Router to patch (Pending) or an invalid spec (Invalid). */
export function detachedStatus(input: StatusInput, phase: 'Pending' | 'Invalid', message: string): FilterStatusPatch {
  return {
    ...observed(input.generation),
    phase,
    message,
    conditions: readyCondition(input, phase, message),
  };
}
