/**
 * `kubectl switchyard plan ROUTER`: the make-before-break plan from what the cluster routes now to
 * what the Router and its IstioFilters declare — the same pure computation as the offline
 * `switchyard plan` (render, layer, ownership conflicts, makeBeforeBreakPlan) and the Router
 * controller (routerRouting, planRouter), fed with the live objects instead of files.
 */
import { router as routerSchema, type Router } from '../../api/router.ts';
import type { FilterResult } from '../../core/filters/layer-filters.ts';
import type { DestinationRule, Service, VirtualService } from '../../core/istio/types.ts';
import { ownershipConflicts, type ObjectIdentity, type OwnershipConflict } from '../../core/plan/ownership-conflicts.ts';
import type { RouterPlanText } from '../../core/plan/plan-text.ts';
import { planRouter } from '../../core/plan/router-plan.ts';
import type { ServiceStep } from '../../core/plan/service-step.ts';
import { RenderError } from '../../core/router/render-error.ts';
import { routerRouting } from '../../core/router/router-routing.ts';
import type { ProgressionStatus } from '../../api/progression.ts';
import type { KubeClient } from '../../kube/kube-client.ts';
import { DESTINATION_RULE, SERVICE, VIRTUAL_SERVICE, resourcePath } from './kinds.ts';
import { readFilters, readRouter } from './read-routers.ts';

/** The Router cannot be planned: its spec fails the schema or cannot be rendered, or a live object is not Switchyard's. */
export class PlanRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanRefused';
  }
}

export interface LivePlan {
  /** `namespace/name`. */
  router: string;
  /** The steps as core/plan/plan-text prints them (the walk note included when it applies). */
  text: RouterPlanText;
  /** The Service write (spec.ownService), when the Service is to be created or deleted. */
  service?: ServiceStep;
  /** Each IstioFilter's outcome in the layered result, in chain order. */
  filters: FilterResult[];
  /** The walk in progress (status.progression), when the Router walks a canary. */
  walk?: ProgressionStatus;
  /** The live objects read (absent: none of that name). */
  live: { virtualService?: VirtualService; destinationRule?: DestinationRule; service?: Service };
}

/**
 * Reads the Router, the IstioFilters of its namespace and the live VirtualService,
 * DestinationRule and Service of its name, and plans. Throws RouterNotFoundError, PlanRefused
 * (with every ownership conflict, or the render error), or the API server's error.
 */
export async function livePlan(client: KubeClient, namespace: string, name: string, now: Date = new Date()): Promise<LivePlan> {
  const object = await readRouter(client, namespace, name);
  const parsed = routerSchema.safeParse(object);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlanRefused(`Router ${namespace}/${name}: the spec fails the Router schema at ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const router: Router = parsed.data;
  const [filters, virtualService, destinationRule, service] = await Promise.all([
    readFilters(client, namespace),
    client.find<VirtualService>(resourcePath(VIRTUAL_SERVICE, namespace, name)),
    client.find<DestinationRule>(resourcePath(DESTINATION_RULE, namespace, name)),
    client.find<Service>(resourcePath(SERVICE, namespace, name)),
  ]);
  let routing;
  try {
    routing = routerRouting(router, filters as { metadata: { deletionTimestamp?: string } }[], now);
  } catch (err) {
    if (err instanceof RenderError) throw new PlanRefused(`Router ${namespace}/${name} cannot be rendered: ${err.message}`);
    throw err;
  }
  // What the controller would refuse to overwrite is never planned: it reports Conflict and stops there.
  const own: ObjectIdentity[] = [...(routing.base.service ? [routing.base.service] : []), routing.desired.destinationRule, routing.desired.virtualService];
  const live = new Map<string, ObjectIdentity>([
    ...(service ? ([['Service', service]] as const) : []),
    ...(destinationRule ? ([['DestinationRule', destinationRule]] as const) : []),
    ...(virtualService ? ([['VirtualService', virtualService]] as const) : []),
  ]);
  const conflicts: OwnershipConflict[] = ownershipConflicts(own, (kind, ns, n) => (ns === namespace && n === name ? live.get(kind) : undefined), router.spec.adopt === true);
  if (conflicts.length > 0) throw new PlanRefused(conflicts.map((c) => `Router ${namespace}/${name}: Conflict: ${c.message}`).join('\n'));
  const plan = planRouter({ namespace, name }, { virtualService: virtualService ?? null, destinationRule: destinationRule ?? null, service: service ?? null }, { ...routing.desired, service: routing.base.service });
  // A create gets no walk note: a new Router starts at its declared weights.
  const walk = virtualService !== undefined ? router.spec.progression : undefined;
  const serviceChange = plan.service?.action === 'delete-service' || (plan.service?.action === 'apply-service' && service === undefined) ? plan.service : undefined;
  return {
    router: `${namespace}/${name}`,
    text: { router: `${namespace}/${name}`, steps: plan.steps, ...(walk === undefined ? {} : { walk }) },
    ...(serviceChange === undefined ? {} : { service: serviceChange }),
    filters: routing.results,
    ...(router.status?.progression === undefined ? {} : { walk: router.status.progression }),
    live: { ...(virtualService ? { virtualService } : {}), ...(destinationRule ? { destinationRule } : {}), ...(service ? { service } : {}) },
  };
}
