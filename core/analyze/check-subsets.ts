import { destinations, generatingRouter, hostOf, selectorText, selects, subsetsOf, unowned } from './routing-refs.ts';
import type { AnalyzeInput, Finding, LooseObject } from './types.ts';

const ENDED_PHASES = new Set(['Succeeded', 'Failed']);

/** Pods that can serve: not being deleted, not finished. */
function servingPods(pods: readonly LooseObject[]): LooseObject[] {
  return pods.filter((p) => p.metadata.deletionTimestamp === undefined && !ENDED_PHASES.has(String((p.status as { phase?: unknown } | undefined)?.phase)));
}

/**
 * SY0101: a subset of a Router's DestinationRule whose labels match no pod of its namespace. An
 * error when some VirtualService sends it traffic (those requests fail with 503 "no healthy
 * upstream"), a warning otherwise (a version at weight 0, a sandbox not deployed yet).
 */
export function subsetsWithoutPods(input: AnalyzeInput): Finding[] {
  const pods = servingPods(input.pods);
  const routed = input.virtualServices.flatMap(destinations);
  const out: Finding[] = [];
  for (const dr of input.destinationRules) {
    const router = generatingRouter(dr);
    if (router === undefined) continue;
    const namespace = dr.metadata.namespace ?? 'default';
    const host = hostOf(dr);
    for (const s of subsetsOf(dr)) {
      if (pods.some((p) => (p.metadata.namespace ?? 'default') === namespace && selects(s.labels, p))) continue;
      const traffic = routed.filter((d) => d.host === host && d.subset === s.name && d.weight > 0);
      const share = traffic.length > 0 ? `; it receives traffic (weight ${traffic.map((t) => t.weight).join(', ')}), which fails with 503 no healthy upstream` : '; no route sends it traffic now';
      out.push({
        severity: traffic.length > 0 ? 'error' : 'warning',
        code: 'SY0101',
        object: { kind: 'DestinationRule', namespace, name: dr.metadata.name },
        message: `spec.subsets[${s.index}] (subset ${s.name} of Router ${router}) selects pods ${selectorText(s.labels)}: no running pod in namespace ${namespace} has these labels${share}`,
      });
    }
  }
  return out;
}

/**
 * SY0201: a VirtualService Switchyard does not own that routes to a subset of a Router's
 * DestinationRule. Switchyard renames and prunes those subsets as the Router's versions change,
 * and the hand-written route then points at a subset that is gone.
 */
export function foreignRoutesToSubsets(input: AnalyzeInput): Finding[] {
  const generated = new Map<string, { router: string; dr: LooseObject }>();
  for (const dr of input.destinationRules) {
    const router = generatingRouter(dr);
    if (router === undefined) continue;
    for (const s of subsetsOf(dr)) generated.set(`${hostOf(dr)}|${s.name}`, { router, dr });
  }
  const out: Finding[] = [];
  for (const vs of input.virtualServices) {
    if (!unowned(vs)) continue;
    for (const d of destinations(vs)) {
      const hit = d.subset === undefined ? undefined : generated.get(`${d.host}|${d.subset}`);
      if (!hit) continue;
      const routerRef = `${hit.dr.metadata.namespace ?? 'default'}/${hit.router}`;
      out.push({
        severity: 'warning',
        code: 'SY0201',
        object: { kind: 'VirtualService', namespace: vs.metadata.namespace ?? 'default', name: vs.metadata.name },
        message: `${d.path} routes to subset ${d.subset} of host ${d.host}, which Router ${routerRef} generates and removes when its versions change; route through the Router (or an IstioFilter on it) instead`,
      });
    }
  }
  return out;
}
