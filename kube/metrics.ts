/**
 * Prometheus metrics through prom-client. A process holds ONE registry, created at its entry point
 * (`createProcessRegistry`) and handed to whoever registers metrics: the controller process, the
 * rate-limit service, or the embedded demo that runs both and gives each the same registry. Every
 * metric names its registry (`registers: [registry]`); nothing goes to prom-client's global
 * registry, so tests can hold many registries side by side.
 */
import { collectDefaultMetrics, Registry, type Counter, type Gauge } from 'prom-client';

/** Reconciles and API writes take milliseconds to tens of seconds (Istio settle waits). */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * A registry with Node's default metrics (`process_*` CPU, RSS, open fds; `nodejs_*` heap, GC,
 * event-loop lag), the ones operators expect from any Node process. Call it once per process, at
 * the entry point: the default metrics sample process-wide state, and registering them twice on one
 * registry throws.
 */
export function createProcessRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * The current value of the counter or gauge series with exactly these labels; 0 when that series
 * was never touched. Reads go through prom-client's (async) collection, so scrape-time gauges are
 * fresh. For tests and debug output, not for hot paths.
 */
export async function seriesValue<L extends string>(metric: Counter<L> | Gauge<L>, labels: Partial<Record<L, string>> = {}): Promise<number> {
  const want = Object.entries(labels);
  const { values } = await metric.get();
  const series = values.find((v) => {
    const have = Object.entries(v.labels);
    return have.length === want.length && want.every(([k, value]) => String(v.labels[k as L]) === value);
  });
  return series?.value ?? 0;
}
