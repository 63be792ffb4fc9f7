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

/** An upstream Envoy bootstrap that takes everything from istiod over ADS, as the given node. */
export function proxyBootstrap(node: ProxyNode, xdsPort: number): object {
  return {
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
