import { DEFAULT_NAMESPACE } from '../../api/meta.ts';
import { isManaged } from '../../core/istio/ownership.ts';
import { destinations, resolveHost, type ListedVirtualService } from '../../core/plan/prune-holds.ts';
import { routerHost } from '../../core/router/router-host.ts';
import { registerKinds } from '../../kube/kinds.ts';
import type { Cache, KubeObject, ObjectKey } from '../../kube/types.ts';
import { ROUTER } from '../scheme.ts';

/**
 * Every VirtualService the controller can see, Switchyard's or not. The runtime keeps one informer
 * per kind reference, and watches `networking.istio.io/v1` VirtualServices through the ownership
 * label only (generated kinds are `managedOnly`, which keeps that cache to our own objects). This
 * second view names another served version of the same CRD — `v1beta1`: the same objects, the
 * same schema — registered without the label selector, so the Router controller hears about
 * hand-written VirtualServices too (the prune hold, `prune-hold.ts`). It holds every
 * VirtualService of the watched namespaces in memory once more: a few KB each.
 */
export const ANY_VIRTUAL_SERVICE = { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService' } as const;

registerKinds([{ kind: ANY_VIRTUAL_SERVICE, info: { plural: 'virtualservices', managedOnly: false, specCompare: 'exact' } }]);

export type CachedVirtualService = KubeObject & ListedVirtualService;

/** The VirtualServices of every watched namespace that Switchyard does not manage, from the cache. */
export function unmanagedVirtualServices(cache: Cache): CachedVirtualService[] {
  return cache.list<CachedVirtualService>(ANY_VIRTUAL_SERVICE).filter((vs) => !isManaged(vs.metadata) && typeof vs.spec === 'object' && vs.spec !== null);
}

/**
 * The Routers whose host an unmanaged VirtualService routes or mirrors to, so a prune held for it
 * is looked at again when it changes or goes. Switchyard's own VirtualServices map nothing here
 * (they reach their Router through `ownerRouterKeys`).
 */
export function unmanagedVsRouterKeys(obj: KubeObject, cache: Cache): ObjectKey[] {
  if (isManaged(obj.metadata) || typeof obj.spec !== 'object' || obj.spec === null) return [];
  const namespace = obj.metadata.namespace ?? DEFAULT_NAMESPACE;
  const hosts = new Set<string>();
  for (const d of destinations(obj.spec as ListedVirtualService['spec'])) if (typeof d.host === 'string') hosts.add(resolveHost(d.host, namespace));
  if (hosts.size === 0) return [];
  return cache
    .list(ROUTER)
    .filter((r) => hosts.has(routerHost({ metadata: r.metadata, spec: { host: hostOverride(r) } })))
    .map((r) => ({ namespace: r.metadata.namespace ?? DEFAULT_NAMESPACE, name: r.metadata.name }));
}

/** A cached Router's `spec.host`, read leniently (the schema is checked by its reconcile). */
function hostOverride(router: KubeObject): string | undefined {
  const host = (router.spec as { host?: unknown } | undefined)?.host;
  return typeof host === 'string' ? host : undefined;
}
