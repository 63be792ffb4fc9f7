import { istioFilter, type IstioFilter } from '../../api/istio-filter.ts';
import type { Router } from '../../api/router.ts';
import { filtersTargeting } from '../filters/filters-targeting.ts';
import { layerFilters, type FilterResult } from '../filters/layer-filters.ts';
import type { DesiredRouting } from '../plan/make-before-break.ts';
import { renderRouter, type RouterObjects } from './render-router.ts';

/** An object as an informer cache holds it: only its deletion mark is read before the schema parse. */
export interface CachedObject {
  metadata: { deletionTimestamp?: string };
}

/** What one Router should look like now: its base objects, the layered pair, and each filter's outcome. */
export interface RouterRouting {
  base: RouterObjects;
  desired: DesiredRouting;
  /** The schema-valid, live filters targeting the Router (invalid ones are reported by their own controller). */
  filters: IstioFilter[];
  results: FilterResult[];
}

/**
 * Renders a Router and layers the IstioFilters targeting it — the one computation both the Router
 * reconcile (which writes the VS/DR) and the IstioFilter reconcile (which reports a filter's
 * outcome) make, so they never disagree. `cachedFilters` may hold any filters of the namespace.
 * @throws RenderError when the Router cannot be rendered.
 */
export function routerRouting(router: Router, cachedFilters: readonly CachedObject[], now: Date): RouterRouting {
  const base = renderRouter(router);
  const filters = filtersTargeting(router, usableFilters(cachedFilters));
  const layered = layerFilters(base, filters, now);
  return {
    base,
    desired: { destinationRule: layered.destinationRule, virtualService: layered.virtualService },
    filters,
    results: layered.results,
  };
}

/**
 * Schema parse of each cached filter object, by identity: every reconcile of a Router reads all
 * filters of its namespace, and parsing them all each time was most of a cold sync's CPU (2,000
 * Routers × hundreds of filters). Caches replace an object on every change, so a stale entry is
 * never hit; null marks a filter failing its schema.
 */
const parsedFilters = new WeakMap<CachedObject, IstioFilter | null>();

/** Filters that parse against the schema and are not being deleted. */
export function usableFilters(objects: readonly CachedObject[]): IstioFilter[] {
  const out: IstioFilter[] = [];
  for (const obj of objects) {
    if (obj.metadata.deletionTimestamp !== undefined) continue;
    let parsed = parsedFilters.get(obj);
    if (parsed === undefined) {
      const result = istioFilter.safeParse(obj);
      parsed = result.success ? result.data : null;
      parsedFilters.set(obj, parsed);
    }
    if (parsed) out.push(parsed);
  }
  return out;
}
