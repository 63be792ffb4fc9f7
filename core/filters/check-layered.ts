import { formatRuleProblem, istioRuleProblems, missingSubsetReason, routingPairProblems } from '../istio/istio-rules.ts';
import type { DestinationRule, VirtualService } from '../istio/types.ts';
import { validateIstioObject } from '../istio/validate.ts';
import type { LayerState } from './filter-result.ts';

/** Issues quoted in a rejection reason; the rest are counted (status messages stay short). */
export const MAX_QUOTED_ISSUES = 3;

function nameOf(obj: VirtualService | DestinationRule): string {
  return `${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name}`;
}

function quoted(issues: string[]): string {
  const more = issues.length > MAX_QUOTED_ISSUES ? ` (and ${issues.length - MAX_QUOTED_ISSUES} more)` : '';
  return `${issues.slice(0, MAX_QUOTED_ISSUES).join('; ')}${more}`;
}

function schemaReason(obj: VirtualService | DestinationRule): string | undefined {
  const issues = validateIstioObject(obj);
  if (issues.length === 0) return undefined;
  return `the result is rejected by the Istio schema: ${nameOf(obj)} ${quoted(issues.map((i) => `${i.path}: ${i.message}`))}`;
}

/** What istiod's webhook or the CRDs' CEL rules would refuse, and a DestinationRule moved off the Router's host. */
function istioRulesReason(state: LayerState, routerHost: string | undefined): string | undefined {
  const { virtualService: vs, destinationRule: dr } = state;
  const found = [vs, dr].flatMap((obj) => istioRuleProblems(obj).map((p) => `${nameOf(obj)} ${formatRuleProblem(p)}`));
  for (const { object, problem } of routingPairProblems(vs, dr, routerHost)) found.push(`${nameOf(object)} ${formatRuleProblem(problem)}`);
  return found.length === 0 ? undefined : `the result breaks Istio's validation rules: ${quoted(found)}`;
}

/**
 * Why the layered pair cannot be applied, or undefined when it can: each object must pass the
 * Istio schema and Istio's validation rules (core/istio/istio-rules.ts), the DestinationRule must
 * keep the Router's host (`routerHost`: the base DestinationRule's host), and every subset the VirtualService uses on that host must exist.
 * The Router's own objects pass all of these (renderRouter refuses a Router whose objects do not),
 * so a problem here is the filter's.
 */
export function layeredStateProblem(state: LayerState, routerHost?: string): string | undefined {
  return (
    schemaReason(state.virtualService) ??
    schemaReason(state.destinationRule) ??
    istioRulesReason(state, routerHost) ??
    missingSubsetReason(state.virtualService, state.destinationRule)
  );
}
