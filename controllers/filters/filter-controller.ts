import { DEFAULT_NAMESPACE } from '../../api/meta.ts';
import { filterTargetRouterKeys } from '../router/router-controller.ts';
import { filterTargets } from '../../core/filters/filters-targeting.ts';
import { ISTIO_FILTER, ROUTER } from '../scheme.ts';
import type { Cache, ControllerSpec, KubeObject, ObjectKey } from '../../kube/types.ts';
import { filterReconciler, type FilterReconcilerOptions } from './reconcile-filter.ts';

export interface FilterControllerOptions extends FilterReconcilerOptions {
  /** Filters reconciled in parallel (default 4); each reconcile is a pure computation and one status write. */
  concurrency?: number;
}

/** Status writes are cheap and CPU-bound; a few in parallel hide API latency. */
export const DEFAULT_FILTER_CONCURRENCY = 4;

/**
 * The IstioFilter controller. A filter's position and outcome depend on its Router and on every
 * other filter of the same chain, so a change to either re-reconciles every filter of that chain.
 */
export function filterController(options: FilterControllerOptions = {}): ControllerSpec {
  return {
    name: 'istiofilter',
    primary: ISTIO_FILTER,
    watches: [
      { kind: ROUTER, map: (router, cache) => filtersOfRouter(router, cache) },
      { kind: ISTIO_FILTER, map: chainSiblings },
    ],
    reconcile: filterReconciler(options),
    concurrency: options.concurrency ?? DEFAULT_FILTER_CONCURRENCY,
  };
}

/** Every filter of the Router's namespace that targets it (`filterTargets`; schema not checked). */
export function filtersOfRouter(router: KubeObject, cache: Cache): ObjectKey[] {
  const namespace = router.metadata.namespace ?? DEFAULT_NAMESPACE;
  return cache
    .list(ISTIO_FILTER, namespace)
    .filter((f) => filterTargets(f, router))
    .map((f) => ({ namespace, name: f.metadata.name }));
}

/** The other filters in the chains of the Routers this filter targets. */
export function chainSiblings(filter: KubeObject, cache: Cache): ObjectKey[] {
  const keys = new Map<string, ObjectKey>();
  for (const routerKey of filterTargetRouterKeys(filter, cache)) {
    const router = cache.get(ROUTER, routerKey);
    if (!router) continue;
    for (const k of filtersOfRouter(router, cache)) if (k.name !== filter.metadata.name) keys.set(`${k.namespace}/${k.name}`, k);
  }
  return [...keys.values()];
}
