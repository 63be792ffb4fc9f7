import type { IstioFilter } from '../../api/istio-filter.ts';
import type { Router } from '../../api/router.ts';
import { DEFAULT_NAMESPACE, filterNamespace } from './sort-filters.ts';

/** The host a Router routes: `spec.host`, or the cluster-local name of its Service. */
function hostOf(router: Router): string {
  const namespace = router.metadata.namespace ?? DEFAULT_NAMESPACE;
  return router.spec.host ?? `${router.metadata.name}.${namespace}.svc.cluster.local`;
}

/**
 * The filters that patch this Router's VirtualService/DestinationRule: same namespace, and
 * `spec.target.router` equal to the Router's name or `spec.target.host` equal to its host.
 * Order is kept; `layerFilters` sorts.
 */
export function filtersTargeting(router: Router, filters: readonly IstioFilter[]): IstioFilter[] {
  const namespace = router.metadata.namespace ?? DEFAULT_NAMESPACE;
  const host = hostOf(router);
  return filters.filter((f) => {
    if (filterNamespace(f) !== namespace) return false;
    const target = f.spec.target;
    return target.router === router.metadata.name || (target.host !== undefined && target.host === host);
  });
}
