import { fixedWindow, type Window } from './fixed-window.ts';
import type { HitResult } from './hit.ts';
import { isNearLimit } from './near-limit.ts';
import type { LimitUnit } from './units.ts';

/**
 * Sliding-window *counter* (two fixed windows, the previous one weighted), not a sliding log.
 *
 * The sliding window of one unit ending now covers the tail of the previous fixed window and the
 * head of the current one. Its count is estimated as
 *
 *     estimate = ceil(previous × weight / WEIGHT_STEPS) + current
 *
 * where `weight / WEIGHT_STEPS` is the share of the previous window still inside the sliding one,
 * rounded up to a step. A hit of `h` is admitted when `estimate + h <= limit`.
 *
 * What is approximate: the weighting assumes the previous window's hits were spread evenly. Over
 * a real interval of one unit it may admit more than the limit (at most twice, when the previous
 * window's hits all came at its very end) or fewer.
 * What is exact: the rule above, on the true counts. Every batch is applied atomically where the
 * counters live (one Lua call in Redis), so any concurrency, on any number of replicas, admits
 * exactly the hits a single caller applying the rule one hit at a time would admit: N concurrent
 * one-hit calls at an instant where the weighted previous count is P admit exactly
 * min(N, max(0, limit - P - current)).
 *
 * All arithmetic is on integers below 2^53 (weight ≤ 65,536; a count below 2^37; windows up to a
 * year in ms), so this module and the Redis script compute bit-identical results.
 */

/**
 * Resolution of the previous window's weight. 2^16 keeps `previous × weight` and
 * `window length (ms) × WEIGHT_STEPS` (a year: 2.1e15) exact in doubles, where Lua (Redis) does
 * its arithmetic, while a step is at most 1 ms for windows up to a minute (65.5 s) and the
 * weighted count rounds up by less than one hit for any previous count up to 65,536.
 */
export const WEIGHT_STEPS = 65_536;

/** Where a sliding window stands at one instant. */
export interface SlidingPosition {
  /** The current fixed window. */
  window: Window;
  /** Start of the fixed window before it (the weighted one). */
  previousStartMs: number;
  /** End of the fixed window after it: the counts are still needed until then. */
  nextEndMs: number;
  /** Share of the previous window inside the sliding one, in 1/WEIGHT_STEPS, rounded up. */
  weight: number;
}

/** The two counts the estimate is made of. */
export interface SlidingCounts {
  previous: number;
  current: number;
}

/** What the store keeps per key: the counts, and the current window they belong to. */
export interface SlidingState extends SlidingCounts {
  startMs: number;
}

/** The sliding window of `unit` at `nowMs` (calendar units as in `fixedWindow`). */
export function slidingPosition(nowMs: number, unit: LimitUnit): SlidingPosition {
  const window = fixedWindow(nowMs, unit);
  const length = window.endMs - window.startMs;
  return {
    window,
    previousStartMs: fixedWindow(window.startMs - 1, unit).startMs,
    nextEndMs: fixedWindow(window.endMs, unit).endMs,
    weight: Math.ceil(((window.endMs - nowMs) * WEIGHT_STEPS) / length),
  };
}

/**
 * The counts a stored state gives at `position`: its windows move on as time does. A state
 * stored for a later window was written by a replica whose clock is ahead: our current window is
 * its previous one, and ours before that is unknown to it (taken as 0; this lasts as long as the
 * clocks' skew).
 */
export function slidingCounts(stored: SlidingState | undefined, position: Pick<SlidingPosition, 'window' | 'previousStartMs'>): SlidingCounts {
  if (stored === undefined) return { previous: 0, current: 0 };
  if (stored.startMs === position.window.startMs) return { previous: stored.previous, current: stored.current };
  if (stored.startMs === position.previousStartMs) return { previous: stored.current, current: 0 };
  if (stored.startMs > position.window.startMs) return { previous: 0, current: stored.previous };
  return { previous: 0, current: 0 };
}

/**
 * The state to store once the current count is `current`. A later window's state (a replica
 * ahead) keeps its window and its own count; only its previous count, ours, changes.
 */
export function slidingStored(stored: SlidingState | undefined, position: Pick<SlidingPosition, 'window'>, counts: SlidingCounts): SlidingState {
  if (stored !== undefined && stored.startMs > position.window.startMs) return { startMs: stored.startMs, current: stored.current, previous: counts.current };
  return { startMs: position.window.startMs, current: counts.current, previous: counts.previous };
}

/** The previous window's count weighted by `weight`, rounded up to whole hits. */
export function weightedPrevious(previous: number, weight: number): number {
  return Math.ceil((previous * weight) / WEIGHT_STEPS);
}

/** Estimates after each hit of a batch, and the current count once the batch is applied. */
export interface SlidingCount {
  /** Per hit, in order: the estimate as this hit sees it after adding its own hits. */
  after: number[];
  /** The current window's count once the batch is applied. */
  current: number;
}

/**
 * Applies a batch of hits, in order, at one instant. A hit is admitted when `after <= limit`.
 * With `stopCountingOverLimit` a rejected hit is not added to the current count. The Redis
 * script implements exactly this.
 */
export function countSliding(counts: SlidingCounts, hits: readonly number[], limit: number, weight: number, stopCountingOverLimit: boolean): SlidingCount {
  const base = weightedPrevious(counts.previous, weight);
  const after: number[] = [];
  let current = counts.current;
  for (const h of hits) {
    const next = base + current + h;
    after.push(next);
    if (!stopCountingOverLimit || next <= limit) current += h;
  }
  return { after, current };
}

/**
 * The decision for a hit of `hits` that saw `counts` (before its own hits) and brought the
 * estimate to `after`. `resetMs`: when admitted, the time until the current window ends; when
 * rejected, the time until the same hit would fit if no other hit came (a hint: the next
 * window's length is taken to be the current one's).
 */
export function decideSliding(limit: number, after: number, hits: number, counts: SlidingCounts, position: SlidingPosition, nowMs: number): HitResult {
  const over = after > limit;
  const { window } = position;
  return {
    code: over ? 'OVER_LIMIT' : 'OK',
    limit,
    remaining: over ? 0 : limit - after,
    resetMs: over ? Math.max(0, fitsAt(limit, hits, counts, window) - nowMs) : Math.max(0, window.endMs - nowMs),
    nearLimit: isNearLimit(limit, after, over),
  };
}

/** The first instant at which `hits` fit, with no other hit coming. */
function fitsAt(limit: number, hits: number, counts: SlidingCounts, window: Window): number {
  const length = window.endMs - window.startMs;
  const room = limit - counts.current - hits;
  if (room >= 0) return firstInstantWithin(room, counts.previous, window.endMs, length);
  const roomNext = limit - hits;
  if (roomNext < 0) return window.endMs + length;
  return firstInstantWithin(roomNext, counts.current, window.endMs + length, length);
}

/** The first instant of the window ending at `endMs` where `previous` weighs at most `room`. */
function firstInstantWithin(room: number, previous: number, endMs: number, length: number): number {
  if (previous === 0) return endMs - length;
  const maxWeight = Math.floor((room * WEIGHT_STEPS) / previous);
  return endMs - Math.min(length, Math.floor((maxWeight * length) / WEIGHT_STEPS));
}
