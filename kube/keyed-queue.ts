import PQueue from 'p-queue';
import { RetryLimiter, type RetryLimiterOptions } from './retry-limiter.ts';
import type { ReconcileResult } from './types.ts';

/** What one run of a key produced: a reconcile result, or the error it threw. */
export type RunOutcome = ReconcileResult | { kind: 'error'; error: unknown };

/** What the queue decided after a run (reported to `onSettled`, e.g. for metrics and logs). */
export type Decision =
  | { action: 'forget' }
  | { action: 'retry'; afterMs: number; failures: number }
  | { action: 'requeue'; afterMs: number }
  | { action: 'stop'; reason: string };

export interface KeyedQueueOptions extends RetryLimiterOptions {
  /** Keys run in parallel (one key never runs twice at once). Default 1. */
  concurrency?: number;
  onSettled?: (key: string, outcome: RunOutcome, decision: Decision) => void;
}

/**
 * A work queue of string keys in front of a worker function:
 * - adding a key that is already waiting merges with it;
 * - a key never runs twice at once; a key added while it runs runs once more afterwards;
 * - p-queue caps how many different keys run at once;
 * - after each run, `settle` alone decides: error → retry with backoff; requeueAfter → schedule;
 *   done → forget failures; terminal → forget and wait for the next `add` (an object change).
 * The worker never touches the queue.
 */
/**
 * Longest timer the queue sets. Node's timers overflow above 2^31-1 ms (~24.8 days) and then fire
 * after 1 ms, which turned a filter expiring in years into a hot reconcile loop; a day is far
 * below that and costs one idle reconcile per key per day.
 */
export const MAX_REQUEUE_DELAY_MS = 24 * 60 * 60 * 1000;

export class KeyedQueue {
  readonly #run: (key: string) => Promise<RunOutcome>;
  readonly #pool: PQueue;
  readonly #limiter: RetryLimiter;
  readonly #onSettled: KeyedQueueOptions['onSettled'];
  /** Keys waiting to run (in the pool or marked to run again after their current run). */
  readonly #dirty = new Set<string>();
  readonly #running = new Set<string>();
  readonly #timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  #closed = false;

  constructor(run: (key: string) => Promise<RunOutcome>, opts: KeyedQueueOptions = {}) {
    this.#run = run;
    this.#pool = new PQueue({ concurrency: opts.concurrency ?? 1 });
    this.#limiter = new RetryLimiter(opts);
    this.#onSettled = opts.onSettled;
  }

  /** Asks for `key` to run; merged with a pending run. Ignored after shutdown. */
  add(key: string): void {
    if (this.#closed || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    // A running key is re-submitted when its run ends (see #runOnce), never concurrently.
    if (!this.#running.has(key)) void this.#pool.add(() => this.#runOnce(key));
  }

  /**
   * Adds `key` after `ms` (capped at MAX_REQUEUE_DELAY_MS: the reconcile then simply asks again);
   * when a timer is already pending for it, the earlier one wins.
   */
  addAfter(key: string, requestedMs: number): void {
    if (this.#closed) return;
    if (requestedMs <= 0) return this.add(key);
    const ms = Math.min(requestedMs, MAX_REQUEUE_DELAY_MS);
    const at = Date.now() + ms;
    const existing = this.#timers.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, ms);
    this.#timers.set(key, { at, timer });
  }

  /** Clears the failure count of `key` (its next failure starts again at the base delay). */
  forget(key: string): void {
    this.#limiter.forget(key);
  }

  failures(key: string): number {
    return this.#limiter.failures(key);
  }

  /** Keys waiting to run now (excludes running keys and scheduled timers). */
  get depth(): number {
    return [...this.#dirty].filter((k) => !this.#running.has(k)).length;
  }

  /** Keys with a scheduled (delayed) add. */
  get scheduled(): number {
    return this.#timers.size;
  }

  async #runOnce(key: string): Promise<void> {
    this.#dirty.delete(key);
    this.#running.add(key);
    let outcome: RunOutcome;
    try {
      outcome = await this.#run(key);
    } catch (error) {
      outcome = { kind: 'error', error };
    }
    this.#running.delete(key);
    this.#settle(key, outcome);
    if (this.#dirty.has(key) && !this.#closed) void this.#pool.add(() => this.#runOnce(key));
  }

  /** The one place a run's outcome becomes queue behaviour. */
  #settle(key: string, outcome: RunOutcome): void {
    // The latest run supersedes whatever an earlier run scheduled.
    this.#cancelTimer(key);
    let decision: Decision;
    switch (outcome.kind) {
      case 'error': {
        const afterMs = this.#limiter.when(key);
        decision = { action: 'retry', afterMs, failures: this.#limiter.failures(key) };
        this.addAfter(key, afterMs);
        break;
      }
      case 'requeueAfter':
        this.#limiter.forget(key);
        decision = { action: 'requeue', afterMs: outcome.ms };
        this.addAfter(key, outcome.ms);
        break;
      case 'done':
        this.#limiter.forget(key);
        decision = { action: 'forget' };
        break;
      case 'terminal':
        this.#limiter.forget(key);
        decision = { action: 'stop', reason: outcome.reason };
        break;
    }
    try {
      this.#onSettled?.(key, outcome, decision);
    } catch {
      // Observers (metrics, logs) must not break the queue.
    }
  }

  #cancelTimer(key: string): void {
    const t = this.#timers.get(key);
    if (t) clearTimeout(t.timer);
    this.#timers.delete(key);
  }

  /** Resolves when nothing waits or runs (scheduled timers are not waited for). */
  async drain(): Promise<void> {
    while (this.#dirty.size > 0 || this.#running.size > 0 || this.#pool.size > 0 || this.#pool.pending > 0) {
      await this.#pool.onIdle();
    }
  }

  /**
   * Stops accepting keys, drops waiting keys and timers, and resolves when the runs in flight have
   * finished (callers abort them through the reconcile signal to bound the wait).
   */
  async shutdown(): Promise<void> {
    this.#closed = true;
    for (const key of [...this.#timers.keys()]) this.#cancelTimer(key);
    this.#pool.clear();
    this.#dirty.clear();
    await this.#pool.onIdle();
  }
}
