/** What the proxies tell istiod they are: the version istiod gates features on. */
const PROXY_ISTIO_VERSION = '1.31.0';

/** What istiod learns about a proxy from its bootstrap node (there is no pod to read). */
export interface ProxyNode {
  /** `router` (a gateway) or `sidecar`. */
  type: string;
  ip: string;
  name: string;
  namespace: string;
  labels: Record<string, string>;
  /**
   * `NONE`: the proxy binds real ports instead of relying on iptables capture, so istiod builds no
   * 15001/15006 catch-all listeners (two such proxies on one host would share them) and takes
   * inbound listeners only from a Sidecar's `ingress`. Default: Istio's own (REDIRECT).
   */
  interceptionMode?: 'NONE';
}

/**
 * Tag extraction as an Istio proxy's bootstrap sets it up, so `/stats/prometheus` carries the
 * labels Prometheus users of an Istio mesh query: `envoy_cluster_upstream_rq{cluster_name=…,
 * response_code_class="5xx"}`, `envoy_cluster_upstream_rq{cluster_name=…,response_code="503"}`,
 * `envoy_cluster_upstream_rq_time_bucket{cluster_name=…}`. istiod gives every cluster a stat name
 * of its own name plus `;` (`alt_stat_name`), so a cluster's stats are named
 * `cluster.outbound|80|main-v2|shop.mesh.svc.cluster.local;.upstream_rq_5xx`: the tag takes all
 * up to the `;`, dots included. Envoy's default tag stops at the first dot and would give
 * `envoy_cluster_name="outbound|80|main-v2|shop"`, the rest of the host leaking into the metric name.
 */
export const ISTIO_STATS_TAGS = [
  { tag_name: 'cluster_name', regex: String.raw`^cluster\.(([^;]+);\.)` },
  { tag_name: 'response_code', regex: String.raw`_rq(_([1-5]\d\d))$` },
  { tag_name: 'response_code_class', regex: String.raw`_rq(_([1-5]xx))$` },
];

/**
 * How often Envoy merges its per-thread histograms into what the admin endpoint shows. Envoy's
 * default (5s) would hold `upstream_rq_time` back for up to five 1-second scrapes.
 */
const STATS_FLUSH_INTERVAL = '1s';

/**
 * An upstream Envoy bootstrap that takes everything from istiod over ADS, as the given node, with
 * an Istio proxy's stat tags (ISTIO_STATS_TAGS) and histograms flushed every second.
 */
export function proxyBootstrap(node: ProxyNode, xdsPort: number): object {
  return {
    stats_config: { use_all_default_tags: false, stats_tags: ISTIO_STATS_TAGS },
    stats_flush_interval: STATS_FLUSH_INTERVAL,
    node: {
      id: `${node.type}~${node.ip}~${node.name}.${node.namespace}~${node.namespace}.svc.cluster.local`,
      cluster: `${node.name}.${node.namespace}`,
      metadata: {
        ISTIO_VERSION: PROXY_ISTIO_VERSION,
        CLUSTER_ID: 'Kubernetes',
        NAMESPACE: node.namespace,
        NAME: node.name,
        WORKLOAD_NAME: node.name,
        SERVICE_ACCOUNT: node.name,
        MESH_ID: 'cluster.local',
        INSTANCE_IPS: node.ip,
        LABELS: node.labels,
        ...(node.interceptionMode ? { INTERCEPTION_MODE: node.interceptionMode } : {}),
      },
    },
    dynamic_resources: {
      ads_config: {
        api_type: 'GRPC',
        transport_api_version: 'V3',
        set_node_on_first_message_only: true,
        grpc_services: [{ envoy_grpc: { cluster_name: 'xds-grpc' } }],
      },
      cds_config: { ads: {}, initial_fetch_timeout: '0s', resource_api_version: 'V3' },
      lds_config: { ads: {}, initial_fetch_timeout: '0s', resource_api_version: 'V3' },
    },
    static_resources: {
      clusters: [
        {
          name: 'xds-grpc',
          // Named for stats as istiod names its clusters, so ISTIO_STATS_TAGS tags it too.
          alt_stat_name: 'xds-grpc;',
          type: 'STATIC',
          connect_timeout: '1s',
          load_assignment: {
            cluster_name: 'xds-grpc',
            endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: xdsPort } } } }] }],
          },
          typed_extension_protocol_options: {
            'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
              '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
              explicit_http_config: { http2_protocol_options: {} },
            },
          },
        },
      ],
    },
  };
}
