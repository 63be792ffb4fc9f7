import { countWindow, decideWindow } from '../../core/limits/fixed-window.ts';
import { decideGcra, gcra, type Tat } from '../../core/limits/gcra.ts';
import type { HitRequest, HitResult } from '../../core/limits/hit.ts';
import { countSliding, decideSliding, slidingCounts, slidingStored, type SlidingState } from '../../core/limits/sliding-window.ts';
import type { CounterStore } from './counter-store.ts';
import { planHit, type HitPlan } from './hit-plan.ts';

/**
 * How often (in the callers' clock) expired counters are dropped. One second keeps memory
 * bounded by the keys active in the last window plus a second, at the cost of one map scan
 * per second.
 */
const SWEEP_INTERVAL_MS = 1_000;
/**
 * Most counters held at once. A counter costs about 180 bytes of heap with a typical key (measured:
 * 100,000 counters with 75-character keys = 18 MB), so the bound keeps the store to tens of MB
 * while a flood of distinct descriptors (a header value per caller, say) would otherwise grow it
 * until the process dies. A single replica with more live keys than this wants Redis.
 */
export const MAX_COUNTERS = 100_000;
/**
 * Counters dropped at once when the store is full of live ones: finding the expired ones first
 * scans every counter, so making room for 1% at a time keeps that cost per insert small.
 */
const EVICTION_BATCH_RATIO = 0.01;

export interface MemoryStoreOptions {
  /** Prepended to every key (default ''). */
  keyPrefix?: string;
  /** Do not count hits that are rejected (default true); false counts every hit, like the reference. */
  stopCountingOverLimit?: boolean;
  /** Most counters held at once (default MAX_COUNTERS). */
  maxCounters?: number;
}

interface Slot {
  value: number | Tat | SlidingState;
  expiresAtMs: number;
}

/**
 * Exact counters in this process, for a single replica, a demo or tests. Same keys and
 * decisions as the Redis store; a counter disappears once its window (or bucket refill) is over.
 * At most `maxCounters` are held: to make room the expired ones go first, then the oldest (by
 * creation). An evicted live counter starts again from zero, so its key may admit up to its limit
 * again within the window; `evictions()` counts them (exported as a metric) so that it is seen.
 */
export class MemoryStore implements CounterStore {
  readonly #slots = new Map<string, Slot>();
  readonly #prefix: string;
  readonly #stopCounting: boolean;
  readonly #maxCounters: number;
  #lastSweepMs = -Infinity;
  #evictions = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.#prefix = options.keyPrefix ?? '';
    this.#stopCounting = options.stopCountingOverLimit ?? true;
    this.#maxCounters = Math.max(1, options.maxCounters ?? MAX_COUNTERS);
  }

  hit(requests: readonly HitRequest[], nowMs: number, _deadlineMs: number): Promise<HitResult[]> {
    try {
      this.#sweep(nowMs);
      const plans = requests.map((r) => planHit(r, this.#prefix, nowMs));
      return Promise.resolve(plans.map((p) => this.#apply(p, nowMs)));
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  healthy(): boolean {
    return true;
  }

  close(): Promise<void> {
    this.#slots.clear();
    return Promise.resolve();
  }

  /** Number of live counters (for tests of bounded memory). */
  get size(): number {
    return this.#slots.size;
  }

  evictions(): number {
    return this.#evictions;
  }

  #apply(plan: HitPlan, nowMs: number): HitResult {
    const slot = this.#slots.get(plan.key);
    const live = slot !== undefined && slot.expiresAtMs > nowMs ? slot.value : undefined;
    if (plan.kind === 'window') {
      const counted = countWindow(typeof live === 'number' ? live : 0, [plan.hits], plan.limit, this.#stopCounting);
      if (counted.count > 0) this.#store(plan.key, { value: counted.count, expiresAtMs: plan.window.endMs }, nowMs);
      return decideWindow(plan.limit, counted.after[0] ?? 0, plan.window, nowMs);
    }
    if (plan.kind === 'sliding') return this.#applySliding(plan, typeof live === 'object' && 'previous' in live ? live : undefined, nowMs);
    const result = gcra(typeof live === 'object' && 'frac' in live ? live : undefined, nowMs, plan.limit, plan.unitMs, plan.hits);
    // The bucket is full again (and the state worthless) once TAT has passed.
    this.#store(plan.key, { value: result.tat, expiresAtMs: result.tat.ms + 1 }, nowMs);
    return decideGcra(result, nowMs, plan.limit, plan.unitMs);
  }

  #applySliding(plan: Extract<HitPlan, { kind: 'sliding' }>, stored: SlidingState | undefined, nowMs: number): HitResult {
    const counts = slidingCounts(stored, plan.position);
    const counted = countSliding(counts, [plan.hits], plan.limit, plan.position.weight, this.#stopCounting);
    if (counted.current !== counts.current) {
      const value = slidingStored(stored, plan.position, { previous: counts.previous, current: counted.current });
      // Needed until the window after the current one ends, when its count stops weighing.
      this.#store(plan.key, { value, expiresAtMs: plan.position.nextEndMs }, nowMs);
    }
    return decideSliding(plan.limit, counted.after[0] ?? 0, plan.hits, counts, plan.position, nowMs);
  }

  #store(key: string, slot: Slot, nowMs: number): void {
    if (!this.#slots.has(key) && this.#slots.size >= this.#maxCounters) this.#makeRoom(nowMs);
    this.#slots.set(key, slot);
  }

  /** Drops the expired counters, then, if still full, the oldest live ones (Map order is creation order). */
  #makeRoom(nowMs: number): void {
    this.#sweep(nowMs, true);
    if (this.#slots.size < this.#maxCounters) return;
    let excess = this.#slots.size - this.#maxCounters + Math.ceil(this.#maxCounters * EVICTION_BATCH_RATIO);
    for (const key of this.#slots.keys()) {
      if (excess-- <= 0) break;
      this.#slots.delete(key);
      this.#evictions++;
    }
  }

  #sweep(nowMs: number, force = false): void {
    if (!force && nowMs - this.#lastSweepMs < SWEEP_INTERVAL_MS) return;
    this.#lastSweepMs = nowMs;
    for (const [key, slot] of this.#slots) if (slot.expiresAtMs <= nowMs) this.#slots.delete(key);
  }
}
