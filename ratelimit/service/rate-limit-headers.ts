import type { Unit } from '../../api/rate-limit.ts';
import type { RlsHeader } from './rls-types.ts';

export const LIMIT_HEADER = 'x-ratelimit-limit';
export const REMAINING_HEADER = 'x-ratelimit-remaining';
export const RESET_HEADER = 'x-ratelimit-reset';

const UNIT_SECONDS: Record<Unit, number> = { SECOND: 1, MINUTE: 60, HOUR: 3600, DAY: 86_400 };

/** The numbers behind the headers of one counted descriptor. */
export interface HeaderSource {
  limit: number;
  unit: Unit;
  remaining: number;
  resetMs: number;
}

/**
 * `x-ratelimit-*` headers in the style of draft-polli-ratelimit-headers-03, for the descriptor
 * closest to its limit (fewest remaining; the first on ties):
 * `x-ratelimit-limit: <limit>, <limit>;w=<window seconds>`, `x-ratelimit-remaining: <n>`,
 * `x-ratelimit-reset: <seconds until reset, rounded up>`. Empty when nothing was counted.
 */
export function rateLimitHeaders(sources: readonly HeaderSource[]): RlsHeader[] {
  let pick: HeaderSource | undefined;
  for (const s of sources) if (pick === undefined || s.remaining < pick.remaining) pick = s;
  if (pick === undefined) return [];
  return [
    { key: LIMIT_HEADER, value: `${pick.limit}, ${pick.limit};w=${UNIT_SECONDS[pick.unit]}` },
    { key: REMAINING_HEADER, value: String(pick.remaining) },
    { key: RESET_HEADER, value: String(Math.ceil(pick.resetMs / 1000)) },
  ];
}
