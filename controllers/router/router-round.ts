import type { Router } from '../../api/router.ts';
import type { DestinationRule, VirtualService } from '../../core/istio/types.ts';
import type { PropagationDefaults } from '../../core/router/propagation-policy.ts';
import type { KubeObject, ObjectKey, ReconcileContext } from '../../kube/types.ts';
import type { CheckedRouting } from './routing-with-rejections.ts';
import type { RenderedRouter, StatusInput } from './router-status.ts';
import type { ServerRejections } from './server-rejections.ts';
import type { ConfirmedSteps } from './verify/confirmed-steps.ts';
import type { Walk } from './walk-round.ts';
import type { PropagationVerifier } from './verify/istiod-verifier.ts';

/** One reconcile's view of its Router. */
export interface Round {
  key: ObjectKey;
  ctx: ReconcileContext;
  object: KubeObject;
  /** The Router as rendered this round: as declared, or at its walk's current step. */
  router: Router;
  /** The canary walk, when `spec.progression` is set. */
  walk: Walk | undefined;
  /** The Router's routing, less the filters the API server refused. */
  routing: CheckedRouting;
  /** The cached IstioFilters of the Router's namespace the routing was laid out from. */
  filterObjects: readonly KubeObject[];
  input: StatusInput;
  defaults: PropagationDefaults;
  verifier: PropagationVerifier | undefined;
  confirmed: ConfirmedSteps;
  rejections: ServerRejections;
}

/** The live Service, DR and VS of the Router, each read once for this reconcile. */
export interface LiveObjects {
  service: KubeObject | undefined;
  destinationRule: (KubeObject & DestinationRule) | undefined;
  virtualService: (KubeObject & VirtualService) | undefined;
}

/** What every status of this rendered Router carries (spec and base objects). */
export function renderedRouter(round: Round): RenderedRouter {
  return { spec: round.router.spec, objects: round.routing.base };
}
