import type { Service } from '../istio/types.ts';
import { makeBeforeBreakPlan, type DesiredRouting, type LiveRouting, type PlanStep } from './make-before-break.ts';
import { planServiceStep, type LiveService, type ServiceStep } from './service-step.ts';

/** The live objects of one Router; absent or null when they do not exist. */
export interface LiveRouterObjects extends LiveRouting {
  service?: LiveService | null;
}

/** The desired objects of one Router: the layered DR/VS, and the Service when it owns one. */
export interface DesiredRouterObjects extends DesiredRouting {
  service?: Service;
}

/**
 * Every write that takes one Router from live to desired, in write order: the Service step (not
 * waited on), then the make-before-break steps (applied one per reconcile, waited on after each).
 */
export interface RouterPlan {
  service: ServiceStep | undefined;
  steps: PlanStep[];
}

/** Plans a Router's writes (`planServiceStep`, then `makeBeforeBreakPlan`). Pure. */
export function planRouter(router: { namespace: string; name: string }, live: LiveRouterObjects, desired: DesiredRouterObjects): RouterPlan {
  return {
    service: planServiceStep(router, desired.service, live.service ?? undefined),
    steps: makeBeforeBreakPlan(live, desired),
  };
}
