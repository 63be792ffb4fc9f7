import type { RateLimit } from '../../api/rate-limit.ts';
import type { EnvoyConfigPatch } from '../istio/types.ts';
import { rateLimitActions, rateLimitDescriptor } from './descriptor.ts';
import { DEFAULT_RLS_TIMEOUT, RATE_LIMIT_TYPE, httpFilterName, protoDuration, routerFilterMatch, vhostMatch } from './envoy-filters.ts';
import type { RateLimitTarget } from './target.ts';

/**
 * Global mode: Envoy's `ratelimit` HTTP filter asks the rate-limit service (`serviceCluster`)
 * about every request whose virtual host carries rate_limits of the filter's stage; the actions
 * merged into the target's virtual hosts build this RateLimit's descriptor.
 * Shadow mode is the service's business (it counts and answers OK), so Envoy config is the same.
 *
 * Envoy's filter sends every virtual-host rate limit of its stage, whichever RateLimit added it;
 * two global RateLimits on one proxy therefore need different stages or domains, else each
 * request is counted twice.
 */
export function globalPatches(rl: RateLimit, target: RateLimitTarget, serviceCluster: string, namespace: string): EnvoyConfigPatch[] {
  const stage = rl.spec.stage ?? 0;
  const filter = {
    name: httpFilterName('global', namespace, rl.metadata.name),
    typed_config: {
      '@type': RATE_LIMIT_TYPE,
      domain: rateLimitDescriptor(rl).domain,
      stage,
      failure_mode_deny: rl.spec.failureMode === 'deny',
      timeout: protoDuration(rl.spec.timeout ?? DEFAULT_RLS_TIMEOUT),
      rate_limit_service: {
        grpc_service: { envoy_grpc: { cluster_name: serviceCluster } },
        transport_api_version: 'V3',
      },
      enable_x_ratelimit_headers: 'DRAFT_VERSION_03',
    },
  };
  const ports = target.listenerPorts.length > 0 ? target.listenerPorts : [undefined];
  const filterPatches: EnvoyConfigPatch[] = ports.map((port) => ({
    applyTo: 'HTTP_FILTER',
    match: routerFilterMatch(target.context, port),
    patch: { operation: 'INSERT_BEFORE', value: filter },
  }));
  const rateLimits = [{ stage, actions: rateLimitActions(rl) }];
  const vhosts = target.vhosts.length > 0 ? target.vhosts : [undefined];
  const vhostPatches: EnvoyConfigPatch[] = vhosts.map((vhost) => ({
    applyTo: 'VIRTUAL_HOST',
    match: vhostMatch(target.context, vhost),
    patch: { operation: 'MERGE', value: { rate_limits: rateLimits } },
  }));
  return [...filterPatches, ...vhostPatches];
}
