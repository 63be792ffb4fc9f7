import { SWITCHYARD_KINDS } from '../../core/scheme.ts';
import { registerKinds } from '../../kube/kinds.ts';

/**
 * Tells the runtime (kube/) about Switchyard's kinds so the operator tooling can list and watch
 * them. Importing this module registers them (the same registration the controllers make, so
 * both may run in one process).
 */
registerKinds(SWITCHYARD_KINDS);

export { DESTINATION_RULE, ISTIO_FILTER, RATE_LIMIT, ROUTER, VIRTUAL_SERVICE } from '../../core/scheme.ts';
export { SERVICE, resourcePath } from '../../kube/kinds.ts';
