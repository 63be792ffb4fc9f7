/** The provenance of a rendered object's fields: the contract of `explain` (text and `-o json`). */
import type { FilterResult } from '../filters/filter-result.ts';

/** Who set a field: the Router's own rendering. */
export interface RouterOrigin {
  by: 'Router';
  namespace: string;
  name: string;
}

/** Who set a field: one patch of an IstioFilter. */
export interface FilterOrigin {
  by: 'IstioFilter';
  namespace: string;
  name: string;
  /** `spec.priority` (default 0). */
  priority: number;
  /** 1-based position in the Router's filter chain. */
  position: number;
  patch: {
    /** 0-based index in `spec.patches`. */
    index: number;
    /** `fault`, `mirror`, … `jsonPatch`. */
    type: string;
    /** For a jsonPatch: its operations (op and path, relative to the target's spec). */
    ops?: { op: string; path: string }[];
  };
}

export type Origin = RouterOrigin | FilterOrigin;

/** What a field held before the patch that set it now, and who had set that. */
export interface Overwritten {
  value: unknown;
  setBy: Origin;
  /** What that value had overwritten in turn, if anything. */
  overwrote?: Overwritten;
}

/** One leaf of the final object (a scalar, or an empty object or list). */
export interface FieldProvenance {
  /** e.g. `spec.http[0].route[1].weight`; keys that are not identifiers are quoted: `labels["app.kubernetes.io/name"]`. */
  path: string;
  value: unknown;
  setBy: Origin;
  overwrote?: Overwritten;
}

/** A leaf some patch removed (its path as it was when removed). */
export interface RemovedField {
  path: string;
  value: unknown;
  setBy: Origin;
  removedBy: FilterOrigin;
}

/** The final object, each of its leaves with its origin, and the leaves patches removed. */
export interface ObjectProvenance {
  kind: 'VirtualService' | 'DestinationRule';
  namespace: string;
  name: string;
  object: unknown;
  fields: FieldProvenance[];
  removed: RemovedField[];
}

/** A filter of the chain as `explain` reports it: the layering's result and the filter's priority. */
export interface ExplainedFilter extends FilterResult {
  priority: number;
}

/** `explain` for one Router: its final VirtualService and DestinationRule and its filter chain. */
export interface Explanation {
  router: { namespace: string; name: string };
  filters: ExplainedFilter[];
  virtualService: ObjectProvenance;
  destinationRule: ObjectProvenance;
}
