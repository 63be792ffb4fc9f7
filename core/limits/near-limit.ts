/**
 * Share of the limit above which a hit counts as near the limit. 80% is the reference service's
 * default: high enough that a steady, healthy client stays below it, low enough that the
 * near-limit metric warns before callers start seeing OVER_LIMIT.
 */
export const NEAR_LIMIT_RATIO = 0.8;

/** Usage above this (an integer, so the comparison is exact) is near the limit. */
export function nearLimitThreshold(limit: number): number {
  return Math.floor(limit * NEAR_LIMIT_RATIO);
}

/** True when an admitted request brought usage to `used`, above the near-limit threshold. */
export function isNearLimit(limit: number, used: number, over: boolean): boolean {
  return !over && used > nearLimitThreshold(limit);
}
