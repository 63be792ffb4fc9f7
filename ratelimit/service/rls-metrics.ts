import type { QuotaEntry } from '../../core/ratelimit/quota-table.ts';
import type { Registry } from 'prom-client';
import { MetricRegistry, type CappedLabels, type GaugeSeries, type HotPathHistogram, type Series } from './prometheus-registry.ts';
import type { ErrorDisposition } from './service-errors.ts';

/**
 * Per-quota series are labelled by quota id (a RateLimit `namespace/name` or a reference config
 * key), never by request values. 500 ids cover any realistic table; beyond that, series share
 * `quota="other"` so a runaway config cannot blow up Prometheus.
 */
export const MAX_QUOTA_SERIES = 500;

/** Seconds. Envoy's rate-limit call times out at 20 ms, so resolution is finest below that. */
export const DECISION_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.015, 0.02, 0.05, 0.1, 0.5];

interface QuotaSeries {
  total: Series;
  overLimit: Series;
  nearLimit: Series;
  shadow: Series;
}

/**
 * The rate-limit service's metrics, on the process's prom-client registry. Per-quota series are
 * prom-client children cached per QuotaEntry: a counted hit is a WeakMap lookup and `inc`, with no
 * label object built per request.
 */
export class RlsMetrics {
  readonly registry: MetricRegistry;
  /** Unlabelled; observed once per answer (see HotPathHistogram for why it is not prom-client's). */
  readonly decisionSeconds: HotPathHistogram;
  readonly #total: CappedLabels<Series>;
  readonly #overLimit: CappedLabels<Series>;
  readonly #nearLimit: CappedLabels<Series>;
  readonly #shadow: CappedLabels<Series>;
  readonly #storeErrors: CappedLabels<Series>;
  readonly #failureMode: CappedLabels<Series>;
  readonly #errors: CappedLabels<Series>;
  readonly #reloads: CappedLabels<Series>;
  readonly #quotaEntries: CappedLabels<GaugeSeries>;
  readonly #perEntry = new WeakMap<QuotaEntry, QuotaSeries>();
  /** Counters read from their owner's running count when the registry is exposed. */
  readonly #polled: { series: Series; read: () => number; seen: number }[] = [];

  /** `registry`: the process's registry, shared with anything else it runs; default a fresh one (tests). */
  constructor(registry?: Registry) {
    const r = (this.registry = new MetricRegistry(registry));
    this.#total = r.counter('switchyard_rls_descriptor_hits_total', 'Hits counted against a quota (sum of hits addends).', ['quota'], MAX_QUOTA_SERIES);
    this.#overLimit = r.counter('switchyard_rls_descriptor_over_limit_total', 'Hits that found their quota over limit.', ['quota'], MAX_QUOTA_SERIES);
    this.#nearLimit = r.counter('switchyard_rls_descriptor_near_limit_total', 'Hits that crossed the near-limit threshold.', ['quota'], MAX_QUOTA_SERIES);
    this.#shadow = r.counter('switchyard_rls_descriptor_shadow_total', 'Over-limit hits let through because the quota is in shadow mode.', ['quota'], MAX_QUOTA_SERIES);
    this.decisionSeconds = r.histogram('switchyard_rls_decision_seconds', 'Time to answer ShouldRateLimit, store round trip included.', DECISION_BUCKETS);
    this.#storeErrors = r.counter('switchyard_rls_store_errors_total', 'Store calls that failed or missed their deadline.', ['kind'], 8);
    this.#failureMode = r.counter('switchyard_rls_failure_mode_total', 'Requests answered by the quotas\' failure mode because the store was unavailable.', ['decision'], 2);
    this.#errors = r.counter('switchyard_rls_errors_total', 'Requests answered with a gRPC error, by kind.', ['kind'], 8);
    this.#reloads = r.counter('switchyard_rls_config_reloads_total', 'Quota configuration (re)loads by result.', ['result'], 2);
    this.#quotaEntries = r.gauge('switchyard_rls_quota_entries', 'Quota entries in the live table.');
    for (const result of ['success', 'failure']) this.#reloads.labels(result);
    for (const decision of ['allow', 'deny']) this.#failureMode.labels(decision);
    this.#storeErrors.labels('unavailable');
    this.#quotaEntries.labels().set(0);
  }

  quota(entry: QuotaEntry): QuotaSeries {
    let series = this.#perEntry.get(entry);
    if (series === undefined) {
      series = { total: this.#total.labels(entry.id), overLimit: this.#overLimit.labels(entry.id), nearLimit: this.#nearLimit.labels(entry.id), shadow: this.#shadow.labels(entry.id) };
      this.#perEntry.set(entry, series);
    }
    return series;
  }

  storeError(kind: 'unavailable' | 'unexpected'): void {
    this.#storeErrors.labels(kind).inc();
  }

  failureMode(decision: 'allow' | 'deny'): void {
    this.#failureMode.labels(decision).inc();
  }

  error(disposition: ErrorDisposition): void {
    this.#errors.labels(disposition.kind).inc();
  }

  configLoaded(entries: number): void {
    this.#reloads.labels('success').inc();
    this.#quotaEntries.labels().set(entries);
  }

  configFailed(): void {
    this.#reloads.labels('failure').inc();
  }

  /**
   * Exposes `switchyard_rls_store_evictions_total`, read from `read` (the store's running count)
   * whenever the registry is exposed. For stores with a memory cap.
   */
  trackStoreEvictions(read: () => number): void {
    this.#poll('switchyard_rls_store_evictions_total', 'Live counters the store dropped to stay within its memory cap (each restarts from zero).', read);
  }

  /** Exposes `switchyard_rls_over_limit_cache_evictions_total`, read from `read` like store evictions. */
  trackCacheEvictions(read: () => number): void {
    this.#poll('switchyard_rls_over_limit_cache_evictions_total', 'Over-limit cache entries dropped to stay within its cap (those keys ask Redis again).', read);
  }

  #poll(name: string, help: string, read: () => number): void {
    this.#polled.push({ series: this.registry.counter(name, help).labels(), read, seen: 0 });
  }

  /** The whole registry in the Prometheus text format (async: prom-client collects on read). */
  expose(): Promise<string> {
    for (const polled of this.#polled) {
      const now = polled.read();
      polled.series.inc(now - polled.seen);
      polled.seen = now;
    }
    return this.registry.expose();
  }
}
