import type { DestinationRule, VirtualService } from '../istio/types.ts';

/** The pair of objects a filter chain patches. */
export interface LayerState {
  virtualService: VirtualService;
  destinationRule: DestinationRule;
}

/** Outcome of one patch of a filter, as reported in `status.patches`. */
export interface PatchResult {
  /** 0-based index in `spec.patches`. */
  index: number;
  /** The patch type (`fault`, `mirror`, … `jsonPatch`). */
  type: string;
  applied: boolean;
  /** Why the patch was not applied. */
  reason?: string;
}

/**
 * Outcome of one filter. A filter is atomic: `Applied` (every patch applied), `Skipped` (some patch
 * failed or the result was rejected, so none of its patches is in the output) or `Expired`.
 */
export interface FilterResult {
  namespace: string;
  name: string;
  /** 1-based position in the total order of the chain. */
  position: number;
  chainLength: number;
  phase: 'Applied' | 'Skipped' | 'Expired';
  patches: PatchResult[];
  message?: string;
  /** Echo of `spec.expiresAt`, when set. */
  expiresAt?: string;
}

/** The layered VirtualService and DestinationRule, with one result per filter in chain order. */
export interface LayerResult extends LayerState {
  results: FilterResult[];
}

/** One applied patch of a filter: the state it was applied to and the state it produced. */
export interface PatchStep {
  /** 0-based index in `spec.patches`. */
  index: number;
  type: string;
  before: LayerState;
  after: LayerState;
}

/** Result of applying one patch (or one whole filter) to a state. */
export type PatchOutcome = { ok: true; state: LayerState } | { ok: false; reason: string };
