/**
 * How long a failed key waits before its retry: the larger of a per-key exponential backoff and
 * an overall token bucket (the same pairing as client-go's default controller rate limiter).
 */

/** First retry after 100 ms: long enough to ride out a conflict on a just-written object. */
export const BASE_RETRY_DELAY_MS = 100;
/** Never wait longer than a minute: a fixed cluster must be noticed promptly. */
export const MAX_RETRY_DELAY_MS = 60_000;
/** Overall retries per second across keys, so a cluster-wide failure cannot hammer the API server. */
export const RETRY_RATE_PER_SECOND = 50;
/** Burst of retries allowed at once (e.g. all keys failing together after an API server blip). */
export const RETRY_BURST = 300;

/** Per-key exponential backoff: base·2^failures, capped. */
export class ItemBackoff {
  readonly #base: number;
  readonly #max: number;
  readonly #failures = new Map<string, number>();

  constructor(baseMs = BASE_RETRY_DELAY_MS, maxMs = MAX_RETRY_DELAY_MS) {
    this.#base = baseMs;
    this.#max = maxMs;
  }

  /** Records one more failure of `key` and returns the delay before its retry. */
  next(key: string): number {
    const n = this.#failures.get(key) ?? 0;
    this.#failures.set(key, n + 1);
    // Past 2^30 the product overflows nothing useful; the cap has long been reached.
    return Math.min(this.#base * 2 ** Math.min(n, 30), this.#max);
  }

  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }
}

/**
 * A token bucket that hands out reservations: `reserve()` takes a token now if one is left (delay
 * 0), otherwise books the next free one and returns how long until it is due. Tokens may go
 * negative, which is what makes successive reservations queue up at `rate` per second.
 */
export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;

  constructor(ratePerSecond: number, burst: number, now: () => number = Date.now) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new Error(`token bucket: rate must be > 0 and burst >= 1, got rate=${ratePerSecond} burst=${burst}`);
    this.#rate = ratePerSecond;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#last = now();
  }

  #refill(): void {
    const t = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((t - this.#last) / 1000) * this.#rate);
    this.#last = t;
  }

  /** Books one token; returns the wait in ms (0 when a token was available). */
  reserve(): number {
    this.#refill();
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens / this.#rate) * 1000);
  }

  /** Takes a token only if one is available now; never books ahead. */
  tryTake(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

export interface RetryLimiterOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  ratePerSecond?: number;
  burst?: number;
  now?: () => number;
}

/** The retry delay of a key: max(per-key backoff, overall bucket reservation). */
export class RetryLimiter {
  readonly #backoff: ItemBackoff;
  readonly #bucket: TokenBucket;

  constructor(opts: RetryLimiterOptions = {}) {
    this.#backoff = new ItemBackoff(opts.baseDelayMs, opts.maxDelayMs);
    this.#bucket = new TokenBucket(opts.ratePerSecond ?? RETRY_RATE_PER_SECOND, opts.burst ?? RETRY_BURST, opts.now);
  }

  when(key: string): number {
    return Math.max(this.#backoff.next(key), this.#bucket.reserve());
  }

  failures(key: string): number {
    return this.#backoff.failures(key);
  }

  forget(key: string): void {
    this.#backoff.forget(key);
  }
}
