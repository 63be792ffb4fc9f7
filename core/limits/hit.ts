import type { QuotaEntry } from '../ratelimit/quota-table.ts';
import type { LimitUnit } from './units.ts';

/** What a counter store is asked (one descriptor of one request) and what it answers: the window and bucket maths speak these. */

/** One descriptor of one request, already matched to its quota entry. */
export interface HitRequest {
  /** The quota entry the descriptor matched (limit, unit, algorithm, shadow, failure mode). */
  entry: QuotaEntry;
  /** Descriptor entries as Envoy sent them; part of the counter key. */
  descriptor: readonly { key: string; value: string }[];
  /** Per-descriptor limit override from the request, if any (requests per unit; any of Envoy's units). */
  limitOverride?: { requestsPerUnit: number; unit: LimitUnit };
  /** Hits to add (request or descriptor hits_addend; 0 = check without counting). */
  hits: number;
}

/** What the store decided for one HitRequest. */
export interface HitResult {
  /** 'OK' or 'OVER_LIMIT' for this descriptor (shadow mode is applied by the service, not here). */
  code: 'OK' | 'OVER_LIMIT';
  /** The limit applied (requests per unit). */
  limit: number;
  /** Requests left in the current window / bucket after this request (never negative). */
  remaining: number;
  /** Milliseconds until the window ends / the bucket has room again. */
  resetMs: number;
  /** True when usage crossed the near-limit threshold (for metrics). */
  nearLimit: boolean;
}
