/** A backend's injected fault: a share of requests answered 500, and latency added to every answer. */
export interface Fault {
  /** Share of requests answered 500, in [0, 1]. Default 0. */
  errorRate?: number;
  /** Added to every answer before it is sent, in ms (≥ 0). Default 0. */
  delayMs?: number;
}

/** What to do with one request. */
export interface FaultDecision {
  status: 200 | 500;
  delayMs: number;
}

/**
 * The fault knob of one backend. Deterministic, so a test can know its numbers: with error rate
 * r, the n-th request since the last `set` (n = 1, 2, …) fails when ⌊n·r⌋ > ⌊(n−1)·r⌋, so any run
 * of k consecutive requests holds ⌊k·r⌋ or ⌈k·r⌉ failures (r = 0.3: requests 4, 7, 10 of every
 * ten fail). `set` validates and restarts the sequence; a bad value throws and keeps the old fault.
 */
export class FaultKnob {
  #errorRate = 0;
  #delayMs = 0;
  #n = 0;

  set(fault: Fault): void {
    const errorRate = fault.errorRate ?? 0;
    const delayMs = fault.delayMs ?? 0;
    if (!Number.isFinite(errorRate) || errorRate < 0 || errorRate > 1) throw new RangeError(`fault: errorRate must be in [0, 1], got ${errorRate}`);
    if (!Number.isFinite(delayMs) || delayMs < 0) throw new RangeError(`fault: delayMs must be a finite number ≥ 0, got ${delayMs}`);
    this.#errorRate = errorRate;
    this.#delayMs = delayMs;
    this.#n = 0;
  }

  get(): Required<Fault> {
    return { errorRate: this.#errorRate, delayMs: this.#delayMs };
  }

  /** Decides the next request (advancing the sequence). */
  next(): FaultDecision {
    this.#n++;
    const fails = Math.floor(this.#n * this.#errorRate + 1e-9) > Math.floor((this.#n - 1) * this.#errorRate + 1e-9);
    return { status: fails ? 500 : 200, delayMs: this.#delayMs };
  }
}
