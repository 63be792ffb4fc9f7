import type { AnalysisCheck, MetricSource } from '../../api/progression.ts';

/** What a check's query is about: the canary of one Router, over one analysis window. */
export interface QueryTarget {
  namespace: string;
  host: string;
  port: number;
  branch: string;
  /** The canary version (the one gaining weight) and its subset name. */
  version: string;
  subset: string;
  /** The window, as a PromQL range (`30s`). */
  interval: string;
}

/** Envoy's cluster name for a subset (`outbound|<port>|<subset>|<host>`), as its stats carry it. */
export function subsetCluster(t: Pick<QueryTarget, 'port' | 'subset' | 'host'>): string {
  return `outbound|${t.port}|${t.subset}|${t.host}`;
}

/** Escapes a value for a PromQL double-quoted label matcher. */
export function promString(value: string): string {
  return JSON.stringify(value);
}

/** Istio's standard request metrics as the destination's sidecar reports them, for the canary's version. */
function istioSelector(t: QueryTarget, extra = ''): string {
  return `{reporter="destination",destination_service=${promString(t.host)},destination_service_namespace=${promString(t.namespace)},destination_version=${promString(t.version)}${extra}}`;
}

/**
 * Envoy's cluster stats as an Istio proxy exports them: Istio's bootstrap tags the whole cluster
 * name as `cluster_name` (not Envoy's default `envoy_cluster_name`, which stops at the first dot)
 * and folds `upstream_rq_5xx` / `upstream_rq_503` into `envoy_cluster_upstream_rq` with a
 * `response_code_class="5xx"` / `response_code="503"` label.
 */
function envoySelector(t: QueryTarget, extra = ''): string {
  return `{cluster_name=${promString(subsetCluster(t))}${extra}}`;
}

/**
 * `expr` only where `requests` (a rate) is above 0: a window without requests is no data (empty),
 * not NaN from 0/0 or from a histogram of empty buckets.
 */
function whenTraffic(expr: string, requests: string): string {
  return `(${expr}) and on() (${requests} > 0)`;
}

const BUILTIN: Record<MetricSource, Record<'successRate' | 'latency', (t: QueryTarget) => string>> = {
  istio: {
    successRate: (t) =>
      `100 * (sum(rate(istio_requests_total${istioSelector(t, ',response_code!~"5.."')}[${t.interval}])) or vector(0)) / (sum(rate(istio_requests_total${istioSelector(t)}[${t.interval}])) > 0)`,
    latency: (t) =>
      whenTraffic(
        `histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket${istioSelector(t)}[${t.interval}])))`,
        `sum(rate(istio_request_duration_milliseconds_count${istioSelector(t)}[${t.interval}]))`,
      ),
  },
  envoy: {
    successRate: (t) =>
      `100 * (1 - (sum(rate(envoy_cluster_upstream_rq${envoySelector(t, ',response_code_class="5xx"')}[${t.interval}])) or vector(0)) / (sum(rate(envoy_cluster_upstream_rq${envoySelector(t, ',response_code_class!=""')}[${t.interval}])) > 0))`,
    latency: (t) =>
      whenTraffic(
        `histogram_quantile(0.99, sum by (le) (rate(envoy_cluster_upstream_rq_time_bucket${envoySelector(t)}[${t.interval}])))`,
        `sum(rate(envoy_cluster_upstream_rq_time_count${envoySelector(t)}[${t.interval}]))`,
      ),
  },
};

const PLACEHOLDER = /\{\{\s*(namespace|host|branch|subset|version|port|interval)\s*\}\}/g;

/**
 * The PromQL of a check against `target`: a built-in's query for its source (the check's, else
 * `defaultSource`), or the check's own query with its placeholders filled in.
 */
export function checkQuery(check: AnalysisCheck, target: QueryTarget, defaultSource: MetricSource = 'istio'): string {
  if (check.query !== undefined) {
    return check.query.replace(PLACEHOLDER, (_, name: keyof QueryTarget) => String(target[name]));
  }
  const metric = check.metric ?? 'successRate';
  return BUILTIN[check.source ?? defaultSource][metric](target);
}

/** The PromQL range for a window of `ms` (whole seconds, at least 1s). */
export function promRange(ms: number): string {
  return `${Math.max(1, Math.round(ms / 1000))}s`;
}
