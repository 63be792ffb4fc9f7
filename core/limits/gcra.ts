import type { HitResult } from './hit.ts';
import { isNearLimit } from './near-limit.ts';

/**
 * Token bucket as GCRA (generic cell rate algorithm): a bucket of `limit` tokens refilled at
 * `limit` per unit is the same as tracking the theoretical arrival time (TAT) of the next
 * request, each hit pushing it by the emission interval T = unit / limit, and admitting a hit
 * while TAT - now <= unit (burst = limit). Rejected hits do not move TAT.
 *
 * T is rarely a whole number of milliseconds (1000 / 3), and floating point would make the
 * limit-th hit of a burst fail by one ulp, so instants are kept exactly: `ms` plus `frac`
 * parts of 1/limit ms. Exact while unit (ms) x limit < 2^53, i.e. limit < ~10^8 per DAY.
 * The Redis script does the same integer arithmetic.
 */
export interface Tat {
  ms: number;
  /** Sub-millisecond part in units of 1/limit ms, 0 <= frac < limit. */
  frac: number;
  /** The limit `frac` is expressed in. */
  limit: number;
}

export interface GcraResult {
  /** True when the hits fit into the bucket. */
  allowed: boolean;
  /** TAT to store (unchanged when not allowed). */
  tat: Tat;
  /** TAT the hits would have produced; equals `tat` when allowed. */
  candidate: Tat;
}

/** `tat` expressed in 1/limit ms; a different limit rounds it up to the next whole ms (conservative). */
function inLimit(tat: Tat, limit: number): Tat {
  if (tat.limit === limit) return tat;
  return { ms: tat.frac > 0 ? tat.ms + 1 : tat.ms, frac: 0, limit };
}

function isAfter(tat: Tat, nowMs: number): boolean {
  return tat.ms > nowMs || (tat.ms === nowMs && tat.frac > 0);
}

/** TAT moved forward by `hits` emission intervals of unitMs / limit. */
function advance(tat: Tat, hits: number, unitMs: number): Tat {
  const q = Math.floor(unitMs / tat.limit);
  const r = unitMs % tat.limit;
  const frac = tat.frac + hits * r;
  return { ms: tat.ms + hits * q + Math.floor(frac / tat.limit), frac: frac % tat.limit, limit: tat.limit };
}

/** Applies `hits` at `nowMs` to a bucket whose stored TAT is `tat` (undefined: full bucket). */
export function gcra(tat: Tat | undefined, nowMs: number, limit: number, unitMs: number, hits: number): GcraResult {
  const stored = tat === undefined ? undefined : inLimit(tat, limit);
  const base = stored !== undefined && isAfter(stored, nowMs) ? stored : { ms: nowMs, frac: 0, limit };
  const candidate = advance(base, hits, unitMs);
  const ahead = candidate.ms - nowMs;
  const allowed = ahead < unitMs || (ahead === unitMs && candidate.frac === 0);
  return { allowed, tat: allowed ? candidate : base, candidate };
}

/** Whole milliseconds from `nowMs` until `tat`, rounded up, never negative. */
function msUntil(tat: Tat, nowMs: number): number {
  return Math.max(0, tat.ms - nowMs + (tat.frac > 0 ? 1 : 0));
}

/**
 * The decision for a GCRA outcome. `remaining` counts whole tokens left after the hits (0 when
 * rejected); `resetMs` is, when allowed, the time until the bucket is full again, and when
 * rejected, the time until the same hits would fit.
 */
export function decideGcra(result: Pick<GcraResult, 'allowed' | 'tat' | 'candidate'>, nowMs: number, limit: number, unitMs: number): HitResult {
  if (!result.allowed) {
    const fitsAt = { ...result.candidate, ms: result.candidate.ms - unitMs };
    return { code: 'OVER_LIMIT', limit, remaining: 0, resetMs: msUntil(fitsAt, nowMs), nearLimit: false };
  }
  const tat = inLimit(result.tat, limit);
  // Free room in 1/limit ms, one token being unitMs of those.
  const slack = (nowMs + unitMs - tat.ms) * limit - tat.frac;
  const remaining = Math.max(0, Math.min(limit, Math.floor(slack / unitMs)));
  return { code: 'OK', limit, remaining, resetMs: msUntil(tat, nowMs), nearLimit: isNearLimit(limit, limit - remaining, false) };
}
