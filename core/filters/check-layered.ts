import type { DestinationRule, VirtualService } from '../istio/types.ts';
import { validateIstioObject } from '../istio/validate.ts';
import type { LayerState } from './filter-result.ts';

/** Schema issues quoted in a rejection reason; the rest are counted (status messages stay short). */
export const MAX_QUOTED_ISSUES = 3;

const CLUSTER_DOMAIN_SUFFIX = 'svc.cluster.local';

function nameOf(obj: VirtualService | DestinationRule): string {
  return `${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name}`;
}

function schemaReason(obj: VirtualService | DestinationRule): string | undefined {
  const issues = validateIstioObject(obj);
  if (issues.length === 0) return undefined;
  const quoted = issues.slice(0, MAX_QUOTED_ISSUES).map((i) => `${i.path}: ${i.message}`);
  const more = issues.length > MAX_QUOTED_ISSUES ? ` (and ${issues.length - MAX_QUOTED_ISSUES} more)` : '';
  return `the result is rejected by the Istio schema: ${nameOf(obj)} ${quoted.join('; ')}${more}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every destination (route, mirror) of the VS, read defensively: jsonPatch can write any shape. */
function destinations(vs: VirtualService): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  for (const kind of ['http', 'tcp', 'tls']) {
    const routes = vs.spec[kind];
    if (!Array.isArray(routes)) continue;
    for (const route of routes as unknown[]) {
      if (!isRecord(route)) continue;
      for (const dest of Array.isArray(route.route) ? (route.route as unknown[]) : []) if (isRecord(dest) && isRecord(dest.destination)) found.push(dest.destination);
      if (isRecord(route.mirror)) found.push(route.mirror);
      for (const m of Array.isArray(route.mirrors) ? (route.mirrors as unknown[]) : []) if (isRecord(m) && isRecord(m.destination)) found.push(m.destination);
    }
  }
  return found;
}

/** Istio reads a short host name (no dot) as a service in the VirtualService's namespace. */
function fqdn(host: string, namespace: string): string {
  return host.includes('.') ? host : `${host}.${namespace}.${CLUSTER_DOMAIN_SUFFIX}`;
}

/** A subset of the DR's host that the VS routes or mirrors to but the DR does not define. */
function missingSubsetReason(vs: VirtualService, dr: DestinationRule): string | undefined {
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

/**
 * Why the layered pair cannot be applied, or undefined when it can: each object must pass the
 * Istio schema, and every subset the VirtualService uses on the DestinationRule's host must exist.
 */
export function layeredStateProblem(state: LayerState): string | undefined {
  return (
    schemaReason(state.virtualService) ??
    schemaReason(state.destinationRule) ??
    missingSubsetReason(state.virtualService, state.destinationRule)
  );
}
