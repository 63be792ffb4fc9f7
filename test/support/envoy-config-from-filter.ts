import type { EnvoyConfigPatch, EnvoyFilter } from '../../core/istio/types.ts';

/** Where the static config sends traffic: the backend and the rate-limit service replicas. */
export interface StaticEndpoints {
  /** Port of the HTTP backend on 127.0.0.1 that every route forwards to. */
  backendPort: number;
  /** Ports of the rate-limit service replicas on 127.0.0.1 (gRPC); one cluster endpoint each. */
  rateLimitPorts?: number[];
  /** Serve the listener over TLS, asking callers for a certificate (optional) signed by `trustedCa`. PEM texts. */
  downstreamTls?: DownstreamTls;
}

export interface DownstreamTls {
  certChain: string;
  privateKey: string;
  trustedCa: string;
}

const HCM_TYPE = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';
const DOWNSTREAM_TLS_TYPE = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';
const HTTP_OPTIONS_TYPE = 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions';
const ROUTER_FILTER = 'envoy.filters.http.router';
const BACKEND_CLUSTER = 'backend';
/** Vhost name when the patches match every virtual host; Istio's inbound naming for port 80. */
const DEFAULT_VHOST = 'inbound|http|80';
/** Loopback connects are immediate; a short timeout makes a stopped RLS fail fast. */
const CONNECT_TIMEOUT = '0.25s';

/**
 * Builds a static Envoy bootstrap that applies the config patches of rendered EnvoyFilters the
 * way Istio would to one inbound listener: HTTP_FILTER INSERT_BEFORE values go before the router
 * filter in patch order, VIRTUAL_HOST MERGE values are merged into the single virtual host
 * (repeated fields appended, maps merged). The listener binds 127.0.0.1 port 0 and routes every
 * path to the backend. Each gRPC cluster the filters name becomes a STATIC HTTP/2 cluster with
 * one endpoint per `rateLimitPorts` entry. Nothing of the rate-limit config is written here.
 * Throws on a patch kind or operation this harness does not apply.
 */
export function envoyConfigFromFilter(filters: readonly EnvoyFilter[], endpoints: StaticEndpoints): object {
  const httpFilters: Record<string, unknown>[] = [];
  let vhost: Record<string, unknown> = {};
  let vhostName = DEFAULT_VHOST;
  for (const patch of filters.flatMap((f) => f.spec.configPatches)) {
    const value = patch.patch.value ?? {};
    const op = `${patch.applyTo} ${patch.patch.operation}`;
    if (op === 'HTTP_FILTER INSERT_BEFORE') {
      httpFilters.push(value);
    } else if (op === 'VIRTUAL_HOST MERGE') {
      vhost = protoMerge(vhost, value);
      vhostName = matchedVhostName(patch) ?? vhostName;
    } else {
      throw new Error(`envoyConfigFromFilter: patch ${op} is not applied by this harness`);
    }
  }
  const routeConfig = {
    name: 'inbound',
    virtual_hosts: [
      { name: vhostName, domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: BACKEND_CLUSTER } }], ...vhost },
    ],
  };
  const hcm = {
    '@type': HCM_TYPE,
    stat_prefix: 'inbound',
    route_config: routeConfig,
    http_filters: [...httpFilters, { name: ROUTER_FILTER, typed_config: { '@type': ROUTER_TYPE } }],
  };
  const grpcClusters = [...new Set(httpFilters.flatMap(grpcClusterNames))].sort();
  return {
    static_resources: {
      listeners: [
        {
          name: 'inbound',
          address: socket(0),
          filter_chains: [
            {
              filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm }],
              ...(endpoints.downstreamTls ? { transport_socket: tlsSocket(endpoints.downstreamTls) } : {}),
            },
          ],
        },
      ],
      clusters: [
        staticCluster(BACKEND_CLUSTER, [endpoints.backendPort], false),
        ...grpcClusters.map((name) => staticCluster(name, endpoints.rateLimitPorts ?? [], true)),
      ],
    },
  };
}

function matchedVhostName(patch: EnvoyConfigPatch): string | undefined {
  const rc = patch.match?.routeConfiguration as { vhost?: { name?: string } } | undefined;
  return rc?.vhost?.name;
}

/** Cluster names referenced as `grpc_service.envoy_grpc.cluster_name` anywhere in a filter value. */
function grpcClusterNames(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(grpcClusterNames);
  if (value === null || typeof value !== 'object') return [];
  const found: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const name = (v as { envoy_grpc?: { cluster_name?: unknown } } | null)?.envoy_grpc?.cluster_name;
    if (key === 'grpc_service' && typeof name === 'string') found.push(name);
    else found.push(...grpcClusterNames(v));
  }
  return found;
}

/** Protobuf merge semantics on JSON: repeated fields append, messages and maps merge, scalars replace. */
function protoMerge(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, v] of Object.entries(source)) {
    const existing = out[key];
    if (Array.isArray(existing) && Array.isArray(v)) out[key] = [...(existing as unknown[]), ...(v as unknown[])];
    else if (isRecord(existing) && isRecord(v)) out[key] = protoMerge(existing, v);
    else out[key] = v;
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** As a sidecar's inbound terminates mTLS: the peer's certificate is checked and its SANs are seen by filters. */
function tlsSocket(tls: DownstreamTls): object {
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: {
      '@type': DOWNSTREAM_TLS_TYPE,
      require_client_certificate: false,
      common_tls_context: {
        tls_certificates: [{ certificate_chain: { inline_string: tls.certChain }, private_key: { inline_string: tls.privateKey } }],
        validation_context: { trusted_ca: { inline_string: tls.trustedCa } },
      },
    },
  };
}

function socket(port: number): object {
  return { socket_address: { address: '127.0.0.1', port_value: port } };
}

function staticCluster(name: string, ports: number[], http2: boolean): object {
  return {
    name,
    type: 'STATIC',
    connect_timeout: CONNECT_TIMEOUT,
    load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: ports.map((p) => ({ endpoint: { address: socket(p) } })) }] },
    ...(http2
      ? { typed_extension_protocol_options: { 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': { '@type': HTTP_OPTIONS_TYPE, explicit_http_config: { http2_protocol_options: {} } } } }
      : {}),
  };
}
