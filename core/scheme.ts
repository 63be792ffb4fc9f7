import { API_VERSION } from '../api/meta.ts';
import { ISTIO_NETWORKING, ISTIO_NETWORKING_ALPHA, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from './istio/types.ts';

/**
 * Switchyard's kinds as plain data: what the Kubernetes runtime (kube/) must be told before it can
 * list, watch or apply them. The runtime knows no Switchyard kind; the controller process and the
 * rate-limit service register these (`registerKinds`, `setOwnership`), as controller-runtime
 * callers register a Scheme.
 */

/** `apiVersion` + `kind`: identifies a kind (structurally the runtime's KindRef). */
export interface KindName {
  apiVersion: string;
  kind: string;
}

export const ROUTER = { apiVersion: API_VERSION, kind: 'Router' } as const satisfies KindName;
export const ISTIO_FILTER = { apiVersion: API_VERSION, kind: 'IstioFilter' } as const satisfies KindName;
export const RATE_LIMIT = { apiVersion: API_VERSION, kind: 'RateLimit' } as const satisfies KindName;
export const VIRTUAL_SERVICE = { apiVersion: ISTIO_NETWORKING, kind: 'VirtualService' } as const satisfies KindName;
export const DESTINATION_RULE = { apiVersion: ISTIO_NETWORKING, kind: 'DestinationRule' } as const satisfies KindName;
export const ENVOY_FILTER = { apiVersion: ISTIO_NETWORKING_ALPHA, kind: 'EnvoyFilter' } as const satisfies KindName;

/** How the runtime treats one kind (structurally kube/kinds.ts `registerKinds` input; see `KindInfo` there). */
export interface KindRegistration {
  kind: KindName;
  info: {
    plural: string;
    /** Generated kinds: watched through the ownership label only, so caches hold only our objects. */
    managedOnly: boolean;
    specCompare: 'exact' | 'subset';
  };
}

const custom = (kind: KindName, plural: string): KindRegistration => ({ kind, info: { plural, managedOnly: false, specCompare: 'exact' } });
const generated = (kind: KindName, plural: string): KindRegistration => ({ kind, info: { plural, managedOnly: true, specCompare: 'exact' } });

/** The three custom resources and the Istio kinds Switchyard generates. */
export const SWITCHYARD_KINDS: readonly KindRegistration[] = [
  custom(ROUTER, 'routers'),
  custom(ISTIO_FILTER, 'istiofilters'),
  custom(RATE_LIMIT, 'ratelimits'),
  generated(VIRTUAL_SERVICE, 'virtualservices'),
  generated(DESTINATION_RULE, 'destinationrules'),
  generated(ENVOY_FILTER, 'envoyfilters'),
];

/**
 * Switchyard's ownership policy: the label that marks an object as Switchyard's (the runtime never
 * changes or deletes anything else), the field manager of its writes, its name in messages.
 */
export const OWNERSHIP = { owner: 'Switchyard', label: { key: MANAGED_BY_LABEL, value: MANAGED_BY_VALUE }, fieldManager: 'switchyard' } as const;
