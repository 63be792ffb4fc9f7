/**
 * Rules on a Router's VirtualService and DestinationRule together: one service, and every subset
 * the routes use defined. istiod checks neither (each object is valid alone), but a broken pair
 * routes another service or answers 503 (no cluster for the subset).
 */
import type { DestinationRule, VirtualService } from '../types.ts';
import type { IstioRuleProblem } from './rule-problem.ts';
import { isRecord, recordsOf } from './walk.ts';

const CLUSTER_DOMAIN_SUFFIX = 'svc.cluster.local';

function nameOf(obj: VirtualService | DestinationRule): string {
  return `${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name}`;
}

/** Istio reads a short host name (no dot) as a service in the object's namespace. */
function fqdn(host: string, namespace: string): string {
  return host.includes('.') ? host : `${host}.${namespace}.${CLUSTER_DOMAIN_SUFFIX}`;
}

/**
 * The DestinationRule's host must stay the Router's host (a filter that replaces `/host` would move
 * the Router's subsets to another service). `routerHost` is the host the Router rendered; without
 * it the VirtualService's first host stands for it (a filter rewriting both alike then passes).
 */
export function routerHostProblem(vs: VirtualService, dr: DestinationRule, routerHost?: string): IstioRuleProblem | undefined {
  const first: unknown = routerHost ?? (Array.isArray(vs.spec.hosts) ? vs.spec.hosts[0] : undefined);
  const host: unknown = dr.spec.host;
  if (typeof first !== 'string' || typeof host !== 'string') return undefined;
  if (fqdn(host, dr.metadata.namespace) === fqdn(first, vs.metadata.namespace)) return undefined;
  return { path: 'spec.host', rule: `must stay the Router's host ${first}`, value: host };
}

/** Every destination (route, mirror, mirrors) of the VS, read defensively: jsonPatch can write any shape. */
function destinations(vs: VirtualService): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  for (const kind of ['http', 'tcp', 'tls']) {
    for (const [, route] of recordsOf(vs.spec[kind])) {
      for (const [, dest] of recordsOf(route.route)) if (isRecord(dest.destination)) found.push(dest.destination);
      if (isRecord(route.mirror)) found.push(route.mirror);
      for (const [, m] of recordsOf(route.mirrors)) if (isRecord(m.destination)) found.push(m.destination);
    }
  }
  return found;
}

/** A subset of the DR's host that the VS routes or mirrors to but the DR does not define, as a reason. */
export function missingSubsetReason(vs: VirtualService, dr: DestinationRule): string | undefined {
  const drHost = fqdn(dr.spec.host, dr.metadata.namespace);
  const defined = new Set((dr.spec.subsets ?? []).map((s) => s.name));
  for (const dest of destinations(vs)) {
    const { host, subset } = dest;
    if (typeof host !== 'string' || typeof subset !== 'string') continue;
    if (fqdn(host, vs.metadata.namespace) !== drHost || defined.has(subset)) continue;
    const known = [...defined].join(', ');
    return `${nameOf(vs)} references subset ${subset} of ${dr.spec.host}, which ${nameOf(dr)} does not define (subsets: ${known}); proxies would answer 503`;
  }
  return undefined;
}
