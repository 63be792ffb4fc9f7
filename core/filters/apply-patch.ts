import { PATCH_TYPES } from '../../api/istio-filter.ts';
import type { FilterPatch, PatchType } from '../../api/istio-filter.ts';
import type { FilterScope } from './route-scope.ts';
import type { LayerState, PatchOutcome } from './filter-result.ts';
import { applyJsonPatch } from './json-patch.ts';
import { applyMirror } from './mirror-patch.ts';
import { produceUnfrozen } from './produce-unfrozen.ts';
import { applyRoutePatch } from './route-patches.ts';
import { selectRoutes } from './route-scope.ts';

type TrafficPolicyPatch = NonNullable<FilterPatch['trafficPolicy']>;

/** DestinationRule `trafficPolicy` fields a trafficPolicy patch may replace, in output order. */
const TRAFFIC_POLICY_PIECES = ['connectionPool', 'outlierDetection', 'loadBalancer', 'tls'] as const;

/** The patch's type: the one field set (the schema enforces exactly one). */
export function patchTypeOf(patch: FilterPatch): PatchType | undefined {
  return PATCH_TYPES.find((type) => patch[type] !== undefined);
}

/** Replaces each piece the patch sets in the DestinationRule's top-level `trafficPolicy`. */
function applyTrafficPolicy(state: LayerState, patch: TrafficPolicyPatch): PatchOutcome {
  const pieces = TRAFFIC_POLICY_PIECES.filter((piece) => patch[piece] !== undefined);
  if (pieces.length === 0) return { ok: false, reason: `trafficPolicy sets none of ${TRAFFIC_POLICY_PIECES.join(', ')}` };
  const destinationRule = produceUnfrozen(state.destinationRule, (dr) => {
    const policy = (dr.spec.trafficPolicy ??= {});
    for (const piece of pieces) policy[piece] = structuredClone(patch[piece]);
  });
  return { ok: true, state: { ...state, destinationRule } };
}

/**
 * Applies one patch of a filter to `state` and returns the new state, or why it cannot apply.
 * HTTP route patches (fault, mirror, retries, timeout, headers, corsPolicy) touch the routes in
 * `scope`; trafficPolicy touches the DestinationRule; jsonPatch either object's spec.
 * Never throws and never mutates `state`.
 */
export function applyFilterPatch(state: LayerState, patch: FilterPatch, scope: FilterScope): PatchOutcome {
  const type = patchTypeOf(patch);
  try {
    if (type === undefined) return { ok: false, reason: `patch sets none of ${PATCH_TYPES.join(', ')}` };
    if (type === 'trafficPolicy' && patch.trafficPolicy) return applyTrafficPolicy(state, patch.trafficPolicy);
    if (type === 'jsonPatch' && patch.jsonPatch) return applyJsonPatch(state, patch.jsonPatch);
    const selection = selectRoutes(state.virtualService, scope, type);
    if (!selection.ok) return selection;
    if (type === 'mirror' && patch.mirror) return applyMirror(state, selection.indices, patch.mirror);
    return applyRoutePatch(state, selection.indices, patch);
  } catch (error) {
    // An earlier jsonPatch may have left a shape the typed patches do not expect; that must fail
    // this filter only, never the chain.
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `${type ?? 'patch'} could not be applied to the current objects: ${message}` };
  }
}
