import { unitSeconds, type LimitUnit } from '../../core/limits/units.ts';
import type { RlsHeader } from './rls-types.ts';

export const LIMIT_HEADER = 'x-ratelimit-limit';
export const REMAINING_HEADER = 'x-ratelimit-remaining';
export const RESET_HEADER = 'x-ratelimit-reset';

/** The numbers behind the headers of one counted descriptor. */
export interface HeaderSource {
  limit: number;
  unit: LimitUnit;
  remaining: number;
  resetMs: number;
}

/**
 * `x-ratelimit-*` headers in the style of draft-polli-ratelimit-headers-03, for the descriptor
 * closest to its limit (fewest remaining; the first on ties):
 * `x-ratelimit-limit: <limit>, <limit>;w=<window seconds>`, `x-ratelimit-remaining: <n>`,
 * `x-ratelimit-reset: <seconds until reset, rounded up>`. Empty when nothing was counted. `w` is
 * the unit's nominal length (WEEK, MONTH, YEAR: 7, 30, 365 days, as in Envoy's own headers).
 */
export function rateLimitHeaders(sources: readonly HeaderSource[]): RlsHeader[] {
  let pick: HeaderSource | undefined;
  for (const s of sources) if (pick === undefined || s.remaining < pick.remaining) pick = s;
  if (pick === undefined) return [];
  return [
    { key: LIMIT_HEADER, value: `${pick.limit}, ${pick.limit};w=${unitSeconds(pick.unit)}` },
    { key: REMAINING_HEADER, value: String(pick.remaining) },
    { key: RESET_HEADER, value: String(Math.ceil(pick.resetMs / 1000)) },
  ];
}
