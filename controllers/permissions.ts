import { kindInfo } from '../kube/kinds.ts';
import { ENVOY_FILTER, EVENT, LEASE, RATE_LIMIT, ROUTER, SERVICE } from './scheme.ts';

/** Kinds whose generated objects point back at them with a controller ownerReference. */
const OWNER_KINDS = [ROUTER, RATE_LIMIT];
import { watchedKinds } from '../kube/manager.ts';
import type { ControllerSpec, KindRef } from '../kube/types.ts';

/** One RBAC grant: API group, resource (incl. subresource) and verb. */
export interface Permission {
  group: string;
  resource: string;
  verb: string;
}

const groupOf = (kind: KindRef): string => (kind.apiVersion.includes('/') ? kind.apiVersion.split('/')[0] ?? '' : '');

/**
 * The API calls the controllers make, derived from their ControllerSpecs and the runtime's kinds
 * table, plus the calls the runtime makes on its own. deploy/rbac.yaml must grant exactly these
 * (test/rbac.test.ts): every watched kind is listed and watched; every kind Switchyard generates
 * is read directly once when the cache has no managed object of that name (conflict detection),
 * then server-side applied (PATCH, and create on first apply); primaries get their status
 * patched; owners' finalizers are updatable (blockOwnerDeletion); events are created and patched (series); EnvoyFilters a RateLimit no longer renders are
 * deleted, and so is a Router's Service when `ownService` is turned off; a RateLimit reads the Service its host names
 * (a hand-written one is not in the cache, so it is one GET); the leader-election Lease is read, created and updated.
 */
export function requiredPermissions(controllers: ControllerSpec[]): Permission[] {
  const perms = new Map<string, Permission>();
  const add = (kind: KindRef, verb: string, sub = ''): void => {
    const resource = kindInfo(kind).plural + (sub ? `/${sub}` : '');
    perms.set(`${groupOf(kind)}|${resource}|${verb}`, { group: groupOf(kind), resource, verb });
  };
  for (const kind of watchedKinds(controllers)) {
    for (const verb of ['get', 'list', 'watch']) add(kind, verb);
    if (kindInfo(kind).managedOnly) for (const verb of ['create', 'patch']) add(kind, verb);
  }
  for (const c of controllers) add(c.primary, 'patch', 'status');
  // Generated objects carry ownerReferences with blockOwnerDeletion; clusters running the
  // OwnerReferencesPermissionEnforcement admission plugin (OpenShift does) require update on the
  // owner's finalizers for that, or every create is refused.
  for (const owner of OWNER_KINDS) add(owner, 'update', 'finalizers');
  for (const verb of ['create', 'patch']) add(EVENT, verb);
  add(ENVOY_FILTER, 'delete');
  add(SERVICE, 'delete');
  add(SERVICE, 'get');
  return [...perms.values()].sort((a, b) => `${a.group}|${a.resource}|${a.verb}`.localeCompare(`${b.group}|${b.resource}|${b.verb}`));
}

/** The Lease verbs of leader election (namespaced Role in Switchyard's own namespace). */
export const LEADER_ELECTION_PERMISSIONS: Permission[] = ['create', 'get', 'update'].map((verb) => ({ group: groupOf(LEASE), resource: kindInfo(LEASE).plural, verb }));
