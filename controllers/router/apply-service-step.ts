import type { ServiceStep } from '../../core/plan/service-step.ts';
import type { Service } from '../../core/istio/types.ts';
import { isRejection } from '../../kube/kube-client.ts';
import type { ApplyOutcome, ReconcileResult } from '../../kube/types.ts';
import { applyOwned } from '../reconcile/apply-owned.ts';
import { SERVICE } from '../scheme.ts';
import type { Round } from './router-round.ts';
import { rejectedByServer } from './step-rejection.ts';

/**
 * Makes the Service step of the plan: applies the Service (an unchanged one is not written and
 * raises no event) or deletes the one this Router created. Nothing waits on it. A Service the API
 * server refuses — now, or before and unchanged since — ends the reconcile: the Router is
 * `Invalid` (`rejectedByServer`), and that result is returned; undefined when the step was made.
 * @throws OwnershipConflict when an unmanaged Service of the same name exists and `spec.adopt` is off.
 */
export async function applyServiceStep(round: Round, step: ServiceStep): Promise<ReconcileResult | undefined> {
  const { ctx } = round;
  if (step.action === 'apply-service') return applyService(round, step.object);
  // ownService turned off: only ours goes (the cache holds managed Services only, and the plan
  // checked that the controller ownerReference names this Router).
  await ctx.delete(SERVICE, { namespace: step.namespace, name: step.name });
  ctx.event(round.object, 'Normal', 'ServiceDeleted', `Service ${step.namespace}/${step.name} deleted (spec.ownService is off)`);
  return undefined;
}

async function applyService(round: Round, object: Service): Promise<ReconcileResult | undefined> {
  const { key, ctx } = round;
  const what = `Service ${key.namespace}/${object.metadata.name}`;
  const refused = round.rejections.ownRejection(round.object, object);
  if (refused !== undefined) return rejectedByServer(round, object, what, refused);
  let outcome: ApplyOutcome;
  try {
    outcome = await applyOwned(ctx, object, { adopt: round.router.spec.adopt === true });
  } catch (err) {
    if (isRejection(err)) return rejectedByServer(round, object, what, err.serverMessage);
    throw err;
  }
  if (outcome !== 'unchanged') ctx.event(round.object, 'Normal', 'ServiceApplied', `${what} ${outcome}`);
  return undefined;
}
