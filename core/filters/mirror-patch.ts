import type { FilterPatch } from '../../api/istio-filter.ts';
import type { Destination, DestinationRule, HTTPRoute } from '../istio/types.ts';
import type { LayerState, PatchOutcome } from './filter-result.ts';
import { produceUnfrozen } from './produce-unfrozen.ts';
import { editRoutes } from './route-patches.ts';

type MirrorPatch = NonNullable<FilterPatch['mirror']>;

function drName(dr: DestinationRule): string {
  return `DestinationRule ${dr.metadata.namespace}/${dr.metadata.name}`;
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/**
 * The DestinationRule after making sure the mirror's subset exists: unchanged when the subset is
 * already there with the same labels, with `{name: subset, labels}` appended when `labels` is set
 * and the subset is new, otherwise a failure naming the subset.
 */
function ensureSubset(dr: DestinationRule, host: string, m: MirrorPatch): { ok: true; dr: DestinationRule } | { ok: false; reason: string } {
  const { subset, labels } = m;
  if (subset === undefined) {
    return labels === undefined ? { ok: true, dr } : { ok: false, reason: 'mirror.labels needs mirror.subset (the name of the subset to add)' };
  }
  if (host !== dr.spec.host) {
    if (labels === undefined) return { ok: true, dr };
    return { ok: false, reason: `mirror.labels can only add a subset to ${drName(dr)} for host ${dr.spec.host}, but mirror.host is ${host}` };
  }
  const existing = dr.spec.subsets?.find((s) => s.name === subset);
  if (existing !== undefined) {
    if (labels === undefined || sameLabels(existing.labels, labels)) return { ok: true, dr };
    return {
      ok: false,
      reason: `mirror subset ${subset} already exists in ${drName(dr)} with labels ${JSON.stringify(existing.labels)}, not ${JSON.stringify(labels)}`,
    };
  }
  if (labels === undefined) {
    const known = (dr.spec.subsets ?? []).map((s) => s.name).join(', ');
    return { ok: false, reason: `mirror subset ${subset} is not defined in ${drName(dr)} (subsets: ${known}); set mirror.labels to add it` };
  }
  const next = produceUnfrozen(dr, (draft) => {
    (draft.spec.subsets ??= []).push({ name: subset, labels: { ...labels } });
  });
  return { ok: true, dr: next };
}

/** Moves a route's deprecated `mirror`/`mirrorPercentage` into `mirrors` (Istio rejects both at once). */
function mirrorsOf(route: HTTPRoute): NonNullable<HTTPRoute['mirrors']> {
  const mirrors = route.mirrors ?? [];
  if (route.mirror === undefined) return mirrors;
  const legacy = { destination: route.mirror, ...(route.mirrorPercentage ? { percentage: route.mirrorPercentage } : {}) };
  delete route.mirror;
  delete route.mirrorPercentage;
  return [legacy, ...mirrors];
}

/**
 * Adds a mirror to each selected route's `mirrors` (host defaults to the DestinationRule's host).
 * With `labels`, a subset the DestinationRule lacks is added to it, which is how a filter mirrors
 * to a brand-new subset; the make-before-break planner applies that DR before the VS.
 */
export function applyMirror(state: LayerState, indices: readonly number[], m: MirrorPatch): PatchOutcome {
  const host = m.host ?? state.destinationRule.spec.host;
  const ensured = ensureSubset(state.destinationRule, host, m);
  if (!ensured.ok) return ensured;
  const destination: Destination = {
    host,
    ...(m.subset !== undefined ? { subset: m.subset } : {}),
    ...(m.port !== undefined ? { port: { number: m.port } } : {}),
  };
  const next = editRoutes(state, indices, (route) => {
    route.mirrors = [...mirrorsOf(route), { destination: { ...destination }, percentage: { value: m.percentage } }];
  });
  return { ok: true, state: { virtualService: next.virtualService, destinationRule: ensured.dr } };
}
