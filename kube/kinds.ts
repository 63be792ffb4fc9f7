import type { KindRef, ObjectKey } from './types.ts';

/** Kubernetes' own kinds the runtime uses itself (Service, Lease, Event) or applies on a user's behalf. */
export const SERVICE: KindRef = { apiVersion: 'v1', kind: 'Service' };
export const LEASE: KindRef = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' };
export const EVENT: KindRef = { apiVersion: 'v1', kind: 'Event' };
/** Kinds only ever applied on a user's behalf (bootstrap: the demo, tests, benchmarks); never watched. */
export const NAMESPACE: KindRef = { apiVersion: 'v1', kind: 'Namespace' };
export const CRD: KindRef = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' };

/** How the runtime treats one kind. */
export interface KindInfo {
  plural: string;
  /**
   * Generated objects are watched with the ownership label selector only (kube/ownership.ts), which
   * keeps the caches bounded to the caller's own objects instead of every Service in the cluster.
   */
  managedOnly: boolean;
  /**
   * `exact`: the live spec must equal the desired spec (CRDs without server-side defaults).
   * `subset`: every desired field must match, extra live fields are ignored — needed for kinds the
   * API server defaults (a Service gains clusterIP, ipFamilies, ports[].protocol…), which would
   * otherwise never compare equal and be rewritten on every resync.
   */
  specCompare: 'exact' | 'subset';
  /** Cluster-scoped kinds have no namespace in their path. */
  clusterScoped?: true;
}

/**
 * The kinds the runtime can reach: Kubernetes' own here; callers add theirs with registerKinds
 * (custom resources, Istio kinds), the way controller-runtime callers build a Scheme.
 */
const KIND_INFO = new Map<string, KindInfo>([
  [id(SERVICE), { plural: 'services', managedOnly: true, specCompare: 'subset' }],
  [id(LEASE), { plural: 'leases', managedOnly: false, specCompare: 'exact' }],
  [id(EVENT), { plural: 'events', managedOnly: false, specCompare: 'exact' }],
  [id(NAMESPACE), { plural: 'namespaces', managedOnly: false, specCompare: 'exact', clusterScoped: true }],
  [id(CRD), { plural: 'customresourcedefinitions', managedOnly: false, specCompare: 'exact', clusterScoped: true }],
  ['v1/ServiceAccount', { plural: 'serviceaccounts', managedOnly: false, specCompare: 'exact' }],
  ['rbac.authorization.k8s.io/v1/ClusterRole', { plural: 'clusterroles', managedOnly: false, specCompare: 'exact', clusterScoped: true }],
  ['rbac.authorization.k8s.io/v1/ClusterRoleBinding', { plural: 'clusterrolebindings', managedOnly: false, specCompare: 'exact', clusterScoped: true }],
  ['rbac.authorization.k8s.io/v1/Role', { plural: 'roles', managedOnly: false, specCompare: 'exact' }],
  ['rbac.authorization.k8s.io/v1/RoleBinding', { plural: 'rolebindings', managedOnly: false, specCompare: 'exact' }],
]);

/**
 * Adds kinds to the runtime. Registering a kind again with the same info is a no-op; with a
 * different one it throws naming the kind (two callers disagreeing is a programming error).
 */
export function registerKinds(kinds: readonly { kind: KindRef; info: KindInfo }[]): void {
  for (const { kind, info } of kinds) {
    const known = KIND_INFO.get(id(kind));
    if (known && JSON.stringify(known) !== JSON.stringify(info)) throw new Error(`kind ${id(kind)} is already registered with ${JSON.stringify(known)}; refusing ${JSON.stringify(info)}`);
    KIND_INFO.set(id(kind), { ...info });
  }
}

/** `apiVersion/kind`, the identity of a KindRef. */
export function id(kind: KindRef): string {
  return `${kind.apiVersion}/${kind.kind}`;
}

/** What the runtime knows about a kind; throws naming the kind when it is not one of ours. */
export function kindInfo(kind: KindRef): KindInfo {
  const info = KIND_INFO.get(id(kind));
  if (!info) throw new Error(`kind ${id(kind)} is not registered with the runtime (registerKinds); known: ${[...KIND_INFO.keys()].sort().join(', ')}`);
  return info;
}

/**
 * The REST path of a kind's collection (namespace given) or of one object (name given too).
 * Core kinds (`v1`) live under /api, every group under /apis.
 */
export function resourcePath(kind: KindRef, namespace?: string, name?: string): string {
  const root = kind.apiVersion.includes('/') ? `/apis/${kind.apiVersion}` : `/api/${kind.apiVersion}`;
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const obj = name ? `/${encodeURIComponent(name)}` : '';
  return `${root}${ns}/${kindInfo(kind).plural}${obj}`;
}

/** `namespace/name`, the queue and store key of an object. */
export function keyString(key: ObjectKey): string {
  return `${key.namespace}/${key.name}`;
}

/** Inverse of keyString; throws naming the value when it has no `/`. */
export function parseKey(key: string): ObjectKey {
  const slash = key.indexOf('/');
  if (slash < 0) throw new Error(`queue key must be "namespace/name", got "${key}"`);
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
