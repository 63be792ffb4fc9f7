/** Names and type URLs of the Envoy/Istio pieces the RateLimit renderer patches. */

export const HCM_FILTER = 'envoy.filters.network.http_connection_manager';
export const ROUTER_FILTER = 'envoy.filters.http.router';
export const RATE_LIMIT_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimit';
export const LOCAL_RATE_LIMIT_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit';

/** Envoy's own default wait for the rate-limit service; the RLS p99 must fit inside it. */
export const DEFAULT_RLS_TIMEOUT = '20ms';

/**
 * Name of the HTTP filter a RateLimit inserts. One filter per RateLimit (not Envoy's canonical
 * name) so that per-virtual-host config, keyed by filter name, belongs to exactly one RateLimit
 * and two local limits on one virtual host keep separate token buckets.
 */
export function httpFilterName(mode: 'global' | 'local', namespace: string, name: string): string {
  return `switchyard.${mode === 'local' ? 'local_ratelimit' : 'ratelimit'}.${namespace}.${name}`;
}

/** Match on the router filter of every HTTP connection manager of a context (optionally one port). */
export function routerFilterMatch(context: string, port?: number): Record<string, unknown> {
  return {
    context,
    listener: {
      ...(port !== undefined ? { portNumber: port } : {}),
      filterChain: { filter: { name: HCM_FILTER, subFilter: { name: ROUTER_FILTER } } },
    },
  };
}

/** Match on one named virtual host, or every virtual host of the context when `vhost` is absent. */
export function vhostMatch(context: string, vhost?: string): Record<string, unknown> {
  return vhost === undefined ? { context } : { context, routeConfiguration: { vhost: { name: vhost } } };
}

/**
 * Converts a Kubernetes-style duration (`20ms`, `1m30s`) to protobuf JSON (`0.02s`, `90s`):
 * Istio decodes EnvoyFilter values with protobuf JSON rules, which accept only seconds.
 */
export function protoDuration(duration: string): string {
  const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let ms = 0;
  for (const [, amount, unit] of duration.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)) {
    ms += Number(amount) * (unitMs[unit ?? 's'] ?? 0);
  }
  const seconds = (ms / 1000).toFixed(9).replace(/\.?0+$/, '');
  return `${seconds}s`;
}
