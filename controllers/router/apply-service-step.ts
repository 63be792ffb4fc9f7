import type { ServiceStep } from '../../core/plan/service-step.ts';
import { applyOwned } from '../reconcile/apply-owned.ts';
import { SERVICE } from '../scheme.ts';
import type { Round } from './router-round.ts';

/**
 * Makes the Service step of the plan: applies the Service (an unchanged one is not written and
 * raises no event) or deletes the one this Router created. Nothing waits on it.
 * @throws OwnershipConflict when an unmanaged Service of the same name exists and `spec.adopt` is off.
 */
export async function applyServiceStep(round: Round, step: ServiceStep): Promise<void> {
  const { key, ctx } = round;
  if (step.action === 'apply-service') {
    const outcome = await applyOwned(ctx, step.object, { adopt: round.router.spec.adopt === true });
    if (outcome !== 'unchanged') ctx.event(round.object, 'Normal', 'ServiceApplied', `Service ${key.namespace}/${step.object.metadata.name} ${outcome}`);
    return;
  }
  // ownService turned off: only ours goes (the cache holds managed Services only, and the plan
  // checked that the controller ownerReference names this Router).
  await ctx.delete(SERVICE, { namespace: step.namespace, name: step.name });
  ctx.event(round.object, 'Normal', 'ServiceDeleted', `Service ${step.namespace}/${step.name} deleted (spec.ownService is off)`);
}
