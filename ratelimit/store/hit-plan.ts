import { appliedLimit } from '../../core/limits/applied-limit.ts';
import { fixedWindowKey, slidingWindowKey, tokenBucketKey } from '../../core/limits/counter-key.ts';
import { fixedWindow, type Window } from '../../core/limits/fixed-window.ts';
import { slidingPosition, type SlidingPosition } from '../../core/limits/sliding-window.ts';
import { unitMs } from '../../core/limits/units.ts';
import type { HitRequest } from '../../core/limits/hit.ts';

/** What a store does for one HitRequest: which key, which algorithm, which limit. */
export type HitPlan =
  | { kind: 'window'; key: string; limit: number; hits: number; window: Window }
  | { kind: 'gcra'; key: string; limit: number; hits: number; unitMs: number }
  | { kind: 'sliding'; key: string; limit: number; hits: number; position: SlidingPosition };

/**
 * Plans one HitRequest at `nowMs`: the applied limit (override or quota), the key and the
 * algorithm. A token bucket with limit 0 has no emission interval; it is planned as a fixed
 * window, which admits nothing either. So is a token bucket whose unit (ms) × limit passes 2^53
 * (e.g. more than 285,616 per YEAR): GCRA keeps instants in 1/limit ms, exact only below that, and
 * a fixed window stays exact. Throws RangeError, naming the field, for hits or limits that are not
 * non-negative integers (the service validates requests; this guards the stores).
 */
export function planHit(request: HitRequest, keyPrefix: string, nowMs: number): HitPlan {
  const { requestsPerUnit: limit, unit } = appliedLimit(request);
  const { hits, entry } = request;
  if (!Number.isSafeInteger(hits) || hits < 0) throw new RangeError(`hits: must be a non-negative integer (got ${hits})`);
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`requestsPerUnit: must be a non-negative integer (got ${limit})`);
  if (entry.algorithm === 'tokenBucket' && limit > 0 && Number.isSafeInteger(unitMs(unit) * limit)) {
    return { kind: 'gcra', key: tokenBucketKey(keyPrefix, entry.domain, request.descriptor), limit, hits, unitMs: unitMs(unit) };
  }
  if (entry.algorithm === 'slidingWindow') {
    return { kind: 'sliding', key: slidingWindowKey(keyPrefix, entry.domain, request.descriptor), limit, hits, position: slidingPosition(nowMs, unit) };
  }
  const window = fixedWindow(nowMs, unit);
  return { kind: 'window', key: fixedWindowKey(keyPrefix, entry.domain, request.descriptor, window.startMs), limit, hits, window };
}
