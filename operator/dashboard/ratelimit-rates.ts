/**
 * Live hit and over-limit rates of each RateLimit, from the rate-limit service's Prometheus
 * counters (ratelimit/service/rls-metrics.ts): two successive scrapes of `/metrics`, the counters'
 * increase divided by the time between them. Parsing and rates are pure; `RateScraper` only fetches.
 */

/** Counters the rate-limit service exposes per quota (label `quota` = the RateLimit's `namespace/name`). */
export const HITS_METRIC = 'switchyard_rls_descriptor_hits_total';
export const OVER_LIMIT_METRIC = 'switchyard_rls_descriptor_over_limit_total';

/** Between scrapes: often enough to look live, rare enough to cost the service nothing. */
export const DEFAULT_SCRAPE_INTERVAL_MS = 2_000;
/** A scrape slower than this counts as unreachable (the page says so rather than waiting). */
export const SCRAPE_TIMEOUT_MS = 1_500;

/** Counter values by quota id. */
export interface QuotaCounters {
  hits: Map<string, number>;
  overLimit: Map<string, number>;
}

export interface Scrape {
  atMs: number;
  counters: QuotaCounters;
}

export interface QuotaRate {
  hitsPerSecond: number;
  overLimitPerSecond: number;
}

/** What the page shows about the metrics source. */
export type RatesView =
  | { state: 'off'; message: string }
  | { state: 'unreachable'; url: string; message: string; since: string }
  | { state: 'measuring'; url: string; message: string }
  | { state: 'live'; url: string; at: string; windowSeconds: number; rates: Record<string, QuotaRate> };

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}\s+(\S+)/;
const QUOTA_LABEL = /(?:^|,)\s*quota="((?:[^"\\]|\\.)*)"/;

/** The per-quota hits and over-limit counters of a Prometheus text exposition. */
export function parseQuotaCounters(text: string): QuotaCounters {
  const counters: QuotaCounters = { hits: new Map(), overLimit: new Map() };
  for (const line of text.split('\n')) {
    const m = SAMPLE.exec(line);
    if (m === null) continue;
    const target = m[1] === HITS_METRIC ? counters.hits : m[1] === OVER_LIMIT_METRIC ? counters.overLimit : undefined;
    const quota = QUOTA_LABEL.exec(m[2]!)?.[1];
    const value = Number(m[3]);
    if (target !== undefined && quota !== undefined && Number.isFinite(value)) target.set(quota.replace(/\\(.)/g, '$1'), value);
  }
  return counters;
}

function increase(before: number | undefined, after: number): number {
  // A counter lower than before: the service restarted and counts from zero again.
  return before === undefined || after < before ? after : after - before;
}

/** Rates per quota between two scrapes (quotas absent from the later one are left out). */
export function quotaRates(previous: Scrape, current: Scrape): Record<string, QuotaRate> {
  const seconds = Math.max((current.atMs - previous.atMs) / 1000, 1e-3);
  const rates: Record<string, QuotaRate> = {};
  for (const [quota, hits] of current.counters.hits) {
    const over = current.counters.overLimit.get(quota) ?? 0;
    rates[quota] = {
      hitsPerSecond: increase(previous.counters.hits.get(quota), hits) / seconds,
      overLimitPerSecond: increase(previous.counters.overLimit.get(quota), over) / seconds,
    };
  }
  return rates;
}

/** Validates `--ratelimit-metrics`: an http(s) URL, or an error naming the flag, the rule and the value. */
export function parseMetricsUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`--ratelimit-metrics must be an http:// or https:// URL such as http://127.0.0.1:9102/metrics (got ${JSON.stringify(value)})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--ratelimit-metrics must be an http:// or https:// URL (got ${JSON.stringify(value)})`);
  return url;
}

/** Scrapes the rate-limit service's `/metrics` on a timer and keeps the latest rates view. */
export class RateScraper {
  readonly #url: URL | undefined;
  readonly #intervalMs: number;
  readonly #onChange: () => void;
  #previous: Scrape | undefined;
  #view: RatesView;
  #timer: NodeJS.Timeout | undefined;

  constructor(url: URL | undefined, intervalMs: number, onChange: () => void) {
    this.#url = url;
    this.#intervalMs = intervalMs;
    this.#onChange = onChange;
    this.#view = url === undefined ? { state: 'off', message: 'no rate-limit metrics: start the dashboard with --ratelimit-metrics URL' } : { state: 'measuring', url: url.href, message: 'first scrape pending' };
  }

  get view(): RatesView {
    return this.#view;
  }

  start(): void {
    if (this.#url === undefined || this.#timer !== undefined) return;
    const tick = (): void => {
      void this.scrapeOnce().finally(() => {
        if (this.#timer !== undefined) this.#timer = setTimeout(tick, this.#intervalMs);
      });
    };
    this.#timer = setTimeout(tick, 0);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** One scrape; never throws (an unreachable service becomes the view's state). */
  async scrapeOnce(): Promise<void> {
    const url = this.#url;
    if (url === undefined) return;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
      if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
      const current = { atMs: Date.now(), counters: parseQuotaCounters(await res.text()) };
      const previous = this.#previous;
      this.#previous = current;
      this.#view = previous === undefined
        ? { state: 'measuring', url: url.href, message: 'one scrape so far; rates need two' }
        : { state: 'live', url: url.href, at: new Date(current.atMs).toISOString(), windowSeconds: (current.atMs - previous.atMs) / 1000, rates: quotaRates(previous, current) };
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const message = `${(err as Error).message}${cause?.code === undefined ? '' : ` (${cause.code})`}`;
      const since = this.#view.state === 'unreachable' ? this.#view.since : new Date().toISOString();
      // Rates across an outage would mix two processes' counters: start measuring afresh.
      this.#previous = undefined;
      this.#view = { state: 'unreachable', url: url.href, message, since };
    }
    this.#onChange();
  }
}
