import type { IstioFilter } from '../../api/istio-filter.ts';
import type { Router } from '../../api/router.ts';
import { DEFAULT_NAMESPACE } from '../../api/meta.ts';
import { routerHost } from '../router/router-host.ts';

/**
 * An IstioFilter or a Router as targeting reads it: schema-valid, or as an informer cache holds it
 * (a filter failing its schema must still map to the Routers whose chain it leaves).
 */
export interface TargetingObject {
  metadata: { name: string; namespace?: string };
  spec?: unknown;
}

/** What a filter's `spec.target` names. Exactly one is set on a schema-valid filter. */
export interface FilterTarget {
  router?: string;
  host?: string;
}

/**
 * A filter's `spec.target`, read leniently: a missing or non-string `router`/`host` is undefined.
 * On a schema-valid filter it is `spec.target` itself.
 */
export function filterTarget(filter: TargetingObject): FilterTarget {
  const target = (filter.spec as { target?: { router?: unknown; host?: unknown } } | undefined)?.target;
  return {
    router: typeof target?.router === 'string' ? target.router : undefined,
    host: typeof target?.host === 'string' ? target.host : undefined,
  };
}

/** A Router's host with `spec.host` read leniently (a non-string counts as absent). */
function targetedHost(router: TargetingObject): string {
  const host = (router.spec as { host?: unknown } | undefined)?.host;
  return routerHost({ metadata: router.metadata, spec: { host: typeof host === 'string' ? host : undefined } });
}

/**
 * The one definition of which Router an IstioFilter patches: same namespace, and
 * `spec.target.router` equal to the Router's name or `spec.target.host` equal to its host
 * (`spec.host`, else `<name>.<namespace>.svc.cluster.local`). Both objects are read leniently,
 * so the watch maps can ask it about cached objects that fail their schema.
 */
export function filterTargets(filter: TargetingObject, router: TargetingObject): boolean {
  if ((filter.metadata.namespace ?? DEFAULT_NAMESPACE) !== (router.metadata.namespace ?? DEFAULT_NAMESPACE)) return false;
  const target = filterTarget(filter);
  if (target.router === router.metadata.name) return true;
  return target.host !== undefined && target.host === targetedHost(router);
}

/** The filters that patch this Router (`filterTargets`). Order is kept; `layerFilters` sorts. */
export function filtersTargeting(router: Router, filters: readonly IstioFilter[]): IstioFilter[] {
  return filters.filter((f) => filterTargets(f, router));
}
