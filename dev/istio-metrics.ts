import { Counter, Histogram, Registry } from 'prom-client';

/**
 * Who a backend is in Istio's terms: what a destination sidecar in front of it would put in the
 * `destination_*` labels of Istio's standard metrics, and who calls it.
 */
export interface IstioWorkloadIdentity {
  /** The workload (a Deployment's name in Kubernetes), e.g. `shop-v2`. */
  workload: string;
  /** Namespace of the workload and of its service. */
  namespace: string;
  /** The service's host, e.g. `shop.mesh.svc.cluster.local`. */
  serviceHost: string;
  /** The service's short name (`destination_service_name`), e.g. `shop`. */
  serviceName: string;
  /** The pod's `app` and `version` labels. */
  app: string;
  version: string;
  /**
   * The caller (`source_workload`, `source_workload_namespace`). A loopback backend cannot read the
   * caller's identity (no peer metadata exchange here), so it is stated; Istio says `unknown` when
   * it does not know, and so does this default.
   */
  source?: { workload: string; namespace: string };
}

/**
 * Istio's default buckets for `istio_request_duration_milliseconds` (Envoy's default histogram
 * buckets, in ms): the bucket edges a real Prometheus computes the p99 from.
 */
export const ISTIO_DURATION_BUCKETS_MS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

/** Istio's standard label set for HTTP request metrics (reporter, source, destination, request). */
const LABELS = [
  'reporter',
  'source_workload',
  'source_workload_namespace',
  'source_principal',
  'source_app',
  'source_version',
  'source_cluster',
  'source_canonical_service',
  'source_canonical_revision',
  'destination_workload',
  'destination_workload_namespace',
  'destination_principal',
  'destination_app',
  'destination_version',
  'destination_service',
  'destination_service_name',
  'destination_service_namespace',
  'destination_cluster',
  'destination_canonical_service',
  'destination_canonical_revision',
  'request_protocol',
  'response_code',
  'grpc_response_status',
  'response_flags',
  'connection_security_policy',
] as const;
type Label = (typeof LABELS)[number];

/** What Istio reports for a value it cannot know (no peer metadata, no SPIFFE identity). */
const UNKNOWN = 'unknown';
/** The cluster ID the harness's istiod runs with (`CLUSTER_ID`). */
const CLUSTER_ID = 'Kubernetes';

/** The Istio standard metrics of one backend, as its destination sidecar would report them. */
export interface IstioMetrics {
  /** Counts one answered HTTP request: its status and how long it took (ms, arrival to last byte). */
  record(status: number, durationMs: number): void;
  /** The Prometheus text exposition (what a sidecar serves on :15020/stats/prometheus). */
  exposition(): Promise<string>;
  readonly contentType: string;
}

/**
 * `istio_requests_total` and `istio_request_duration_milliseconds` (with Istio's default buckets)
 * with `reporter="destination"` and Istio's label set, in a registry of their own (never prom-client's
 * global one, so several backends in one process do not collide). Plaintext traffic:
 * `connection_security_policy="none"`, principals `unknown`; `response_flags` is `-` (the
 * backend answered).
 */
export function istioMetrics(id: IstioWorkloadIdentity): IstioMetrics {
  const registry = new Registry();
  const requests = new Counter({ name: 'istio_requests_total', help: 'Requests answered, as the destination sidecar reports them', labelNames: LABELS, registers: [registry] });
  const duration = new Histogram({
    name: 'istio_request_duration_milliseconds',
    help: 'Request duration in ms, as the destination sidecar reports it',
    labelNames: LABELS,
    buckets: ISTIO_DURATION_BUCKETS_MS,
    registers: [registry],
  });
  // response_code is overwritten per answer; listed here so the exposition keeps Istio's label order.
  const fixed: Record<Label, string> = {
    reporter: 'destination',
    source_workload: id.source?.workload ?? UNKNOWN,
    source_workload_namespace: id.source?.namespace ?? UNKNOWN,
    source_principal: UNKNOWN,
    source_app: id.source?.workload ?? UNKNOWN,
    source_version: UNKNOWN,
    source_cluster: CLUSTER_ID,
    source_canonical_service: id.source?.workload ?? UNKNOWN,
    source_canonical_revision: 'latest',
    destination_workload: id.workload,
    destination_workload_namespace: id.namespace,
    destination_principal: UNKNOWN,
    destination_app: id.app,
    destination_version: id.version,
    destination_service: id.serviceHost,
    destination_service_name: id.serviceName,
    destination_service_namespace: id.namespace,
    destination_cluster: CLUSTER_ID,
    destination_canonical_service: id.app,
    destination_canonical_revision: id.version,
    request_protocol: 'http',
    response_code: '',
    grpc_response_status: '',
    response_flags: '-',
    connection_security_policy: 'none',
  };
  return {
    record(status, durationMs) {
      const labels = { ...fixed, response_code: String(status) };
      requests.inc(labels);
      duration.observe(labels, durationMs);
    },
    exposition: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
