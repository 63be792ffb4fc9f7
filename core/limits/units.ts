import type { Unit } from '../../api/rate-limit.ts';

/** Length of each rate-limit unit in seconds. */
export const UNIT_SECONDS: Readonly<Record<Unit, number>> = {
  SECOND: 1,
  MINUTE: 60,
  HOUR: 3_600,
  DAY: 86_400,
};

/** Length of `unit` in seconds. */
export function unitSeconds(unit: Unit): number {
  return UNIT_SECONDS[unit];
}

/** Length of `unit` in milliseconds. */
export function unitMs(unit: Unit): number {
  return UNIT_SECONDS[unit] * 1_000;
}
