import { DEFAULT_NAMESPACE } from '../api/meta.ts';
import type { Router } from '../api/router.ts';
import type { RenderedObject } from '../core/istio/types.ts';
import { ownershipConflicts, type ObjectIdentity } from '../core/plan/ownership-conflicts.ts';
import type { Resources } from './classify.ts';

/** The kinds a Router writes under its own name (the Service only with `spec.ownService`). */
const ROUTER_KINDS = new Set(['Service', 'DestinationRule', 'VirtualService']);

const idOf = (kind: string, namespace: string, name: string): string => `${kind} ${namespace}/${name}`;

/**
 * The Conflicts the Router controller would report for these Routers against the live objects:
 * a live Service, DestinationRule or VirtualService of a Router's name that Switchyard does not
 * manage, unless the Router has `spec.adopt: true`. One line per conflict, the controller's
 * message followed by where the live object was read.
 */
export function planConflicts(routers: readonly Router[], rendered: readonly RenderedObject[], live: Resources): string[] {
  const byId = new Map<string, ObjectIdentity & object>();
  for (const o of [...live.services, ...live.destinationRules, ...live.virtualServices]) {
    byId.set(idOf(o.kind, o.metadata.namespace ?? DEFAULT_NAMESPACE, o.metadata.name), o);
  }
  const lookup = (kind: string, namespace: string, name: string): ObjectIdentity | undefined => byId.get(idOf(kind, namespace, name));
  return routers.flatMap((router) => {
    const namespace = router.metadata.namespace ?? DEFAULT_NAMESPACE;
    const name = router.metadata.name;
    const own = rendered.filter((o) => ROUTER_KINDS.has(o.kind) && o.metadata.namespace === namespace && o.metadata.name === name);
    return ownershipConflicts(own, lookup, router.spec.adopt === true).map((c) => {
      const found = byId.get(idOf(c.kind, c.namespace, c.name));
      const origin = found === undefined ? undefined : live.origins.get(found);
      return `Router ${namespace}/${name}: Conflict: ${c.message}${origin === undefined ? '' : ` (live object at ${origin})`}`;
    });
  });
}
