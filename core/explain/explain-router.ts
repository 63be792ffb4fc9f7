import type { IstioFilter } from '../../api/istio-filter.ts';
import type { Router } from '../../api/router.ts';
import { filtersTargeting } from '../filters/filters-targeting.ts';
import { layerFilters, type PatchStep } from '../filters/layer-filters.ts';
import { filterNamespace, sortFilters } from '../filters/sort-filters.ts';
import type { DestinationRule, VirtualService } from '../istio/types.ts';
import { renderRouter } from '../router/render-router.ts';
import { routerNamespace } from '../router/router-host.ts';
import { leaves, pointerToPath } from './field-path.ts';
import { originalFields, trackStep } from './track-fields.ts';
import type { Explanation, FieldProvenance, FilterOrigin, ObjectProvenance, Origin, RemovedField } from './types.ts';

/** One object's provenance while the chain is replayed. */
interface Tracked {
  fields: Map<string, FieldProvenance>;
  removed: RemovedField[];
}

function patchOrigin(filter: IstioFilter, position: number, step: PatchStep): FilterOrigin {
  const jsonPatch = filter.spec.patches[step.index]?.jsonPatch;
  const ops = jsonPatch?.ops.map((o) => ({ op: o.op, path: o.path }));
  return {
    by: 'IstioFilter',
    namespace: filterNamespace(filter),
    name: filter.metadata.name,
    priority: filter.spec.priority ?? 0,
    position,
    patch: { index: step.index, type: step.type, ...(ops ? { ops } : {}) },
  };
}

/** Within a path: the same leaf, or one below it. */
function within(path: string, parent: string): boolean {
  return path === parent || path.startsWith(`${parent}.`) || path.startsWith(`${parent}[`);
}

/**
 * The origin of a change at `path`: for a jsonPatch of several ops, only the ops whose path is
 * `path` or above it (all of them when none is, e.g. a `move` that brought the value there).
 */
function originAt(origin: FilterOrigin): (path: string) => FilterOrigin {
  const ops = origin.patch.ops;
  if (ops === undefined || ops.length < 2) return () => origin;
  return (path) => {
    const mine = ops.filter((o) => within(path, pointerToPath(o.path)));
    return mine.length === 0 || mine.length === ops.length ? origin : { ...origin, patch: { ...origin.patch, ops: mine } };
  };
}

function advance(tracked: Tracked, before: unknown, after: unknown, origin: FilterOrigin): void {
  if (before === after) return;
  const next = trackStep(before, after, tracked.fields, originAt(origin));
  tracked.fields = next.fields;
  tracked.removed.push(...next.removed);
}

function objectProvenance(object: VirtualService | DestinationRule, tracked: Tracked): ObjectProvenance {
  // Document order of the final object; every leaf has exactly one origin.
  const fields = leaves(object).map((l) => {
    const field = tracked.fields.get(l.path);
    if (!field) throw new Error(`explain: no origin recorded for ${object.kind} field ${l.path}`);
    return field;
  });
  return { kind: object.kind, namespace: object.metadata.namespace ?? '', name: object.metadata.name, object, fields, removed: tracked.removed };
}

/**
 * The final VirtualService and DestinationRule of a Router with the provenance of every field.
 *
 * Replays the very layering the controller runs (`layerFilters`, with its per-patch hook) and
 * attributes each leaf that a patch changed, added or removed to that patch, so what `explain`
 * shows cannot disagree with what is applied. Only `Applied` filters contribute; skipped and
 * expired ones are listed in `filters` with the layering's reason. `filters` may hold any filters;
 * those targeting the Router are picked as the controller picks them.
 * @throws RenderError when the Router cannot be rendered.
 */
export function explainRouter(router: Router, filters: readonly IstioFilter[], now: Date): Explanation {
  const base = renderRouter(router);
  const routerOrigin: Origin = { by: 'Router', namespace: routerNamespace(router), name: router.metadata.name };
  const vs: Tracked = { fields: originalFields(base.virtualService, routerOrigin), removed: [] };
  const dr: Tracked = { fields: originalFields(base.destinationRule, routerOrigin), removed: [] };
  const targeting = filtersTargeting(router, [...filters]);
  // The chain's 1-based positions, as the layering (and each filter's status) numbers them.
  const positions = new Map(sortFilters(targeting).map((f, i) => [f, i + 1]));
  const layered = layerFilters(base, targeting, now, (filter, steps) => {
    const position = positions.get(filter) ?? 0;
    for (const step of steps) {
      const origin = patchOrigin(filter, position, step);
      advance(vs, step.before.virtualService, step.after.virtualService, origin);
      advance(dr, step.before.destinationRule, step.after.destinationRule, origin);
    }
  });
  const priorities = new Map(targeting.map((f) => [`${filterNamespace(f)}/${f.metadata.name}`, f.spec.priority ?? 0]));
  return {
    router: { namespace: routerOrigin.namespace, name: routerOrigin.name },
    filters: layered.results.map((r) => ({ ...r, priority: priorities.get(`${r.namespace}/${r.name}`) ?? 0 })),
    virtualService: objectProvenance(layered.virtualService, vs),
    destinationRule: objectProvenance(layered.destinationRule, dr),
  };
}
