import type { EnvoyInstance } from './envoy.ts';
import { startPrometheus, type PrometheusInstance } from './prometheus.ts';
import { ISTIO_METRICS_PATH, type VersionBackend } from './version-backend.ts';

/** Envoy's admin endpoint for its stats in Prometheus text (what Istio's agent serves merged on :15020). */
const ENVOY_METRICS_PATH = '/stats/prometheus';
/** Job names: the Envoy proxies' own stats, and the backends' Istio standard metrics. */
export const ENVOY_JOB = 'envoy';
export const ISTIO_JOB = 'istio';

export interface MeshPrometheusOptions {
  dataDir: string;
  scrapeIntervalMs: number;
  proxies: EnvoyInstance[];
  /** Backends without a metrics address are not scraped. */
  backends: VersionBackend[];
}

/**
 * A Prometheus scraping the proxies' admin `/stats/prometheus` (job `envoy`) and every backend's
 * Istio standard metrics (job `istio`); resolves once every target has been scraped up.
 */
export function startMeshPrometheus(o: MeshPrometheusOptions): Promise<PrometheusInstance> {
  const targets = [
    ...o.proxies.map((p) => ({ job: ENVOY_JOB, address: `127.0.0.1:${p.adminPort}`, metricsPath: ENVOY_METRICS_PATH })),
    ...o.backends.flatMap((b) => (b.metricsAddress ? [{ job: ISTIO_JOB, address: b.metricsAddress, metricsPath: ISTIO_METRICS_PATH }] : [])),
  ];
  return startPrometheus({ dataDir: o.dataDir, scrapeIntervalMs: o.scrapeIntervalMs, targets });
}
