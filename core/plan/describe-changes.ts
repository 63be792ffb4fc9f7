import type { DestinationRule, Subset, VirtualService } from '../istio/types.ts';
import { specEqual } from '../../lib/spec-equal.ts';

type Spec = Record<string, unknown>;
interface AnyRoute {
  name?: string;
  route?: { destination?: { host?: string; subset?: string }; weight?: number }[];
  [key: string]: unknown;
}

/** Shown for a weight on one side of a change where the destination does not exist. */
const ABSENT = 'none';
/** Route lists of a VirtualService, in the order Istio evaluates protocols. */
const ROUTE_LISTS = ['http', 'tls', 'tcp'] as const;

/** Human-readable lines describing a DestinationRule change (`add subset x`, `remove subset y`, …). */
export function describeDestinationRuleChanges(before: DestinationRule['spec'] | null, after: DestinationRule['spec']): string[] {
  const afterSubsets = after.subsets ?? [];
  if (!before) return ['create', ...afterSubsets.map((s) => `add subset ${s.name}`)];
  const old = new Map<string, Subset>((before.subsets ?? []).map((s) => [s.name, s]));
  const now = new Set(afterSubsets.map((s) => s.name));
  const lines: string[] = [];
  for (const s of afterSubsets) {
    const previous = old.get(s.name);
    if (!previous) lines.push(`add subset ${s.name}`);
    else if (!specEqual(previous, s)) lines.push(`change subset ${s.name}`);
  }
  for (const name of old.keys()) if (!now.has(name)) lines.push(`remove subset ${name}`);
  if (!specEqual(before.trafficPolicy, after.trafficPolicy)) lines.push('traffic policy changed');
  lines.push(...otherFieldChanges(before, after, ['subsets', 'trafficPolicy']));
  return lines;
}

/** Human-readable lines describing a VirtualService change (`add route box-1`, weight shifts, …). */
export function describeVirtualServiceChanges(before: VirtualService['spec'] | null, after: VirtualService['spec']): string[] {
  if (!before) return ['create', ...ROUTE_LISTS.flatMap((list) => keyedRoutes(after, list).map(([key]) => `add route ${key}`))];
  const lines: string[] = [];
  for (const list of ROUTE_LISTS) lines.push(...routeListChanges(keyedRoutes(before, list), keyedRoutes(after, list)));
  lines.push(...otherFieldChanges(before, after, ROUTE_LISTS));
  return lines;
}

function keyedRoutes(spec: Spec, list: (typeof ROUTE_LISTS)[number]): [string, AnyRoute][] {
  const routes = Array.isArray(spec[list]) ? (spec[list] as AnyRoute[]) : [];
  return routes.map((r, i) => [r.name ?? `${list}[${i}]`, r]);
}

function routeListChanges(before: [string, AnyRoute][], after: [string, AnyRoute][]): string[] {
  const old = new Map(before);
  const now = new Map(after);
  const lines: string[] = [];
  for (const [key, route] of after) {
    const previous = old.get(key);
    if (!previous) lines.push(`add route ${key}`);
    else lines.push(...routeChanges(key, previous, route));
  }
  for (const [key] of before) if (!now.has(key)) lines.push(`remove route ${key}`);
  const keptBefore = before.map(([k]) => k).filter((k) => now.has(k));
  const keptAfter = after.map(([k]) => k).filter((k) => old.has(k));
  if (!specEqual(keptBefore, keptAfter)) lines.push('route order changed');
  return lines;
}

function routeChanges(key: string, before: AnyRoute, after: AnyRoute): string[] {
  const lines: string[] = [];
  const oldWeights = weights(before);
  const newWeights = weights(after);
  const targets = [...new Set([...oldWeights.keys(), ...newWeights.keys()])];
  const shifts = targets
    .filter((t) => oldWeights.get(t) !== newWeights.get(t))
    .map((t) => `${t} ${oldWeights.get(t) ?? ABSENT}→${newWeights.get(t) ?? ABSENT}`);
  if (shifts.length > 0) lines.push(`route ${key}: ${shifts.join(', ')}`);
  else if (!specEqual(before.route, after.route)) lines.push(`route ${key}: destinations changed`);
  const fields = changedKeys(before, after, ['route']);
  if (fields.length > 0) lines.push(`route ${key}: ${fields.join(', ')} changed`);
  return lines;
}

/** Weight per destination (subset, else host); a lone destination without weight takes it all. */
function weights(route: AnyRoute): Map<string, number> {
  const destinations = route.route ?? [];
  return new Map(
    destinations.map((d) => [d.destination?.subset ?? d.destination?.host ?? '?', d.weight ?? (destinations.length === 1 ? 100 : 0)]),
  );
}

function otherFieldChanges(before: Spec, after: Spec, handled: readonly string[]): string[] {
  return changedKeys(before, after, handled).map((key) => `${key} changed`);
}

function changedKeys(before: Spec, after: Spec, skip: readonly string[]): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !skip.includes(k));
  return keys.filter((k) => !specEqual(before[k], after[k])).sort();
}
