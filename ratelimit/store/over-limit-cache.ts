import { countWindow, decideWindow } from '../../core/limits/fixed-window.ts';
import { decideGcra, gcra, type Tat } from '../../core/limits/gcra.ts';
import type { HitResult } from '../../core/limits/hit.ts';
import { countSliding, decideSliding, type SlidingState } from '../../core/limits/sliding-window.ts';
import type { HitPlan } from './hit-plan.ts';

/**
 * Upper bound on remembered keys. An entry is a few dozen bytes plus its key, so 100k entries
 * stay within tens of MB even under a flood of distinct over-limit descriptors (one per caller,
 * with `spec.per`); past the bound the oldest entry makes room, and its key goes to Redis again.
 */
export const MAX_ENTRIES = 100_000;
/** Expired entries are dropped at most this often (callers' clock), keeping memory bounded. */
const SWEEP_INTERVAL_MS = 1_000;

type Floor = number | Tat | SlidingState;

interface Known {
  /** A lower bound of the key's value in Redis: a window count, a stored TAT, or sliding counts. */
  floor: Floor;
  expiresAtMs: number;
}

/**
 * Remembers what Redis said about keys at their limit, so that further hits that certainly do
 * not fit are answered locally, without a Redis call. Exact, also with other replicas counting:
 * within a window a counter only grows, and a TAT only moves forward, so a remembered value is a
 * lower bound, and "over even at the lower bound" means over. A sliding window's estimate grows
 * with both its counts (the previous window's too, which a replica whose clock is behind may still
 * be counting into), and is recomputed with the weight of each hit's own instant. Hits that might fit go to Redis.
 * Only valid when rejected hits need not be counted (GCRA always; fixed window with
 * stopCountingOverLimit) — the caller decides whether to use it.
 */
export class OverLimitCache {
  readonly #known = new Map<string, Known>();
  readonly #maxEntries: number;
  #lastSweepMs = -Infinity;
  #evictions = 0;

  constructor(maxEntries = MAX_ENTRIES) {
    this.#maxEntries = Math.max(1, maxEntries);
  }

  /** The local OVER_LIMIT answer for `plan` at `nowMs`, or undefined when Redis must decide. */
  answer(plan: HitPlan, nowMs: number): HitResult | undefined {
    const known = this.#known.get(plan.key);
    if (known === undefined || known.expiresAtMs <= nowMs || plan.hits === 0) return undefined;
    if (plan.kind === 'window' && typeof known.floor === 'number') {
      const after = countWindow(known.floor, [plan.hits], plan.limit, true).after[0] ?? 0;
      return after > plan.limit ? decideWindow(plan.limit, after, plan.window, nowMs) : undefined;
    }
    if (plan.kind === 'sliding' && isSliding(known.floor) && known.floor.startMs === plan.position.window.startMs) {
      const after = countSliding(known.floor, [plan.hits], plan.limit, plan.position.weight, true).after[0] ?? 0;
      return after > plan.limit ? decideSliding(plan.limit, after, plan.hits, known.floor, plan.position, nowMs) : undefined;
    }
    if (plan.kind === 'gcra' && typeof known.floor === 'object' && !isSliding(known.floor)) {
      const result = gcra(known.floor, nowMs, plan.limit, plan.unitMs, plan.hits);
      return result.allowed ? undefined : decideGcra(result, nowMs, plan.limit, plan.unitMs);
    }
    return undefined;
  }

  /** True when `key` has an entry (possibly expired). */
  has(key: string): boolean {
    return this.#known.has(key);
  }

  /** Records a value Redis reported for a key (worth it when the key is at its limit or known already). */
  remember(plan: HitPlan, floor: Floor, nowMs: number): void {
    this.#sweep(nowMs);
    const expiresAtMs = plan.kind === 'window' ? plan.window.endMs : plan.kind === 'sliding' ? plan.position.window.endMs : (floor as Tat).ms + 1;
    const previous = this.#known.get(plan.key);
    if (previous === undefined && this.#known.size >= this.#maxEntries) this.#evictOldest();
    // Replies of concurrent batches may arrive out of order; keep the larger lower bound.
    if (previous !== undefined && previous.expiresAtMs > nowMs && !isHigher(floor, previous.floor)) return;
    this.#known.set(plan.key, { floor, expiresAtMs });
  }

  get size(): number {
    return this.#known.size;
  }

  /** Live entries dropped to stay within the cap since start (each key then asks Redis again). */
  get evictions(): number {
    return this.#evictions;
  }

  /** Map order is insertion order: the first key is the one remembered longest ago. */
  #evictOldest(): void {
    const oldest = this.#known.keys().next();
    if (oldest.done === true) return;
    this.#known.delete(oldest.value);
    this.#evictions++;
  }

  #sweep(nowMs: number): void {
    if (nowMs - this.#lastSweepMs < SWEEP_INTERVAL_MS) return;
    this.#lastSweepMs = nowMs;
    for (const [key, known] of this.#known) if (known.expiresAtMs <= nowMs) this.#known.delete(key);
  }
}

function isSliding(floor: Floor): floor is SlidingState {
  return typeof floor === 'object' && 'previous' in floor;
}

function isHigher(a: Floor, b: Floor): boolean {
  if (typeof a === 'number' || typeof b === 'number') return typeof a === 'number' && typeof b === 'number' ? a > b : true;
  if (isSliding(a) || isSliding(b)) {
    if (!isSliding(a) || !isSliding(b)) return true;
    return a.startMs > b.startMs || (a.startMs === b.startMs && (a.current > b.current || a.previous > b.previous));
  }
  return a.ms > b.ms || (a.ms === b.ms && a.frac * b.limit > b.frac * a.limit);
}
