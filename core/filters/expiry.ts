import type { IstioFilter } from '../../api/istio-filter.ts';

/**
 * Added to an expiry before re-running: timers may fire a little early relative to the clock the
 * layering reads, and a re-run just before the expiry would find the filter still live.
 */
export const EXPIRY_MARGIN_MS = 500;

/** `spec.expiresAt` in epoch milliseconds; undefined when absent or unparsable (the filter never expires). */
function expiryTime(filter: IstioFilter): number | undefined {
  const at = filter.spec.expiresAt === undefined ? Number.NaN : Date.parse(filter.spec.expiresAt);
  return Number.isNaN(at) ? undefined : at;
}

/** True once `spec.expiresAt` is at or before `now`: the filter applies nothing from then on. */
export function isExpired(filter: IstioFilter, now: Date): boolean {
  const at = expiryTime(filter);
  return at !== undefined && at <= now.getTime();
}

/**
 * Milliseconds until the earliest expiry among `filters` that has not passed yet, or undefined.
 * An expiry is a time event no watch reports, so reconciles ask to be re-run at it.
 */
export function msUntilNextExpiry(filters: readonly IstioFilter[], now: Date): number | undefined {
  let next: number | undefined;
  for (const f of filters) {
    const at = expiryTime(f);
    if (at === undefined || at <= now.getTime()) continue;
    const ms = at - now.getTime();
    if (next === undefined || ms < next) next = ms;
  }
  return next;
}

/** When to look again for the next filter expiry (with `EXPIRY_MARGIN_MS`), or undefined when none is pending. */
export function expiryRequeueMs(filters: readonly IstioFilter[], now: Date): number | undefined {
  const ms = msUntilNextExpiry(filters, now);
  return ms === undefined ? undefined : ms + EXPIRY_MARGIN_MS;
}
