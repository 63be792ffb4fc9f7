import { countWindow, decideWindow } from '../../core/limits/fixed-window.ts';
import { decideGcra, gcra, type Tat } from '../../core/limits/gcra.ts';
import type { HitRequest, HitResult } from '../../core/limits/hit.ts';
import type { CounterStore } from './counter-store.ts';
import { planHit, type HitPlan } from './hit-plan.ts';

/**
 * How often (in the callers' clock) expired counters are dropped. One second keeps memory
 * bounded by the keys active in the last window plus a second, at the cost of one map scan
 * per second.
 */
const SWEEP_INTERVAL_MS = 1_000;

export interface MemoryStoreOptions {
  /** Prepended to every key (default ''). */
  keyPrefix?: string;
  /** Do not count hits that are rejected (default true); false counts every hit, like the reference. */
  stopCountingOverLimit?: boolean;
}

interface Slot {
  value: number | Tat;
  expiresAtMs: number;
}

/**
 * Exact counters in this process, for a single replica, a demo or tests. Same keys and
 * decisions as the Redis store; a counter disappears once its window (or bucket refill) is over.
 */
export class MemoryStore implements CounterStore {
  readonly #slots = new Map<string, Slot>();
  readonly #prefix: string;
  readonly #stopCounting: boolean;
  #lastSweepMs = -Infinity;

  constructor(options: MemoryStoreOptions = {}) {
    this.#prefix = options.keyPrefix ?? '';
    this.#stopCounting = options.stopCountingOverLimit ?? true;
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

  #apply(plan: HitPlan, nowMs: number): HitResult {
    const slot = this.#slots.get(plan.key);
    const live = slot !== undefined && slot.expiresAtMs > nowMs ? slot.value : undefined;
    if (plan.kind === 'window') {
      const counted = countWindow(typeof live === 'number' ? live : 0, [plan.hits], plan.limit, this.#stopCounting);
      if (counted.count > 0) this.#slots.set(plan.key, { value: counted.count, expiresAtMs: plan.window.endMs });
      return decideWindow(plan.limit, counted.after[0] ?? 0, plan.window, nowMs);
    }
    const result = gcra(typeof live === 'object' ? live : undefined, nowMs, plan.limit, plan.unitMs, plan.hits);
    // The bucket is full again (and the state worthless) once TAT has passed.
    this.#slots.set(plan.key, { value: result.tat, expiresAtMs: result.tat.ms + 1 });
    return decideGcra(result, nowMs, plan.limit, plan.unitMs);
  }

  #sweep(nowMs: number): void {
    if (nowMs - this.#lastSweepMs < SWEEP_INTERVAL_MS) return;
    this.#lastSweepMs = nowMs;
    for (const [key, slot] of this.#slots) if (slot.expiresAtMs <= nowMs) this.#slots.delete(key);
  }
}
