import type { IstioFilter } from '../../api/istio-filter.ts';
import { DEFAULT_NAMESPACE } from '../../api/meta.ts';

/** The filter's namespace, defaulted like kubectl does for objects read from files. */
export function filterNamespace(filter: IstioFilter): string {
  return filter.metadata.namespace ?? DEFAULT_NAMESPACE;
}

function creationTime(filter: IstioFilter): number {
  const stamp = filter.metadata.creationTimestamp;
  const time = stamp === undefined ? Number.NaN : Date.parse(stamp);
  // Absent or unparsable timestamps sort after every real one.
  return Number.isNaN(time) ? Number.POSITIVE_INFINITY : time;
}

function compareFilters(a: IstioFilter, b: IstioFilter): number {
  const byPriority = (a.spec.priority ?? 0) - (b.spec.priority ?? 0);
  if (byPriority !== 0) return byPriority;
  const ta = creationTime(a);
  const tb = creationTime(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = `${filterNamespace(a)}/${a.metadata.name}`;
  const kb = `${filterNamespace(b)}/${b.metadata.name}`;
  if (ka === kb) return 0;
  // Plain code-unit order, not localeCompare: the order must not depend on the machine's locale.
  return ka < kb ? -1 : 1;
}

/**
 * The total, deterministic order in which filters apply: `spec.priority` ascending (default 0),
 * then `metadata.creationTimestamp` ascending (absent last), then `namespace/name`.
 * Returns a new array; the input is not reordered.
 */
export function sortFilters(filters: readonly IstioFilter[]): IstioFilter[] {
  return [...filters].sort(compareFilters);
}
