import { API_VERSION } from '../api/meta.ts';
import { ISTIO_NETWORKING, ISTIO_NETWORKING_ALPHA } from '../core/istio/types.ts';
import type { KindRef, ObjectKey } from './types.ts';

/** The KindRefs the runtime knows how to reach; reconcilers import these instead of spelling them. */
export const ROUTER: KindRef = { apiVersion: API_VERSION, kind: 'Router' };
export const ISTIO_FILTER: KindRef = { apiVersion: API_VERSION, kind: 'IstioFilter' };
export const RATE_LIMIT: KindRef = { apiVersion: API_VERSION, kind: 'RateLimit' };
export const VIRTUAL_SERVICE: KindRef = { apiVersion: ISTIO_NETWORKING, kind: 'VirtualService' };
export const DESTINATION_RULE: KindRef = { apiVersion: ISTIO_NETWORKING, kind: 'DestinationRule' };
export const ENVOY_FILTER: KindRef = { apiVersion: ISTIO_NETWORKING_ALPHA, kind: 'EnvoyFilter' };
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
   * Objects Switchyard generates are watched with the managed-by label selector only, which keeps
   * the caches bounded to our own objects instead of every Service in the cluster.
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

const KIND_INFO: Record<string, KindInfo> = {
  [id(ROUTER)]: { plural: 'routers', managedOnly: false, specCompare: 'exact' },
  [id(ISTIO_FILTER)]: { plural: 'istiofilters', managedOnly: false, specCompare: 'exact' },
  [id(RATE_LIMIT)]: { plural: 'ratelimits', managedOnly: false, specCompare: 'exact' },
  [id(VIRTUAL_SERVICE)]: { plural: 'virtualservices', managedOnly: true, specCompare: 'exact' },
  [id(DESTINATION_RULE)]: { plural: 'destinationrules', managedOnly: true, specCompare: 'exact' },
  [id(ENVOY_FILTER)]: { plural: 'envoyfilters', managedOnly: true, specCompare: 'exact' },
  [id(SERVICE)]: { plural: 'services', managedOnly: true, specCompare: 'subset' },
  [id(LEASE)]: { plural: 'leases', managedOnly: false, specCompare: 'exact' },
  [id(EVENT)]: { plural: 'events', managedOnly: false, specCompare: 'exact' },
  [id(NAMESPACE)]: { plural: 'namespaces', managedOnly: false, specCompare: 'exact', clusterScoped: true },
  [id(CRD)]: { plural: 'customresourcedefinitions', managedOnly: false, specCompare: 'exact', clusterScoped: true },
  'v1/ServiceAccount': { plural: 'serviceaccounts', managedOnly: false, specCompare: 'exact' },
  'rbac.authorization.k8s.io/v1/ClusterRole': { plural: 'clusterroles', managedOnly: false, specCompare: 'exact', clusterScoped: true },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { plural: 'clusterrolebindings', managedOnly: false, specCompare: 'exact', clusterScoped: true },
  'rbac.authorization.k8s.io/v1/Role': { plural: 'roles', managedOnly: false, specCompare: 'exact' },
  'rbac.authorization.k8s.io/v1/RoleBinding': { plural: 'rolebindings', managedOnly: false, specCompare: 'exact' },
  // The live-mesh harness registers loopback backends and the gateway through these.
  [`${ISTIO_NETWORKING}/Gateway`]: { plural: 'gateways', managedOnly: false, specCompare: 'exact' },
  [`${ISTIO_NETWORKING}/ServiceEntry`]: { plural: 'serviceentries', managedOnly: false, specCompare: 'exact' },
  [`${ISTIO_NETWORKING}/WorkloadEntry`]: { plural: 'workloadentries', managedOnly: false, specCompare: 'exact' },
  [`${ISTIO_NETWORKING}/Sidecar`]: { plural: 'sidecars', managedOnly: false, specCompare: 'exact' },
  'security.istio.io/v1/PeerAuthentication': { plural: 'peerauthentications', managedOnly: false, specCompare: 'exact' },
};

/** `apiVersion/kind`, the identity of a KindRef. */
export function id(kind: KindRef): string {
  return `${kind.apiVersion}/${kind.kind}`;
}

/** What the runtime knows about a kind; throws naming the kind when it is not one of ours. */
export function kindInfo(kind: KindRef): KindInfo {
  const info = KIND_INFO[id(kind)];
  if (!info) throw new Error(`kind ${id(kind)} is not known to the runtime; known: ${Object.keys(KIND_INFO).sort().join(', ')}`);
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
