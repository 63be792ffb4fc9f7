import { performance } from 'node:perf_hooks';
import type { QuotaTableSource } from '../config/quota-source.ts';
import type { QuotaEntry } from '../../core/ratelimit/quota-table.ts';
import type { HitRequest, HitResult } from '../../core/limits/hit.ts';
import { StoreUnavailableError, type CounterStore } from '../store/counter-store.ts';
import { DeadlineGuard } from '../store/deadline.ts';
import { assembleResponse, failureModeResponse } from './assemble-response.ts';
import { planDescriptors, type DescriptorPlan } from './descriptor-plan.ts';
import type { RlsMetrics } from './rls-metrics.ts';
import type { RlsRequest, RlsResponse } from './rls-types.ts';
import { NotReadyError } from './service-errors.ts';

/**
 * Deadline handed to the store, measured from when the store sends its command: below Envoy's
 * 20 ms default timeout, leaving room for the network.
 */
export const STORE_DEADLINE_MS = 15;
/**
 * The store owns its deadline; this guard only catches a store that breaks that contract. Its
 * clock starts where a store sends (after the current turn of the event loop, see DeadlineGuard)
 * and the 2 ms grace lets a well-behaved store's own StoreUnavailableError arrive first.
 */
export const STORE_GUARD_GRACE_MS = 2;

export interface DeciderOptions {
  source: QuotaTableSource;
  store: CounterStore;
  metrics: RlsMetrics;
  /** Epoch ms; injected so tests pin time. Default Date.now. */
  now?: () => number;
  storeDeadlineMs?: number;
  /** Add `x-ratelimit-*` response headers. Default false. */
  rateLimitHeaders?: boolean;
}

/** How a decision is being asked for. */
export interface DecideMode {
  /** False: check only (hits 0, no per-quota metrics), as the debug API does by default. */
  count: boolean;
}

/**
 * Answers ShouldRateLimit for a validated request: matches descriptors to quotas, counts them in
 * the store within the deadline, and assembles the response. Never throws for store trouble:
 * an unavailable, failing or hanging store is answered by the quotas' failure mode. Throws
 * NotReadyError before the first quota table is loaded.
 */
export class RateLimitDecider {
  readonly #source: QuotaTableSource;
  readonly #store: CounterStore;
  readonly #metrics: RlsMetrics;
  readonly #now: () => number;
  readonly #deadlineMs: number;
  readonly #guard: DeadlineGuard;
  readonly #headers: boolean;
  readonly #overrideEntries = new Map<string, QuotaEntry>();

  constructor(options: DeciderOptions) {
    this.#source = options.source;
    this.#store = options.store;
    this.#metrics = options.metrics;
    this.#now = options.now ?? Date.now;
    this.#deadlineMs = options.storeDeadlineMs ?? STORE_DEADLINE_MS;
    this.#guard = new DeadlineGuard(this.#deadlineMs + STORE_GUARD_GRACE_MS, 'store');
    this.#headers = options.rateLimitHeaders ?? false;
  }

  async decide(req: RlsRequest, mode: DecideMode): Promise<RlsResponse> {
    const started = performance.now();
    const snapshot = this.#source.current();
    if (snapshot === undefined) throw new NotReadyError('no quota table loaded yet');
    const plans = planDescriptors(req, snapshot.index, mode.count, (domain) => this.#overrideEntry(domain));
    const hits: HitRequest[] = [];
    for (const plan of plans) if (plan.kind === 'counted') hits.push(plan.hit);
    let response: RlsResponse;
    if (hits.length === 0) {
      response = assembleResponse(plans, [], this.#headers);
    } else {
      try {
        const results = await this.#hitWithin(hits);
        if (mode.count) this.#count(plans, results);
        response = assembleResponse(plans, results, this.#headers);
      } catch (err) {
        this.#metrics.storeError(err instanceof StoreUnavailableError ? 'unavailable' : 'unexpected');
        response = failureModeResponse(plans);
        this.#metrics.failureMode(response.overall_code === 'OVER_LIMIT' ? 'deny' : 'allow');
      }
    }
    this.#metrics.decisionSeconds.observe((performance.now() - started) / 1000);
    return response;
  }

  /** The store's answer, or StoreUnavailableError shortly after the deadline even if the store itself hangs. */
  async #hitWithin(hits: HitRequest[]): Promise<HitResult[]> {
    const results = await this.#guard.bound(this.#store.hit(hits, this.#now(), this.#deadlineMs));
    if (results.length !== hits.length) throw new Error(`store returned ${results.length} results for ${hits.length} hits`);
    return results;
  }

  #count(plans: readonly DescriptorPlan[], results: readonly HitResult[]): void {
    let r = 0;
    for (const plan of plans) {
      if (plan.kind !== 'counted') continue;
      const result = results[r++] as HitResult;
      const series = this.#metrics.quota(plan.quota);
      const hits = plan.hit.hits;
      series.total.inc(hits);
      if (result.nearLimit) series.nearLimit.inc(hits);
      if (result.code === 'OVER_LIMIT') {
        series.overLimit.inc(hits);
        if (plan.shadow) series.shadow.inc(hits);
      }
    }
  }

  /** The entry counting limit overrides of descriptors no quota matches (one per known domain). */
  #overrideEntry(domain: string): QuotaEntry {
    let entry = this.#overrideEntries.get(domain);
    if (entry === undefined) {
      entry = { id: `${domain}/limit-override`, domain, entries: [], requestsPerUnit: 0, unit: 'SECOND', shadow: false, algorithm: 'fixedWindow', failureMode: 'allow' };
      this.#overrideEntries.set(domain, entry);
    }
    return entry;
  }
}
