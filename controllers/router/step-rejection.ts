import { planRouter } from '../../core/plan/router-plan.ts';
import type { PlanStep } from '../../core/plan/make-before-break.ts';
import { routerRouting } from '../../core/router/router-routing.ts';
import { isRejection, type ApiError } from '../../kube/kube-client.ts';
import type { KubeObject, ReconcileResult } from '../../kube/types.ts';
import { conditionList } from '../reconcile/conditions.ts';
import { ROUTER } from '../scheme.ts';
import { findRejectedFilters, type RejectionProbe } from './find-rejected-filters.ts';
import { renderedRouter, type LiveObjects, type Round } from './router-round.ts';
import { quoted, REJECTED_BY_SERVER } from './routing-with-rejections.ts';
import { rejectedStatus } from './router-status.ts';
import { filterIdentity, type FilterRejection } from './server-rejections.ts';

/** Re-run at once: the next round lays the filters out without the refused ones. */
const NEXT_ROUND: ReconcileResult = { kind: 'requeueAfter', ms: 0 };

/**
 * The API server refused the object of `step` (schema, CEL rule or admission webhook). Finds out
 * whose the refusal is with dry runs (`findRejectedFilters`) and records it on `round.rejections`:
 * - filters: they are left out from the next round on — `Skipped` with the server's message on
 *   their status, a Warning event on each and one on the Router — and the Router's own routing and
 *   the other filters go on (re-run at once);
 * - the Router's own object: `rejectedByServer`.
 */
export async function stepRejected(round: Round, step: PlanStep, live: LiveObjects, err: ApiError): Promise<ReconcileResult> {
  const chain = appliedChain(round);
  const verdict = await findRejectedFilters(chain.map(filterIdentity), err.serverMessage, dryRunProbe(round, step.kind, live));
  if (verdict.kind === 'router') return rejectedByServer(round, step.object, `${step.kind} ${step.namespace}/${step.name}`, verdict.message);
  const refused = new Map<string, FilterRejection>();
  for (const filter of chain) {
    const message = verdict.rejected.get(filterIdentity(filter));
    if (message === undefined) continue;
    refused.set(filterIdentity(filter), { generation: filter.metadata.generation, message });
    reportRefusedFilter(round, filter, step, message);
  }
  round.rejections.rejectFilters(round.object, refused);
  return NEXT_ROUND;
}

/**
 * The Router's own object is refused even without filters: status `Invalid` (Ready=False) with the
 * server's message, a Warning event (once per refusal), and a terminal result — no retry until the
 * Router or a filter changes what would be written (`ServerRejections.ownRejection`). Whatever it
 * applied before stays live.
 */
export async function rejectedByServer(round: Round, object: unknown, what: string, serverMessage: string): Promise<ReconcileResult> {
  round.rejections.rejectOwn(round.object, object, serverMessage);
  const message = `${what} rejected by the API server: ${quoted(serverMessage)}; the objects applied before stay live`;
  const previous = conditionList(round.input.previous).find((c) => c.type === 'Invalid');
  if (previous?.reason !== REJECTED_BY_SERVER || previous.message !== message) round.ctx.event(round.object, 'Warning', REJECTED_BY_SERVER, message);
  await round.ctx.updateStatus(ROUTER, round.key, rejectedStatus(round.input, renderedRouter(round), message));
  return { kind: 'terminal', reason: message };
}

/** The cached objects of the filters applied in this round's layering, in chain order. */
function appliedChain(round: Round): KubeObject[] {
  const byName = new Map(round.filterObjects.map((f) => [f.metadata.name, f]));
  return round.routing.results.filter((r) => r.phase === 'Applied').flatMap((r) => byName.get(r.name) ?? []);
}

/**
 * A dry run of what this round would write of `kind` with the filters in `excluded` (and those
 * already refused) left out: planned against the same live objects, so it is the object the step
 * would write. No step of that kind left → nothing to refuse.
 */
function dryRunProbe(round: Round, kind: PlanStep['kind'], live: LiveObjects): RejectionProbe {
  const refused = new Set(round.routing.rejected.map(filterIdentity));
  return async (excluded) => {
    const kept = round.filterObjects.filter((f) => !excluded.has(filterIdentity(f)) && !refused.has(filterIdentity(f)));
    const routing = routerRouting(round.router, kept, round.input.now);
    const step = planRouter(round.key, live, { ...routing.desired, service: routing.base.service }).steps.find((s) => s.kind === kind);
    if (!step) return undefined;
    try {
      await round.ctx.apply(step.object, { adopt: round.router.spec.adopt === true, dryRun: true });
      return undefined;
    } catch (err) {
      if (isRejection(err)) return err.serverMessage;
      throw err;
    }
  };
}

/** A Warning event on the filter and on the Router, unless the filter's status already reports this refusal. */
function reportRefusedFilter(round: Round, filter: KubeObject, step: PlanStep, serverMessage: string): void {
  const ready = conditionList(filter.status).find((c) => c.type === 'Ready');
  const known = ready?.reason === REJECTED_BY_SERVER && ready.observedGeneration === filter.metadata.generation && ready.message.includes(quoted(serverMessage));
  round.ctx.log.warn('the API server rejected a filter\'s result; applying the rest without it', { filter: filter.metadata.name, kind: step.kind, message: serverMessage });
  if (known) return;
  const message = `the API server rejected ${step.kind} ${step.namespace}/${step.name} with this filter applied: ${quoted(serverMessage)}; Router ${round.key.name} applies the rest without it`;
  round.ctx.event(filter, 'Warning', REJECTED_BY_SERVER, message);
  round.ctx.event(round.object, 'Warning', 'FilterRejected', `IstioFilter ${round.key.namespace}/${filter.metadata.name}: ${message}`);
}
