import { ISTIO_NETWORKING } from '../core/istio/types.ts';
import { registerKinds } from '../kube/kinds.ts';

/**
 * Istio kinds the live-mesh harness applies on a user's behalf (the gateway, loopback backends as
 * ServiceEntry + WorkloadEntries, the sidecar-style proxy's Sidecar, plaintext PeerAuthentication).
 * The product never touches them, so only the harness registers them. Importing registers them.
 */
const userKind = (apiVersion: string, kind: string, plural: string) => ({ kind: { apiVersion, kind }, info: { plural, managedOnly: false, specCompare: 'exact' as const } });

registerKinds([
  userKind(ISTIO_NETWORKING, 'Gateway', 'gateways'),
  userKind(ISTIO_NETWORKING, 'ServiceEntry', 'serviceentries'),
  userKind(ISTIO_NETWORKING, 'WorkloadEntry', 'workloadentries'),
  userKind(ISTIO_NETWORKING, 'Sidecar', 'sidecars'),
  userKind('security.istio.io/v1', 'PeerAuthentication', 'peerauthentications'),
]);
