import type { DestinationRule, VirtualService } from '../istio/types.ts';
import { describeDestinationRuleChanges, describeVirtualServiceChanges } from './describe-changes.ts';
import { destinationRuleSpecEqual, unionDestinationRule } from './destination-rule-union.ts';
import { specEqual } from '../../lib/spec-equal.ts';

export { referencedSubsets } from './referenced-subsets.ts';

export type PlanAction = 'apply-union-destination-rule' | 'apply-virtual-service' | 'apply-pruned-destination-rule';

/** One write of a make-before-break transition; apply in `number` order, waiting after each. */
export interface PlanStep {
  /** 1-based position in this plan (skipped steps are not numbered). */
  number: number;
  action: PlanAction;
  kind: 'DestinationRule' | 'VirtualService';
  name: string;
  namespace: string;
  /** The whole object to apply. */
  object: DestinationRule | VirtualService;
  /** Human-readable summary, e.g. `add subset master-v1-0-2`, `route master: a 90→80, b 10→20`. */
  changes: string[];
}

/** The live objects; absent or null when they do not exist yet. */
export interface LiveRouting {
  destinationRule?: DestinationRule | null;
  virtualService?: VirtualService | null;
}

/** The final (rendered and layered) objects. */
export interface DesiredRouting {
  destinationRule: DestinationRule;
  virtualService: VirtualService;
}

/**
 * Plans the transition from live to desired without a moment where a VirtualService routes to a
 * subset its DestinationRule lacks (Envoy answers those with 503 NR):
 *
 * 1. `apply-union-destination-rule` — desired DR plus every live subset it lacks;
 * 2. `apply-virtual-service` — the desired VS (it only names desired subsets);
 * 3. `apply-pruned-destination-rule` — the desired DR.
 *
 * A step that changes nothing is left out (DR subsets compare by name, not order). The plan is a
 * function of live state only, so it resumes from any intermediate state: after step 1 the plan is
 * [2, 3], after 1 and 2 it is [3], and at the end it is empty.
 *
 * Precondition: every subset the desired VS sends to (routes, mirrors) on the DR's host is defined
 * in the desired DR — the renderer and the filter layering guarantee it. Spec equality only: a
 * metadata-only difference (labels, owner references) produces no step.
 */
export function makeBeforeBreakPlan(live: LiveRouting, desired: DesiredRouting): PlanStep[] {
  const liveDr = live.destinationRule ?? null;
  const liveVs = live.virtualService ?? null;
  const steps: Omit<PlanStep, 'number'>[] = [];
  let drAfter: DestinationRule['spec'] | null = liveDr?.spec ?? null;

  const union = unionDestinationRule(liveDr, desired.destinationRule);
  if (!drAfter || !destinationRuleSpecEqual(drAfter, union.spec)) {
    steps.push(step('apply-union-destination-rule', union, describeDestinationRuleChanges(drAfter, union.spec)));
    drAfter = union.spec;
  }
  if (!liveVs || !specEqual(liveVs.spec, desired.virtualService.spec)) {
    const changes = describeVirtualServiceChanges(liveVs?.spec ?? null, desired.virtualService.spec);
    steps.push(step('apply-virtual-service', desired.virtualService, changes));
  }
  if (!destinationRuleSpecEqual(drAfter, desired.destinationRule.spec)) {
    const changes = describeDestinationRuleChanges(drAfter, desired.destinationRule.spec);
    steps.push(step('apply-pruned-destination-rule', desired.destinationRule, changes));
  }
  return steps.map((s, i) => ({ number: i + 1, ...s }));
}

function step(action: PlanAction, object: DestinationRule | VirtualService, changes: string[]): Omit<PlanStep, 'number'> {
  return { action, kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace, object, changes };
}
