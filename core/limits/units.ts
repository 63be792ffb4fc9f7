import { UNITS } from '../../api/rate-limit.ts';

/**
 * Every unit of Envoy's rate-limit protocol (`envoy.type.v3.RateLimitUnit`, and the response's
 * `RateLimitResponse.RateLimit.Unit`): a RateLimit's own units, plus WEEK, MONTH and YEAR, which a
 * descriptor's limit override may carry.
 */
export const LIMIT_UNITS = [...UNITS, 'WEEK', 'MONTH', 'YEAR'] as const;
export type LimitUnit = (typeof LIMIT_UNITS)[number];

/**
 * Nominal length of each unit in seconds. Fixed windows of WEEK, MONTH and YEAR follow the UTC
 * calendar (see `fixedWindow`); the nominal length is what a rate needs (token bucket refill, the
 * `w=` of the `x-ratelimit-limit` header). 30 and 365 days are the lengths Envoy itself gives MONTH
 * and YEAR in its rate-limit headers, and the reference service in its windows.
 */
export const UNIT_SECONDS: Readonly<Record<LimitUnit, number>> = {
  SECOND: 1,
  MINUTE: 60,
  HOUR: 3_600,
  DAY: 86_400,
  WEEK: 7 * 86_400,
  MONTH: 30 * 86_400,
  YEAR: 365 * 86_400,
};

/** Nominal length of `unit` in seconds. */
export function unitSeconds(unit: LimitUnit): number {
  return UNIT_SECONDS[unit];
}

/** Nominal length of `unit` in milliseconds. */
export function unitMs(unit: LimitUnit): number {
  return UNIT_SECONDS[unit] * 1_000;
}
