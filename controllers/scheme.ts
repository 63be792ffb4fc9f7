import { OWNERSHIP, SWITCHYARD_KINDS } from '../core/scheme.ts';
import { registerKinds } from '../kube/kinds.ts';
import { setOwnership } from '../kube/ownership.ts';

/**
 * Tells the runtime about Switchyard's kinds and ownership policy. Importing this module registers
 * them, so every controller module that names a kind through it can reach the kind.
 */
registerKinds(SWITCHYARD_KINDS);
setOwnership(OWNERSHIP);

export { DESTINATION_RULE, ENVOY_FILTER, ISTIO_FILTER, RATE_LIMIT, ROUTER, VIRTUAL_SERVICE } from '../core/scheme.ts';
export { EVENT, LEASE, NAMESPACE, SERVICE, resourcePath } from '../kube/kinds.ts';
