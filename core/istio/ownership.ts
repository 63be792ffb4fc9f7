import { API_VERSION } from '../../api/meta.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, OWNER_LABEL, type Metadata, type OwnerReference } from './types.ts';

/** What every generated object needs to know about the custom resource that caused it. */
export interface Owner {
  kind: 'Router' | 'RateLimit' | 'IstioFilter';
  name: string;
  namespace: string;
  /** Absent offline (CLI): no ownerReference is rendered then. */
  uid?: string;
}

/** Labels marking an object as Switchyard's, naming the kind and the CR that produced it. */
export function managedLabels(owner: Owner): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [OWNER_LABEL]: `${owner.kind.toLowerCase()}.${owner.name}` };
}

/** The controller ownerReference that lets Kubernetes garbage-collect generated objects. */
export function ownerReference(owner: Owner): OwnerReference[] | undefined {
  if (!owner.uid) return undefined;
  return [{ apiVersion: API_VERSION, kind: owner.kind, name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: true }];
}

/** Metadata of a generated object: same namespace as its owner, labelled and owner-referenced. */
export function generatedMetadata(owner: Owner, name: string = owner.name, namespace: string = owner.namespace): Metadata {
  const refs = namespace === owner.namespace ? ownerReference(owner) : undefined;
  return { name, namespace, labels: managedLabels(owner), ...(refs ? { ownerReferences: refs } : {}) };
}

/** True when the object carries Switchyard's managed-by label (we never touch anything else). */
export function isManaged(meta: { labels?: Record<string, string> } | undefined): boolean {
  return meta?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}
