/**
 * Istio's own validation, in one place: what istiod's validating webhook and the CRDs' CEL rules
 * would refuse in a VirtualService or DestinationRule that Switchyard renders or lets filters
 * patch, found before anything is written (the JSON schema itself is validate.ts's job).
 *
 * Rules, and where they come from (istio/istio pkg/config/validation unless said otherwise):
 * - hosts: DNS names, a wildcard only as a leading `*` (ValidateWildcardDomain); `*` refused on a
 *   VirtualService bound to the mesh and as a destination; VirtualService hosts may be IPs.
 * - gateway names: `mesh`, `<namespace>/<name>` or a host name (validateGatewayNames).
 * - subset names: DNS-1123 labels, unique (validateSubsetName); subset and source labels:
 *   Kubernetes label keys and values (labels.Instance.Validate, Kubernetes' 63-character bounds).
 * - header names in matches and header operations, header values: no control character, Envoy's
 *   `%VARIABLE%` syntax (ValidateHTTPHeader*); JWT claim matches only on gateway-only services.
 * - regexes (matches, CORS origins, URI rewrites): RE2, at most 1024 characters (re2js).
 * - routes: an HTTP route has destinations, a redirect or a directResponse; a VirtualService at
 *   least one route; weights at least 0 and, with several destinations, not all 0.
 * - durations: at least 1ms wherever the CRD's CEL says so; route timeouts, retries and delays in
 *   whole milliseconds; retries with attempts 0 set nothing else; known retryOn policies.
 * - the pair (routing-pair.ts): the DestinationRule keeps the Router's host.
 */
import { destinationRuleProblems } from './rules/destination-rule-rules.ts';
import { collectInto, type IstioRuleProblem } from './rules/rule-problem.ts';
import { routerHostProblem } from './rules/routing-pair.ts';
import { virtualServiceProblems } from './rules/virtual-service-rules.ts';
import { isRecord } from './rules/walk.ts';
import type { DestinationRule, VirtualService } from './types.ts';

export { formatRuleProblem, type IstioRuleProblem } from './rules/rule-problem.ts';
export { missingSubsetReason } from './rules/routing-pair.ts';

function dedupe(problems: IstioRuleProblem[]): IstioRuleProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.rule}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** What istiod or the CRD's CEL rules would refuse in `obj`, in field order; empty when nothing. */
export function istioRuleProblems(obj: VirtualService | DestinationRule): IstioRuleProblem[] {
  const spec: unknown = obj.spec;
  if (!isRecord(spec)) return [];
  const problems: IstioRuleProblem[] = [];
  if (obj.kind === 'VirtualService') virtualServiceProblems(spec, collectInto(problems));
  else destinationRuleProblems(spec, collectInto(problems));
  return dedupe(problems);
}

/** Problems of a Router's pair, each with the object it is in (see routing-pair.ts). */
export function routingPairProblems(vs: VirtualService, dr: DestinationRule, routerHost?: string): { object: DestinationRule; problem: IstioRuleProblem }[] {
  const host = routerHostProblem(vs, dr, routerHost);
  return host ? [{ object: dr, problem: host }] : [];
}
