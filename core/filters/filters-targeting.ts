import type { IstioFilter } from '../../api/istio-filter.ts';
import type { Router } from '../../api/router.ts';
import { routerHost, routerNamespace } from '../router/subset-name.ts';
import { filterNamespace } from './sort-filters.ts';

/**
 * The filters that patch this Router's VirtualService/DestinationRule: same namespace, and
 * `spec.target.router` equal to the Router's name or `spec.target.host` equal to its host.
 * Order is kept; `layerFilters` sorts.
 */
export function filtersTargeting(router: Router, filters: readonly IstioFilter[]): IstioFilter[] {
  const namespace = routerNamespace(router);
  const host = routerHost(router);
  return filters.filter((f) => {
    if (filterNamespace(f) !== namespace) return false;
    const target = f.spec.target;
    return target.router === router.metadata.name || (target.host !== undefined && target.host === host);
  });
}
