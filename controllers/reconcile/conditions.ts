import type { Condition } from '../../api/meta.ts';
import { setCondition, type ConditionUpdate } from '../../kube/conditions.ts';

/** A condition as a reconcile decides it; the transition time is the helper's business. */
export type ConditionInput = ConditionUpdate;

/**
 * The complete conditions list to write: exactly `next`, in order (types not listed are dropped),
 * each stamped by the runtime's `setCondition` — `lastTransitionTime` kept from `previous` when
 * the status did not change. Keeping the time is what makes a resync with nothing changed produce
 * a status equal to the cached one, hence no write.
 */
export function mergeConditions(previous: unknown, next: readonly ConditionInput[], now: Date, generation: number | undefined): Condition[] {
  const old = conditionList(previous);
  return next.map((c) => {
    const same = old.filter((o) => o.type === c.type);
    const [stamped] = setCondition(same, c, now, generation);
    return stamped as Condition;
  });
}

/** The `conditions` of a cached status, tolerating absent or malformed values. */
export function conditionList(status: unknown): Condition[] {
  if (typeof status !== 'object' || status === null) return [];
  const list = (status as { conditions?: unknown }).conditions;
  if (!Array.isArray(list)) return [];
  return list.filter((c): c is Condition => typeof c === 'object' && c !== null && typeof (c as Condition).type === 'string');
}

/** `{observedGeneration}` when the object has a generation, else nothing. */
export function observed(generation: number | undefined): { observedGeneration?: number } {
  return generation === undefined ? {} : { observedGeneration: generation };
}
