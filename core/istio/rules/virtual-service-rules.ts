/**
 * Rules on a VirtualService spec (istio/istio pkg/config/validation ValidateVirtualService,
 * validateTCPRoute, validateTLSRoute) plus the CRD's CEL duration rules.
 */
import virtualServiceSpec from '../schemas/virtual-service.json' with { type: 'json' };
import { MESH_GATEWAY } from '../types.ts';
import { celDurationProblems } from './cel-durations.ts';
import { l4MatchProblems } from './http-match-rules.ts';
import { httpRouteProblems } from './http-route-rules.ts';
import { gatewayNameRule, virtualServiceHostRule } from './names.ts';
import { routeDestinationProblems } from './route-destination-rules.ts';
import type { ReportProblem } from './rule-problem.ts';
import { fieldPath, recordsOf, stringsOf, type Fields } from './walk.ts';

const NO_ROUTES = 'a VirtualService needs at least one http, tcp or tls route';
const ROUTE_KINDS = ['http', 'tcp', 'tls'] as const;

function nonEmpty(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

/** TCP and TLS routes: their L4 matches, and at least one valid destination. */
function l4RouteProblems(route: Fields, path: string, kind: 'TCP' | 'TLS', report: ReportProblem): void {
  for (const [i, match] of recordsOf(route.match)) l4MatchProblems(match, `${fieldPath(path, 'match')}[${i}]`, report);
  if (!nonEmpty(route.route)) report(fieldPath(path, 'route'), `a ${kind} route needs at least one destination`, route.route);
  routeDestinationProblems(route.route, fieldPath(path, 'route'), report);
}

/**
 * Every rule on a VirtualService spec (paths start at `spec`). A VirtualService with no gateways,
 * or with `mesh` among them, is bound to the mesh: sidecars apply it.
 */
export function virtualServiceProblems(spec: Fields, report: ReportProblem): void {
  const gateways = stringsOf(spec.gateways);
  const boundToMesh = gateways.length === 0 || gateways.some(([, g]) => g === MESH_GATEWAY);
  for (const [i, gateway] of gateways) report(`spec.gateways[${i}]`, gatewayNameRule(gateway), gateway);
  for (const [i, host] of stringsOf(spec.hosts)) report(`spec.hosts[${i}]`, virtualServiceHostRule(host, boundToMesh), host);
  if (!ROUTE_KINDS.some((kind) => nonEmpty(spec[kind]))) report('spec.http', NO_ROUTES, spec.http);
  for (const [i, route] of recordsOf(spec.http)) httpRouteProblems(route, `spec.http[${i}]`, { boundToMesh }, report);
  for (const [i, route] of recordsOf(spec.tcp)) l4RouteProblems(route, `spec.tcp[${i}]`, 'TCP', report);
  for (const [i, route] of recordsOf(spec.tls)) l4RouteProblems(route, `spec.tls[${i}]`, 'TLS', report);
  celDurationProblems(virtualServiceSpec, spec, 'spec', report);
}
