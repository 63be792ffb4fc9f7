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

/**
 * The three conditions kstatus reads (Flux's health checks, `kubectl wait`, and Argo CD through
 * the health check the README gives), for one of the three states an object is in:
 * - `Ready`: the spec of `observedGeneration` is live. Ready=True, Reconciling=False, Stalled=False.
 * - `Reconciling`: the controller is still on its way there (a step waiting to take, a canary walk,
 *   a write retried with backoff, a dependency not there yet) and gets there without help.
 *   Reconciling=True, Ready=False, Stalled=False.
 * - `Stalled`: it does not get there without a change to the spec or to something in its way
 *   (invalid spec, refused by the API server, a name conflict, a rolled-back walk, a step overdue).
 *   Stalled=True, Ready=False, Reconciling=False.
 * Whenever Ready is False exactly one of the other two is True, so kstatus never computes
 * `Current` for an object that is not ready. The abnormal-true pair is kept as False rather than
 * removed so the list's order is the same in every state. Always first, in this order; the
 * other two carry the same reason as Ready and the message only when True.
 */
export type KstatusState = 'Ready' | 'Reconciling' | 'Stalled';

export function kstatusConditions(state: KstatusState, reason: string, message: string): ConditionInput[] {
  const flag = (type: KstatusState): ConditionInput => {
    const on = state === type;
    return { type, status: on ? 'True' : 'False', reason, message: on || type === 'Ready' ? message : '' };
  };
  return [flag('Ready'), flag('Reconciling'), flag('Stalled')];
}
