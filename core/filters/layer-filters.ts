import type { IstioFilter } from '../../api/istio-filter.ts';
import type { DestinationRule, VirtualService } from '../istio/types.ts';
import { applyFilterPatch, patchTypeOf } from './apply-patch.ts';
import { layeredStateProblem } from './check-layered.ts';
import { isExpired } from './expiry.ts';
import type { FilterResult, LayerResult, LayerState, PatchResult, PatchStep } from './filter-result.ts';
import { filterNamespace, sortFilters } from './sort-filters.ts';

export type { FilterResult, LayerResult, PatchResult, PatchStep } from './filter-result.ts';
export { sortFilters } from './sort-filters.ts';

export const NOT_ATTEMPTED = 'not attempted: earlier patch failed';

type Applied = { ok: true; state: LayerState; patches: PatchResult[] } | { ok: false; patches: PatchResult[]; message: string };

function typeName(filter: IstioFilter, index: number): string {
  const patch = filter.spec.patches[index];
  return (patch && patchTypeOf(patch)) ?? 'unknown';
}

/**
 * Runs a filter's patches in order; stops at the first failure. With `steps`, records the state
 * before and after each applied patch (references, not copies: patches never mutate a state).
 */
function applyFilter(state: LayerState, filter: IstioFilter, routerHost: string, steps?: PatchStep[]): Applied {
  const patches: PatchResult[] = [];
  let current = state;
  for (const [index, patch] of filter.spec.patches.entries()) {
    const type = typeName(filter, index);
    const outcome = applyFilterPatch(current, patch, filter.spec.scope);
    if (!outcome.ok) {
      patches.push({ index, type, applied: false, reason: outcome.reason });
      for (let rest = index + 1; rest < filter.spec.patches.length; rest++) {
        patches.push({ index: rest, type: typeName(filter, rest), applied: false, reason: NOT_ATTEMPTED });
      }
      return { ok: false, patches, message: `skipped: patch ${index} (${type}) failed: ${outcome.reason}` };
    }
    patches.push({ index, type, applied: true });
    steps?.push({ index, type, before: current, after: outcome.state });
    current = outcome.state;
  }
  const problem = layeredStateProblem(current, routerHost);
  if (problem !== undefined) {
    const rolledBack = patches.map((p) => ({ ...p, applied: false, reason: `rolled back: ${problem}` }));
    return { ok: false, patches: rolledBack, message: `skipped: ${problem}` };
  }
  return { ok: true, state: current, patches };
}

/**
 * Layers IstioFilters onto a Router's rendered VirtualService and DestinationRule.
 *
 * Filters apply in `sortFilters` order (priority, creation time, namespace/name); each sees the
 * output of the ones before it. A filter is atomic: its patches apply in order, and if one fails,
 * or the result fails the Istio schema (`validateIstioObject`) or routes to a subset the
 * DestinationRule lacks, the whole filter is `Skipped` and the chain continues from the state
 * before it, so one broken filter never breaks the service or the other filters. A filter with
 * `spec.expiresAt <= now` is `Expired` and applies nothing. (There is no partial application;
 * the CRD's `PartiallyApplied` phase is never produced.)
 *
 * Pure: inputs are not mutated; outputs may share unchanged subtrees with `base`. The caller picks
 * the filters that target this Router (`filtersTargeting`).
 *
 * `onApplied`, when given, is called once per `Applied` filter, in chain order, with the state
 * before and after each of its patches: the steps that make up the result (provenance, `explain`).
 * Steps of a filter that is then skipped are never reported.
 */
export function layerFilters(
  base: { virtualService: VirtualService; destinationRule: DestinationRule },
  filters: IstioFilter[],
  now: Date,
  onApplied?: (filter: IstioFilter, steps: readonly PatchStep[]) => void,
): LayerResult {
  const ordered = sortFilters(filters);
  let state: LayerState = { virtualService: base.virtualService, destinationRule: base.destinationRule };
  const results = ordered.map((filter, i): FilterResult => {
    const expiresAt = filter.spec.expiresAt;
    const head = {
      namespace: filterNamespace(filter),
      name: filter.metadata.name,
      position: i + 1,
      chainLength: ordered.length,
    };
    const echo = expiresAt !== undefined ? { expiresAt } : {};
    if (isExpired(filter, now)) {
      const patches = filter.spec.patches.map((_, index) => ({ index, type: typeName(filter, index), applied: false, reason: 'not attempted: filter expired' }));
      return { ...head, phase: 'Expired', patches, message: `expired at ${expiresAt}; no patch applied`, ...echo };
    }
    const steps: PatchStep[] | undefined = onApplied ? [] : undefined;
    const applied = applyFilter(state, filter, base.destinationRule.spec.host, steps);
    if (!applied.ok) return { ...head, phase: 'Skipped', patches: applied.patches, message: applied.message, ...echo };
    state = applied.state;
    if (onApplied && steps) onApplied(filter, steps);
    const count = applied.patches.length;
    return { ...head, phase: 'Applied', patches: applied.patches, message: `applied ${count} patch${count === 1 ? '' : 'es'}`, ...echo };
  });
  return { virtualService: state.virtualService, destinationRule: state.destinationRule, results };
}
