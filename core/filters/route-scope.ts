import type { IstioFilterSpec } from '../../api/istio-filter.ts';
import type { VirtualService } from '../istio/types.ts';

export type FilterScope = IstioFilterSpec['scope'];

/** Indices of the HTTP routes a typed patch touches, or why it touches none. */
export type ScopeSelection = { ok: true; indices: number[] } | { ok: false; reason: string };

function objectName(vs: VirtualService): string {
  return `VirtualService ${vs.metadata.namespace}/${vs.metadata.name}`;
}

/**
 * Selects the HTTP routes in scope. Routes are matched by `name`; the renderer names a branch's
 * route after the branch, so `scope.branches` and `scope.routes` both name routes and their union
 * is the scope. No scope (or an empty one) means every HTTP route. Selecting nothing is a failure:
 * a patch that silently touches no route would look applied while doing nothing.
 */
export function selectRoutes(vs: VirtualService, scope: FilterScope, patchType: string): ScopeSelection {
  const http = Array.isArray(vs.spec.http) ? vs.spec.http : [];
  if (http.length === 0) {
    const tcpOnly = Array.isArray(vs.spec.tcp) && vs.spec.tcp.length > 0;
    const why = tcpOnly ? 'it has only tcp routes' : 'it has no http routes';
    return { ok: false, reason: `${patchType} patches HTTP routes, but ${objectName(vs)} has none (${why})` };
  }
  const wanted = [...(scope?.routes ?? []), ...(scope?.branches ?? [])];
  if (wanted.length === 0) return { ok: true, indices: http.map((_, i) => i) };
  const indices = http.flatMap((route, i) => (route.name !== undefined && wanted.includes(route.name) ? [i] : []));
  if (indices.length > 0) return { ok: true, indices };
  const names = http.map((route, i) => route.name ?? `#${i} (unnamed)`).join(', ');
  const asked = `routes [${(scope?.routes ?? []).join(', ')}], branches [${(scope?.branches ?? []).join(', ')}]`;
  return { ok: false, reason: `scope (${asked}) matches no HTTP route of ${objectName(vs)} (routes: ${names})` };
}
