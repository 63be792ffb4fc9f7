import { DEFAULT_NAMESPACE } from '../../api/meta.ts';
import { OWNER_LABEL } from '../../core/istio/types.ts';
import { DESTINATION_RULE, ISTIO_FILTER, ROUTER, SERVICE, VIRTUAL_SERVICE } from '../scheme.ts';
import type { Cache, ControllerSpec, KubeObject, ObjectKey } from '../../kube/types.ts';
import { routerReconciler, type RouterReconcilerOptions } from './reconcile-router.ts';
import { filterTarget, filterTargets } from '../../core/filters/filters-targeting.ts';
import { ANY_VIRTUAL_SERVICE, unmanagedVsRouterKeys } from './unmanaged-virtual-services.ts';

export interface RouterControllerOptions extends RouterReconcilerOptions {
  /** Routers reconciled in parallel (default 16); one Router never runs twice at once. */
  concurrency?: number;
}

/**
 * Routers wait out a settle delay per step, mostly idle, so many can progress at once; the API
 * server write rate, not CPU, bounds this.
 */
export const DEFAULT_ROUTER_CONCURRENCY = 16;

const OWNER_PREFIX = 'router.';

/**
 * The Router controller: reconciles Routers, and re-reconciles one when its generated VS, DR or
 * Service changes (someone edited or deleted it), when an IstioFilter targeting it changes, or
 * when a VirtualService Switchyard does not manage that routes to its host changes (a held prune).
 */
export function routerController(options: RouterControllerOptions = {}): ControllerSpec {
  return {
    name: 'router',
    primary: ROUTER,
    watches: [
      { kind: VIRTUAL_SERVICE, map: ownerRouterKeys },
      { kind: DESTINATION_RULE, map: ownerRouterKeys },
      { kind: SERVICE, map: ownerRouterKeys },
      { kind: ISTIO_FILTER, map: filterTargetRouterKeys },
      { kind: ANY_VIRTUAL_SERVICE, map: unmanagedVsRouterKeys },
    ],
    reconcile: routerReconciler(options),
    concurrency: options.concurrency ?? DEFAULT_ROUTER_CONCURRENCY,
  };
}

/** The Router that generated `obj`: its controller ownerReference, else its `switchyard.io/owner: router.<name>` label. */
export function ownerRouterKeys(obj: KubeObject): ObjectKey[] {
  const namespace = obj.metadata.namespace ?? DEFAULT_NAMESPACE;
  const ref = obj.metadata.ownerReferences?.find((r) => r.kind === ROUTER.kind && r.apiVersion === ROUTER.apiVersion);
  if (ref) return [{ namespace, name: ref.name }];
  const label = obj.metadata.labels?.[OWNER_LABEL];
  if (label?.startsWith(OWNER_PREFIX)) return [{ namespace, name: label.slice(OWNER_PREFIX.length) }];
  return [];
}

/**
 * The Routers an IstioFilter patches (`filterTargets`): the Router `spec.target.router` names,
 * and every cached Router of its namespace the filter targets. Reads the filter leniently: a
 * filter failing its schema still maps, so the Router drops it from the chain when it turns invalid.
 */
export function filterTargetRouterKeys(obj: KubeObject, cache: Cache): ObjectKey[] {
  const namespace = obj.metadata.namespace ?? DEFAULT_NAMESPACE;
  const target = filterTarget(obj);
  const keys: ObjectKey[] = target.router === undefined ? [] : [{ namespace, name: target.router }];
  // Only a host target needs the scan; a name target is mapped without a lookup.
  if (target.host === undefined) return keys;
  for (const r of cache.list(ROUTER, namespace)) {
    if (filterTargets(obj, r) && !keys.some((k) => k.name === r.metadata.name)) keys.push({ namespace, name: r.metadata.name });
  }
  return keys;
}
