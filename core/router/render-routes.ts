import type { StringMatch } from '../../api/meta.ts';
import { matchHeaderNameRule } from '../istio/rules/headers.ts';
import { stringMatchProblems } from '../istio/rules/http-match-rules.ts';
import type { ReportProblem } from '../istio/rules/rule-problem.ts';
import { MESH_GATEWAY, type HTTPMatchRequest, type HTTPRoute, type HTTPRouteDestination, type StringMatchIstio, type TCPRoute } from '../istio/types.ts';
import type { BranchDestination, BranchSubsets } from './branch-subsets.ts';
import { sortedRecord } from './branch-subsets.ts';
import { RenderError } from './render-error.ts';

export { MESH_GATEWAY } from '../istio/types.ts';

/** What route rendering needs besides the branches. */
export interface RouteContext {
  host: string;
  port: number;
  branchKey: string;
  /** True when the VS is bound to gateways too; sourceLabels matches are then limited to `mesh`. */
  meshOnlySourceMatch: boolean;
}

/** Sandboxes first (declared order), then the default branch; every route is named by its branch. */
export function renderHttpRoutes(ctx: RouteContext, sandboxes: BranchSubsets[], main: BranchSubsets): HTTPRoute[] {
  const sandboxRoutes = sandboxes.map((b): HTTPRoute => ({
    name: b.branch.branch,
    match: httpMatches(ctx, b),
    route: routeDestinations(ctx, b.destinations),
  }));
  return [...sandboxRoutes, { name: main.branch.branch, route: routeDestinations(ctx, main.destinations) }];
}

/** TCP has no names or header matches: sandboxes by sourceLabels, then the weighted default. */
export function renderTcpRoutes(ctx: RouteContext, sandboxes: BranchSubsets[], main: BranchSubsets): TCPRoute[] {
  const sandboxRoutes = sandboxes.map((b): TCPRoute => {
    // TCPRoute's match type in types.ts omits `gateways`; Istio's L4MatchAttributes has it.
    const match: { sourceLabels: Record<string, string>; gateways?: string[] } = sourceLabelsMatch(ctx, b.branch.branch);
    return { match: [match], route: routeDestinations(ctx, b.destinations) };
  });
  return [...sandboxRoutes, { route: routeDestinations(ctx, main.destinations) }];
}

function routeDestinations(ctx: RouteContext, destinations: BranchDestination[]): HTTPRouteDestination[] {
  return destinations.map((d) => {
    const destination = { host: ctx.host, subset: d.subset, port: { number: ctx.port } };
    return d.weight === undefined ? { destination } : { destination, weight: d.weight };
  });
}

function sourceLabelsMatch(ctx: RouteContext, branch: string): { sourceLabels: Record<string, string>; gateways?: string[] } {
  const sourceLabels = { [ctx.branchKey]: branch };
  // sourceLabels selects client sidecars; at a gateway it would test the gateway's own labels.
  return ctx.meshOnlySourceMatch ? { sourceLabels, gateways: [MESH_GATEWAY] } : { sourceLabels };
}

/**
 * Match blocks of a sandbox route (any block matching is enough): the caller's branch label,
 * then the configured headers (all in one block), then the W3C baggage entry. An empty header map
 * renders no block — an empty block would match every request and steal the default traffic.
 */
function httpMatches(ctx: RouteContext, { branch, index }: BranchSubsets): HTTPMatchRequest[] {
  const blocks: HTTPMatchRequest[] = [sourceLabelsMatch(ctx, branch.branch)];
  const headers = branch.match?.headers ? istioHeaders(branch.match.headers, `spec.subsets[${index}].match.headers`) : {};
  if (Object.keys(headers).length > 0) blocks.push({ headers });
  if (branch.match?.baggage === true) blocks.push({ headers: { baggage: { regex: baggageRegex(ctx.branchKey, branch.branch) } } });
  return blocks;
}

/** Reports through RenderError: the first rule a Router field breaks stops rendering. */
const throwRenderError: ReportProblem = (path, rule, value) => {
  if (rule !== undefined) throw new RenderError(path, rule, value);
};

/**
 * Header matches with lowercased names (header names are case-insensitive; Envoy holds them in
 * lowercase) in sorted order. Each name and match must pass Istio's rules: an HTTP header name, an
 * RE2 regex, a non-empty prefix.
 */
function istioHeaders(headers: Record<string, StringMatch>, field: string): Record<string, StringMatchIstio> {
  const out: Record<string, StringMatchIstio> = {};
  for (const [name, match] of Object.entries(headers)) {
    const at = `${field}.${name}`;
    // The Router's VirtualService always serves the mesh.
    throwRenderError(at, matchHeaderNameRule(name, true), name);
    stringMatchProblems(match, at, { prefixRequired: true }, throwRenderError);
    const key = name.toLowerCase();
    // Own keys only: `in` also finds Object.prototype members, and `constructor` is a valid header name.
    if (Object.hasOwn(out, key)) throw new RenderError(at, 'header names must be unique ignoring case', name);
    out[key] = stringMatch(match);
  }
  return sortedRecord(out);
}

function stringMatch(m: StringMatch): StringMatchIstio {
  if (m.exact !== undefined) return { exact: m.exact };
  if (m.prefix !== undefined) return { prefix: m.prefix };
  return { regex: m.regex ?? '' };
}

/**
 * RE2 regex (Envoy matches it against the whole header value) for a `baggage` header carrying the
 * list member `<key>=<value>`. Members are comma separated with optional whitespace and may carry
 * `;`-properties; anchoring on those delimiters (rather than `\b`) keeps `branch=box-1` from
 * matching `branch=box-1-old` or `my-branch=box-1`.
 */
export function baggageRegex(key: string, value: string): string {
  return `(.*[,\\s])?${escapeRegex(key)}\\s*=\\s*${escapeRegex(value)}\\s*([,;].*)?`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
