import type { QuotaEntry } from '../../core/ratelimit/quota-table.ts';

/**
 * The contract between the rate-limit service (ratelimit/service) and its counter stores
 * (ratelimit/store: in-memory and Redis). The service validates requests and assembles
 * responses; the store owns keys, window maths, counting and caching.
 */

/** One descriptor of one request, already matched to its quota entry. */
export interface HitRequest {
  /** The quota entry the descriptor matched (limit, unit, algorithm, shadow, failure mode). */
  entry: QuotaEntry;
  /** Descriptor entries as Envoy sent them; part of the counter key. */
  descriptor: readonly { key: string; value: string }[];
  /** Per-descriptor limit override from the request, if any (requests per unit). */
  limitOverride?: { requestsPerUnit: number; unit: QuotaEntry['unit'] };
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

/** Raised by a store when it cannot answer within its deadline or the backend is down. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

export interface CounterStore {
  /**
   * Counts the hits of one request's descriptors atomically per descriptor and returns one result
   * per HitRequest, in order. Rejects with StoreUnavailableError when the backend does not answer
   * within `deadlineMs`; must never hang longer than that.
   */
  hit(requests: readonly HitRequest[], nowMs: number, deadlineMs: number): Promise<HitResult[]>;
  /** True when the backend is reachable (for health checks). */
  healthy(): boolean;
  /** Closes connections; pending hits settle first. */
  close(): Promise<void>;
}
