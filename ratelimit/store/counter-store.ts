import type { HitRequest, HitResult } from '../../core/limits/hit.ts';

/**
 * The contract between the rate-limit service (ratelimit/service) and its counter stores
 * (ratelimit/store: in-memory and Redis). The service validates requests and assembles
 * responses; the store owns keys, window maths, counting and caching.
 */

/** Raised by a store when it cannot answer within its deadline or the backend is down. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

export interface CounterStore {
  /**
   * Counts the hits of one request's descriptors atomically per descriptor and returns one result
   * per HitRequest, in order. Rejects with StoreUnavailableError when the backend does not answer
   * within `deadlineMs`, measured from when the store sends its command (time spent queued in our
   * own event loop before that, or before an arrived reply is read, is not the backend's); must
   * never hang longer than that. An answer the backend gave is used, even if read late.
   */
  hit(requests: readonly HitRequest[], nowMs: number, deadlineMs: number): Promise<HitResult[]>;
  /** True when the backend is reachable (for health checks). */
  healthy(): boolean;
  /** Closes connections; pending hits settle first. */
  close(): Promise<void>;
  /** Live counters dropped since start to stay within a memory cap (stores that have one). */
  evictions?(): number;
  /**
   * Entries of an in-process cache in front of the backend (the Redis store's over-limit cache)
   * dropped since start to stay within its cap; each costs only a backend call later.
   */
  cacheEvictions?(): number;
}
