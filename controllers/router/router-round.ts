import type { Router } from '../../api/router.ts';
import type { PropagationDefaults } from '../../core/router/propagation-policy.ts';
import type { RouterRouting } from '../../core/router/router-routing.ts';
import type { KubeObject, ObjectKey, ReconcileContext } from '../../kube/types.ts';
import type { RenderedRouter, StatusInput } from './router-status.ts';
import type { ConfirmedSteps } from './verify/confirmed-steps.ts';
import type { PropagationVerifier } from './verify/istiod-verifier.ts';

/** One reconcile's view of its Router. */
export interface Round {
  key: ObjectKey;
  ctx: ReconcileContext;
  object: KubeObject;
  router: Router;
  routing: RouterRouting;
  input: StatusInput;
  defaults: PropagationDefaults;
  verifier: PropagationVerifier | undefined;
  confirmed: ConfirmedSteps;
}

/** What every status of this rendered Router carries (spec and base objects). */
export function renderedRouter(round: Round): RenderedRouter {
  return { spec: round.router.spec, objects: round.routing.base };
}
