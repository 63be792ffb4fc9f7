import type { Unit } from '../../api/rate-limit.ts';
import type { HitResult } from './hit.ts';
import { isNearLimit } from './near-limit.ts';
import { unitMs } from './units.ts';

/** One epoch-aligned window: [startMs, endMs). */
export interface Window {
  startMs: number;
  endMs: number;
}

/** The window of `unit` that contains `nowMs`; windows start at multiples of the unit since the epoch. */
export function fixedWindow(nowMs: number, unit: Unit): Window {
  const length = unitMs(unit);
  const startMs = Math.floor(nowMs / length) * length;
  return { startMs, endMs: startMs + length };
}

/** Counter value after each hit of a batch, and the counter's final value. */
export interface WindowCount {
  /** Per hit, in order: the counter as this hit sees it after adding its own hits. */
  after: number[];
  /** What the counter holds once the batch is applied. */
  count: number;
}

/**
 * Applies a batch of hits, in order, to a window counter holding `count`. A hit is admitted when
 * `after <= limit`. With `stopCountingOverLimit` a rejected hit is not added (the counter never
 * grows while callers are blocked); without it every hit is added (the reference behaviour).
 * The Redis script implements exactly this.
 */
export function countWindow(count: number, hits: readonly number[], limit: number, stopCountingOverLimit: boolean): WindowCount {
  const after: number[] = [];
  let current = count;
  for (const h of hits) {
    const next = current + h;
    after.push(next);
    if (!stopCountingOverLimit || next <= limit) current = next;
  }
  return { after, count: current };
}

/** The decision for one hit that brought the counter to `after` in `window`, seen at `nowMs`. */
export function decideWindow(limit: number, after: number, window: Window, nowMs: number): HitResult {
  const over = after > limit;
  return {
    code: over ? 'OVER_LIMIT' : 'OK',
    limit,
    remaining: over ? 0 : limit - after,
    resetMs: Math.max(0, window.endMs - nowMs),
    nearLimit: isNearLimit(limit, after, over),
  };
}
