import { istioFilter, istioFilterStatus, type IstioFilter } from '../../api/istio-filter.ts';
import { DEFAULT_NAMESPACE } from '../../api/meta.ts';
import { router as routerSchema, type Router } from '../../api/router.ts';
import { specProblemOf } from '../../core/spec-problem.ts';
import { RenderError } from '../../core/router/render-error.ts';
import { filterTargets } from '../../core/filters/filters-targeting.ts';
import { expiryRequeueMs } from '../../core/filters/expiry.ts';
import { ISTIO_FILTER, ROUTER } from '../scheme.ts';
import type { Cache, KubeObject, ReconcileResult, Reconciler } from '../../kube/types.ts';
import { conditionList } from '../reconcile/conditions.ts';
import { REJECTED_BY_SERVER, routingWithRejections } from '../router/routing-with-rejections.ts';
import { processRejections, type ServerRejections } from '../router/server-rejections.ts';
import { detachedStatus, resultStatus } from './filter-status.ts';

export interface FilterReconcilerOptions {
  /** What the API server refused, recorded by the Router reconcile (default: the process's one). */
  rejections?: ServerRejections;
}

const DONE: ReconcileResult = { kind: 'done' };

/**
 * The IstioFilter reconcile: reports where the filter sits in its Router's chain and what became
 * of its patches (Applied, Skipped, Expired), Pending when no Router matches its target, Invalid
 * (terminal) when its spec fails the schema. It computes the same layering the Router reconcile
 * does — including the filters the API server refused, which the Router reconcile records in
 * `rejections` (Skipped, with the server's message) — but writes only this filter's status: the
 * Router reconcile is the one writer of VS/DR. Until the Router reconcile has applied the Router's
 * current generation in this process (after a restart), a filter whose status reports a refusal
 * of its current generation keeps it. A filter that will expire asks to be re-run just after
 * `spec.expiresAt`.
 */
export function filterReconciler(options: FilterReconcilerOptions = {}): Reconciler {
  const rejections = options.rejections ?? processRejections;
  return async (key, ctx) => {
    const object = ctx.cache.get(ISTIO_FILTER, key);
    if (!object || object.metadata.deletionTimestamp !== undefined) return DONE;
    const previous = istioFilterStatus.safeParse(object.status ?? {});
    const input = { generation: object.metadata.generation, previous: previous.success ? previous.data : undefined, now: ctx.now() };
    const parsed = istioFilter.safeParse(object);
    if (!parsed.success) {
      const message = specProblemOf(parsed.error, object).message;
      await ctx.updateStatus(ISTIO_FILTER, key, detachedStatus(input, 'Invalid', message));
      return { kind: 'terminal', reason: message };
    }
    const filter = parsed.data;
    const target = targetRouter(filter, ctx.cache);
    if (typeof target === 'string') {
      await ctx.updateStatus(ISTIO_FILTER, key, detachedStatus(input, 'Pending', target));
      return DONE;
    }
    const verdicts = rejections.filters(target);
    if (verdicts === undefined && refusedBefore(object)) return untilExpiry(filter, input.now);
    let results;
    try {
      results = routingWithRejections(target, ctx.cache.list(ISTIO_FILTER, key.namespace), input.now, verdicts).results;
    } catch (err) {
      if (!(err instanceof RenderError)) throw err;
      await ctx.updateStatus(ISTIO_FILTER, key, detachedStatus(input, 'Pending', `Router ${target.metadata.name} cannot be rendered: ${err.message}`));
      return DONE;
    }
    const result = results.find((r) => r.name === key.name && r.namespace === key.namespace);
    if (!result) throw new Error(`IstioFilter ${key.namespace}/${key.name} targets Router ${target.metadata.name} but is missing from its chain`);
    await ctx.updateStatus(ISTIO_FILTER, key, resultStatus(input, target.metadata.name, result));
    return untilExpiry(filter, input.now);
  };
}

/**
 * The Router the filter patches (`filterTargets`), or why there is none (a Pending message). A
 * name target is looked up by key; of several Routers sharing a host, the first by name.
 */
function targetRouter(filter: IstioFilter, cache: Cache): Router | string {
  const namespace = filter.metadata.namespace ?? DEFAULT_NAMESPACE;
  const { router: name, host } = filter.spec.target;
  const candidates: KubeObject[] = name !== undefined
    ? [cache.get(ROUTER, { namespace, name })].filter((r): r is KubeObject => r !== undefined)
    : cache.list(ROUTER, namespace).filter((r) => filterTargets(filter, r)).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  const found = candidates.find((r) => r.metadata.deletionTimestamp === undefined);
  const wanted = name !== undefined ? `Router ${name}` : `a Router with host ${host ?? ''}`;
  if (!found) return `waiting for ${wanted} in namespace ${namespace}`;
  const parsed = routerSchema.safeParse(found);
  if (!parsed.success) return `Router ${found.metadata.name} is invalid: ${specProblemOf(parsed.error, found).message}`;
  return parsed.data;
}

/** The filter's status reports that the API server refused its current generation. */
function refusedBefore(object: KubeObject): boolean {
  const ready = conditionList(object.status).find((c) => c.type === 'Ready');
  return ready?.reason === REJECTED_BY_SERVER && ready.observedGeneration === object.metadata.generation;
}

/** Re-run just after the filter expires (`expiryRequeueMs`); done when it has expired or never will. */
function untilExpiry(filter: IstioFilter, now: Date): ReconcileResult {
  const ms = expiryRequeueMs([filter], now);
  return ms === undefined ? DONE : { kind: 'requeueAfter', ms };
}
