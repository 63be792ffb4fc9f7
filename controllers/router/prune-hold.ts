import type { DestinationRule } from '../../core/istio/types.ts';
import { pruneHolds, removedSubsets, type PruneHold } from '../../core/plan/prune-holds.ts';
import { conditionList } from '../reconcile/conditions.ts';
import type { ReconcileResult } from '../../kube/types.ts';
import { ROUTER } from '../scheme.ts';
import { renderedRouter, type LiveObjects } from './router-round.ts';
import { haltedStatus } from './router-status.ts';
import type { StepRun } from './step-run.ts';
import { unmanagedVirtualServices } from './unmanaged-virtual-services.ts';

/** VirtualServices named in the hold's message; the rest are counted, keeping the condition readable. */
const HOLDS_SHOWN = 5;
const PRUNE_HELD = 'PruneHeld';

/**
 * Holds the prune step (the DestinationRule losing subsets) while a VirtualService Switchyard does
 * not manage still routes or mirrors to a subset it would remove: its proxies would answer 503 NR
 * the moment the subset went. Says so on the Router's status (`PruneHeld`, naming the
 * VirtualServices) and in a Warning event when the hold starts or changes, and stops: the
 * unmanaged VirtualService watch (`unmanagedVsRouterKeys`) brings the Router back when one of them
 * changes or is deleted, and the prune goes ahead once none routes there. Undefined: nothing holds it.
 */
export async function pruneHold(run: StepRun, live: LiveObjects): Promise<ReconcileResult | undefined> {
  if (run.step.action !== 'apply-pruned-destination-rule') return undefined;
  const { round } = run;
  const removed = removedSubsets(live.destinationRule, run.step.object as DestinationRule);
  const holds = pruneHolds(unmanagedVirtualServices(round.ctx.cache), run.host, removed);
  if (holds.length === 0) return undefined;
  const message = holdMessage(holds);
  const previous = conditionList(round.input.previous).find((c) => c.type === 'Ready');
  if (previous?.reason !== PRUNE_HELD || !previous.message.endsWith(message)) round.ctx.event(round.object, 'Warning', PRUNE_HELD, message);
  round.ctx.log.info('prune held by unmanaged VirtualServices', { step: run.label, holds: holds.map((h) => h.virtualService) });
  const status = haltedStatus(round.input, renderedRouter(round), run.step, run.progress, run.message, { phase: 'Progressing', reason: PRUNE_HELD, message });
  await round.ctx.updateStatus(ROUTER, round.key, status);
  return { kind: 'done' };
}

function holdMessage(holds: readonly PruneHold[]): string {
  const shown = holds.slice(0, HOLDS_SHOWN).map((h) => `VirtualService ${h.virtualService} routes to ${h.subsets.join(', ')}`);
  const more = holds.length > HOLDS_SHOWN ? ` (+${holds.length - HOLDS_SHOWN} more)` : '';
  return `prune held: ${shown.join('; ')}${more} (not managed by Switchyard); the DestinationRule keeps these subsets until no such VirtualService routes to them`;
}
