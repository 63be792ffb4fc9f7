/** What an inbound HTTP listener of a proxy does, read from a config dump. */
export interface InboundHttpConfig {
  /** Listener names found on the port (inbound direction). */
  listeners: string[];
  /** HTTP filter names of every HTTP connection manager on those listeners, in order. */
  httpFilters: string[];
  /** Virtual hosts of their inline route configs. */
  vhosts: { name: string; rateLimits: unknown[]; perFilterConfig: string[] }[];
}

const HCM = 'envoy.filters.network.http_connection_manager';

interface Listener {
  name?: string;
  address?: { socket_address?: { port_value?: number } };
  traffic_direction?: string;
  filter_chains?: { filters?: { name?: string; typed_config?: HcmConfig }[] }[];
}

interface HcmConfig {
  http_filters?: { name?: string }[];
  route_config?: { virtual_hosts?: { name?: string; rate_limits?: unknown[]; typed_per_filter_config?: Record<string, unknown> }[] };
}

/**
 * The inbound HTTP config on `port` in a config dump — Envoy's own admin `/config_dump` or the one
 * istiod generates for a proxy (`/debug/config_dump?proxyID=`), which share the messages but not
 * the JSON field names (istiod writes lowerCamelCase, Envoy the proto names). Inbound listeners
 * carry their routes inline, so filters and virtual hosts are both read from the listener.
 */
export function inboundHttpConfig(dump: unknown, port: number): InboundHttpConfig {
  const out: InboundHttpConfig = { listeners: [], httpFilters: [], vhosts: [] };
  for (const l of listeners(protoNames(dump))) {
    if (l.traffic_direction !== 'INBOUND' || l.address?.socket_address?.port_value !== port) continue;
    out.listeners.push(l.name ?? '');
    for (const chain of l.filter_chains ?? []) {
      for (const f of chain.filters ?? []) {
        if (f.name !== HCM) continue;
        out.httpFilters.push(...(f.typed_config?.http_filters ?? []).map((h) => h.name ?? ''));
        for (const v of f.typed_config?.route_config?.virtual_hosts ?? []) {
          out.vhosts.push({ name: v.name ?? '', rateLimits: v.rate_limits ?? [], perFilterConfig: Object.keys(v.typed_per_filter_config ?? {}) });
        }
      }
    }
  }
  return out;
}

/** Every object in the dump shaped like a Listener (active ones; warming ones are listed too). */
function listeners(node: unknown): Listener[] {
  if (Array.isArray(node)) return node.flatMap(listeners);
  if (typeof node !== 'object' || node === null) return [];
  const obj = node as Record<string, unknown>;
  if (Array.isArray(obj.filter_chains) && typeof obj.address === 'object') return [obj as Listener];
  return Object.values(obj).flatMap(listeners);
}

/**
 * A copy with lowerCamelCase keys turned into proto (snake_case) names. Map keys pass through
 * unchanged as long as they have no capitals, which holds for the filter names read here.
 */
function protoNames(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(protoNames);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase(), protoNames(v)]));
}
