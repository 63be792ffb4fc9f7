/**
 * The slices of Istio's networking API (networking.istio.io/v1) and of Kubernetes objects that
 * Switchyard renders. Field names follow the Istio API reference; unknown fields pass through.
 */

export const ISTIO_NETWORKING = 'networking.istio.io/v1';
export const ISTIO_NETWORKING_ALPHA = 'networking.istio.io/v1alpha3';
/** Istio's reserved gateway name for sidecars (in-mesh callers). */
export const MESH_GATEWAY = 'mesh';

export interface Metadata {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface StringMatchIstio {
  exact?: string;
  prefix?: string;
  regex?: string;
}

export interface HTTPMatchRequest {
  name?: string;
  uri?: StringMatchIstio;
  headers?: Record<string, StringMatchIstio>;
  sourceLabels?: Record<string, string>;
  gateways?: string[];
  port?: number;
}

export interface Destination {
  host: string;
  subset?: string;
  port?: { number: number };
}

export interface HTTPRouteDestination {
  destination: Destination;
  weight?: number;
  headers?: Headers;
}

export interface HeaderOperations {
  set?: Record<string, string>;
  add?: Record<string, string>;
  remove?: string[];
}

export interface Headers {
  request?: HeaderOperations;
  response?: HeaderOperations;
}

export interface HTTPRoute {
  name?: string;
  match?: HTTPMatchRequest[];
  route?: HTTPRouteDestination[];
  timeout?: string;
  retries?: { attempts: number; perTryTimeout?: string; retryOn?: string };
  fault?: {
    delay?: { fixedDelay: string; percentage?: { value: number } };
    abort?: { httpStatus?: number; grpcStatus?: string; percentage?: { value: number } };
  };
  mirror?: Destination;
  mirrorPercentage?: { value: number };
  mirrors?: { destination: Destination; percentage?: { value: number } }[];
  corsPolicy?: Record<string, unknown>;
  headers?: Headers;
  [extra: string]: unknown;
}

export interface TCPRoute {
  match?: { sourceLabels?: Record<string, string>; port?: number }[];
  route: { destination: Destination; weight?: number }[];
}

export interface VirtualService {
  apiVersion: typeof ISTIO_NETWORKING;
  kind: 'VirtualService';
  metadata: Metadata;
  spec: {
    hosts: string[];
    gateways?: string[];
    http?: HTTPRoute[];
    tcp?: TCPRoute[];
    [extra: string]: unknown;
  };
}

export interface Subset {
  name: string;
  labels: Record<string, string>;
  trafficPolicy?: Record<string, unknown>;
}

export interface DestinationRule {
  apiVersion: typeof ISTIO_NETWORKING;
  kind: 'DestinationRule';
  metadata: Metadata;
  spec: {
    host: string;
    subsets?: Subset[];
    trafficPolicy?: Record<string, unknown>;
    [extra: string]: unknown;
  };
}

export interface Service {
  apiVersion: 'v1';
  kind: 'Service';
  metadata: Metadata;
  spec: {
    selector: Record<string, string>;
    ports: { name: string; port: number; targetPort: number; protocol: 'TCP'; appProtocol?: string }[];
  };
}

export interface EnvoyFilter {
  apiVersion: typeof ISTIO_NETWORKING_ALPHA;
  kind: 'EnvoyFilter';
  metadata: Metadata;
  spec: {
    workloadSelector?: { labels: Record<string, string> };
    configPatches: EnvoyConfigPatch[];
    priority?: number;
  };
}

export interface EnvoyConfigPatch {
  applyTo: string;
  match?: Record<string, unknown>;
  patch: { operation: string; value?: Record<string, unknown> };
}

/** Any object Switchyard renders. */
export type RenderedObject = VirtualService | DestinationRule | Service | EnvoyFilter;

/** Labels on everything Switchyard creates; the controllers only touch objects carrying them. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'switchyard';
/** Names the Router / RateLimit that produced an object. */
export const OWNER_LABEL = 'switchyard.io/owner';
