import type { Router, RouterSpec } from '../../api/router.ts';
import { generatedMetadata, type Owner } from '../istio/ownership.ts';
import { ISTIO_NETWORKING, type DestinationRule, type Service, type VirtualService } from '../istio/types.ts';
import { branchSubsets, defaultBranch, labelKeys } from './branch-subsets.ts';
import { checkRendered } from './check-rendered.ts';
import { MESH_GATEWAY, renderHttpRoutes, renderTcpRoutes, type RouteContext } from './render-routes.ts';
import { RenderError } from './render-error.ts';
import { renderService } from './render-service.ts';
import { checkRouterFields } from './router-rules.ts';
import { routerHost, routerNamespace } from './router-host.ts';

/** The base Istio objects of one Router, before IstioFilters are layered on. */
export interface RouterObjects {
  destinationRule: DestinationRule;
  virtualService: VirtualService;
  service?: Service;
}

/**
 * Renders a (schema-valid) Router into its DestinationRule, VirtualService and, when
 * `spec.ownService`, Service — all named like the Router, in its namespace, owner-referenced.
 *
 * - DR: one subset per branch×version (branch without versions: one subset of all its pods), in
 *   declared order, each selecting `spec.selector` + branch (+ version) labels.
 * - VS: sandbox routes first (declared order) matched by the caller's branch label, optional
 *   headers and optional baggage; then the default branch's weighted route without match.
 *   With `spec.gateways` the VS binds to them plus `mesh`, and sourceLabels matches only to `mesh`.
 * - Weights: a branch with one subset gets a destination without weight; otherwise every version
 *   keeps its weight, 0 included (Istio accepts 0, and the subset stays ready for a later shift).
 *
 * Pure and deterministic: equal input gives deep-equal output with a fixed key order.
 * @throws RenderError (only) when the spec cannot be rendered (colliding subset names) or renders
 *   objects that the Istio schema or Istio's validation rules refuse (core/istio/istio-rules.ts):
 *   the error names the Router's field, the rule and the value.
 */
export function renderRouter(router: Router): RouterObjects {
  const { metadata, spec } = router;
  const namespace = routerNamespace(router);
  const owner: Owner = { kind: 'Router', name: metadata.name, namespace, uid: metadata.uid };
  checkRouterFields(router);
  const host = routerHost(router);
  const branches = branchSubsets(router);
  const main = defaultBranch(spec);
  const mainSubsets = branches.find((b) => b.branch === main);
  if (!mainSubsets) throw new RenderError('spec.subsets', 'must contain the default branch', main.branch);
  const sandboxes = branches.filter((b) => b !== mainSubsets);
  const gateways = spec.gateways ? [...new Set([...spec.gateways, MESH_GATEWAY])].sort() : undefined;
  const ctx: RouteContext = { host, port: spec.port, branchKey: labelKeys(spec).branch, meshOnlySourceMatch: gateways !== undefined };
  const routes = spec.protocol === 'tcp' ? { tcp: renderTcpRoutes(ctx, sandboxes, mainSubsets) } : { http: renderHttpRoutes(ctx, sandboxes, mainSubsets) };
  const subsets = branches.flatMap((b) => b.subsets);
  const destinationRule: DestinationRule = {
    apiVersion: ISTIO_NETWORKING,
    kind: 'DestinationRule',
    metadata: generatedMetadata(owner),
    spec: spec.trafficPolicy ? { host, trafficPolicy: copyTrafficPolicy(spec.trafficPolicy), subsets } : { host, subsets },
  };
  const virtualService: VirtualService = {
    apiVersion: ISTIO_NETWORKING,
    kind: 'VirtualService',
    metadata: generatedMetadata(owner),
    spec: gateways ? { hosts: [host], gateways, ...routes } : { hosts: [host], ...routes },
  };
  checkRendered({ destinationRule, virtualService });
  return spec.ownService === true ? { destinationRule, virtualService, service: renderService(router) } : { destinationRule, virtualService };
}

/**
 * A copy of the Router's free-form traffic policy for the DestinationRule. The schema takes any
 * nesting there and structuredClone recurses: a policy nested thousands of levels deep (no Istio
 * TrafficPolicy is) exhausts the stack, which must be the Router's RenderError, not a crash.
 */
function copyTrafficPolicy(policy: NonNullable<RouterSpec['trafficPolicy']>): NonNullable<RouterSpec['trafficPolicy']> {
  try {
    return structuredClone(policy);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RenderError('spec.trafficPolicy', `must be an Istio TrafficPolicy, a few levels deep; this one is nested too deeply to copy (${reason})`, policy);
  }
}

/** Status columns: default-branch weights as `v1.0.1=90,v1.0.2=10` and sandbox names as `box-1,box-2`. */
export function routerSummary(spec: RouterSpec): { weights: string; sandboxes: string } {
  const main = defaultBranch(spec);
  const weights = Object.entries(main.versions ?? {}).map(([version, weight]) => `${version}=${weight}`);
  const sandboxes = spec.subsets.filter((s) => s !== main).map((s) => s.branch);
  return { weights: weights.join(','), sandboxes: sandboxes.join(',') };
}
