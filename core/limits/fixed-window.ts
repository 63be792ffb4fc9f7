import type { HitResult } from './hit.ts';
import { isNearLimit } from './near-limit.ts';
import { unitMs, type LimitUnit } from './units.ts';

/** One window: [startMs, endMs). */
export interface Window {
  startMs: number;
  endMs: number;
}

const DAY_MS = 86_400_000;
/** 1970-01-01, day 0 of the epoch, was a Thursday: 3 days after a Monday. */
const EPOCH_DAYS_AFTER_MONDAY = 3;

/**
 * The window of `unit` that contains `nowMs`. SECOND to DAY are epoch-aligned (a window starts at
 * a multiple of the unit since the epoch, as in the reference service; for these units that is
 * also the UTC calendar). WEEK, MONTH and YEAR are UTC calendar periods: the ISO week from Monday
 * 00:00, the month from its 1st, the year from 1 January, so a monthly quota renews on the 1st
 * whatever the month's length.
 */
export function fixedWindow(nowMs: number, unit: LimitUnit): Window {
  switch (unit) {
    case 'WEEK': {
      const day = Math.floor(nowMs / DAY_MS);
      const monday = day - ((((day + EPOCH_DAYS_AFTER_MONDAY) % 7) + 7) % 7);
      return { startMs: monday * DAY_MS, endMs: (monday + 7) * DAY_MS };
    }
    case 'MONTH': {
      const at = new Date(nowMs);
      return { startMs: Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1), endMs: Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1) };
    }
    case 'YEAR': {
      const year = new Date(nowMs).getUTCFullYear();
      return { startMs: Date.UTC(year, 0, 1), endMs: Date.UTC(year + 1, 0, 1) };
    }
    default: {
      const length = unitMs(unit);
      const startMs = Math.floor(nowMs / length) * length;
      return { startMs, endMs: startMs + length };
    }
  }
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
