import type { DestinationRule, VirtualService } from '../istio/types.ts';
import type { PlanStep } from './make-before-break.ts';
import { referencedSubsets } from './referenced-subsets.ts';

/** Live objects as a test cluster holds them (test fixture). */
export interface LiveState {
  destinationRule: DestinationRule | null;
  virtualService: VirtualService | null;
}

/** The live state after applying one step, as the API server would store it (a deep copy). */
export function applyStep(state: LiveState, step: PlanStep): LiveState {
  const object = structuredClone(step.object);
  return object.kind === 'VirtualService' ? { ...state, virtualService: object } : { ...state, destinationRule: object };
}

/** Subsets the live VS sends to that the live DR does not define: each would be a 503 NR. */
export function missingSubsets(state: LiveState): string[] {
  if (!state.virtualService) return [];
  const defined = new Set((state.destinationRule?.spec.subsets ?? []).map((s) => s.name));
  return referencedSubsets(state.virtualService).filter((s) => !defined.has(s));
}

/** A copy of the rendered pair with an extra subset mirrored from the route named `routeName`, as a mirror filter layers it. */
export function withMirror(
  pair: { destinationRule: DestinationRule; virtualService: VirtualService },
  subset: string,
  routeName: string,
): { destinationRule: DestinationRule; virtualService: VirtualService } {
  const out = structuredClone(pair);
  const host = out.destinationRule.spec.host;
  out.destinationRule.spec.subsets = [...(out.destinationRule.spec.subsets ?? []), { name: subset, labels: { app: 'shadow', version: subset } }];
  for (const route of out.virtualService.spec.http ?? []) {
    if (route.name === routeName) {
      route.mirror = { host, subset };
      route.mirrorPercentage = { value: 5 };
    }
  }
  return out;
}
