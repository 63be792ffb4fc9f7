import type { IstioFilter } from '../../api/istio-filter.ts';
import type { Router } from '../../api/router.ts';
import type { FilterResult } from '../../core/filters/layer-filters.ts';
import { routerRouting, type CachedObject, type RouterRouting } from '../../core/router/router-routing.ts';
import { filterIdentity, type FilterRejection, type JudgedObject } from './server-rejections.ts';

/** How a filter's status says the API server refused its result (its Ready condition's reason). */
export const REJECTED_BY_SERVER = 'RejectedByServer';
/** Server messages are quoted up to this length in statuses and events (webhook messages are short; some are not). */
export const MAX_SERVER_MESSAGE = 1024;

/** A filter's outcome in its chain, marked when it is `Skipped` because the API server refused its result. */
export interface CheckedFilterResult extends FilterResult {
  rejectedByServer?: true;
}

/** A Router's routing as `routerRouting` lays it out, less the filters the API server refused. */
export interface CheckedRouting extends RouterRouting {
  results: CheckedFilterResult[];
  /** The filters left out because the API server refused them, in chain order. */
  rejected: IstioFilter[];
}

/** A server message cut to `MAX_SERVER_MESSAGE` characters. */
export function quoted(message: string): string {
  return message.length <= MAX_SERVER_MESSAGE ? message : `${message.slice(0, MAX_SERVER_MESSAGE)}…`;
}

/**
 * `routerRouting`, with the filters in `rejections` (refusals the API server gave for this Router
 * generation, each for one filter generation) left out of the layered objects and reported
 * `Skipped` with the server's message. Every other filter keeps its place in the chain and is laid
 * out as if the refused ones were not there — as the layering itself treats a filter it skips.
 * A refusal counts only while the filter would otherwise be Applied and has the judged generation.
 * @throws RenderError when the Router cannot be rendered.
 */
export function routingWithRejections(router: Router, cachedFilters: readonly CachedObject[], now: Date, rejections: ReadonlyMap<string, FilterRejection> | undefined): CheckedRouting {
  const full = routerRouting(router, cachedFilters, now);
  const refused = refusedFilters(full, rejections);
  if (refused.size === 0) return { ...full, rejected: [] };
  const ids = new Set(full.filters.filter((f) => refused.has(f.metadata.name)).map(filterIdentity));
  const kept = cachedFilters.filter((obj) => !ids.has(filterIdentity(obj as unknown as JudgedObject)));
  const reduced = routerRouting(router, kept, now);
  // A Router's filters are all of its namespace: names identify them.
  const laidOut = new Map(reduced.results.map((r) => [r.name, r]));
  const results = full.results.map((r): CheckedFilterResult => {
    const rejection = refused.get(r.name);
    if (rejection !== undefined) return rejectedResult(r, rejection.message);
    return { ...(laidOut.get(r.name) ?? r), position: r.position, chainLength: r.chainLength };
  });
  const rejected = full.filters.filter((f) => refused.has(f.metadata.name));
  return { base: full.base, desired: reduced.desired, filters: full.filters, results, rejected };
}

/** The refusals that hold, by filter name: same filter generation, and the filter would otherwise be Applied. */
function refusedFilters(full: RouterRouting, rejections: ReadonlyMap<string, FilterRejection> | undefined): Map<string, FilterRejection> {
  const refused = new Map<string, FilterRejection>();
  if (!rejections || rejections.size === 0) return refused;
  const applied = new Set(full.results.filter((r) => r.phase === 'Applied').map((r) => r.name));
  for (const f of full.filters) {
    const rejection = rejections.get(filterIdentity(f));
    if (rejection && rejection.generation === f.metadata.generation && applied.has(f.metadata.name)) refused.set(f.metadata.name, rejection);
  }
  return refused;
}

function rejectedResult(r: FilterResult, message: string): CheckedFilterResult {
  const reason = `rolled back: rejected by the API server`;
  return {
    ...r,
    phase: 'Skipped',
    patches: r.patches.map((p) => ({ ...p, applied: false, reason })),
    message: `skipped: the API server rejected the result: ${quoted(message)}`,
    rejectedByServer: true,
  };
}
