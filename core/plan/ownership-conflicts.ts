import { DEFAULT_NAMESPACE } from '../../api/meta.ts';
import { isManaged } from '../istio/ownership.ts';

/** What ownership needs to know of a rendered or a live object. */
export interface ObjectIdentity {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
}

/** Finds the live object of a kind, namespace and name; undefined when there is none. */
export type LiveLookup = (kind: string, namespace: string, name: string) => ObjectIdentity | undefined;

/** A live object Switchyard would overwrite though it does not manage it. */
export interface OwnershipConflict {
  kind: string;
  namespace: string;
  name: string;
  /** The controller's words for it (status Conflict and the Warning event). */
  message: string;
}

/**
 * The Router controller's Conflict message: controllers/reconcile/apply-owned.ts (OwnershipConflict)
 * followed by the advice reconcile-router.ts adds. The CLI prints it verbatim, so both say the same.
 */
export function conflictMessage(object: { kind: string; namespace: string; name: string }): string {
  return `${object.kind} ${object.namespace}/${object.name} already exists and is not managed by Switchyard; set spec.adopt: true to take it over`;
}

/**
 * The live objects that writing `rendered` would overwrite although they are not Switchyard's (no
 * `app.kubernetes.io/managed-by: switchyard` label, see isManaged). The controller writes none of
 * them and reports the first as status Conflict; with `adopt` (the Router's `spec.adopt: true`) it
 * takes them over, so there is no conflict. In `rendered` order, which is the controller's write
 * order (Service, DestinationRule, VirtualService), so the first is the one it reports.
 */
export function ownershipConflicts(rendered: readonly ObjectIdentity[], live: LiveLookup, adopt: boolean): OwnershipConflict[] {
  if (adopt) return [];
  return rendered.flatMap((object) => {
    const namespace = object.metadata.namespace ?? DEFAULT_NAMESPACE;
    const existing = live(object.kind, namespace, object.metadata.name);
    if (!existing || isManaged(existing.metadata)) return [];
    const identity = { kind: object.kind, namespace, name: object.metadata.name };
    return [{ ...identity, message: conflictMessage(identity) }];
  });
}
