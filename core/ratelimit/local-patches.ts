import type { RateLimit, Unit } from '../../api/rate-limit.ts';
import type { EnvoyConfigPatch } from '../istio/types.ts';
import { hasMatchConditions, rateLimitActions, rateLimitDescriptor } from './descriptor.ts';
import { LOCAL_RATE_LIMIT_TYPE, httpFilterName, routerFilterMatch, vhostMatch } from './envoy-filters.ts';
import type { RateLimitTarget } from './target.ts';

/** Refill period of the token bucket per unit: the whole quota comes back once per unit. */
export const FILL_INTERVAL: Record<Unit, string> = { SECOND: '1s', MINUTE: '60s', HOUR: '3600s', DAY: '86400s' };

/**
 * Envoy requires a default bucket in per-route config and charges it for every request; with
 * match conditions only the descriptor bucket may limit, so the default one never runs dry
 * (uint32 maximum, refilled each second — descriptor fill intervals must be multiples of it).
 */
export const UNLIMITED_BUCKET = { max_tokens: 4_294_967_295, tokens_per_fill: 4_294_967_295, fill_interval: '1s' };

/** Response header that tells a caller the 429 came from a local (per-pod) limit. */
export const LOCAL_LIMIT_HEADER = 'x-local-rate-limit';

/**
 * Local mode: a `local_ratelimit` HTTP filter of its own (no bucket at listener level, so it is
 * inert elsewhere) plus per-virtual-host config keyed by that filter's name. Without match
 * conditions the virtual host's bucket holds the quota. With conditions the virtual host also
 * gets the RateLimit's actions at its stage and the bucket sits on a descriptor with exactly the
 * entries of `rateLimitDescriptor`, so only matching requests spend it.
 * Shadow mode: enabled (stats count) but enforced for 0% of requests.
 */
export function localPatches(rl: RateLimit, target: RateLimitTarget, namespace: string): EnvoyConfigPatch[] {
  const name = httpFilterName('local', namespace, rl.metadata.name);
  const statPrefix = `switchyard_${namespace}_${rl.metadata.name}`.replace(/[^A-Za-z0-9_]/g, '_');
  const ports = target.listenerPorts.length > 0 ? target.listenerPorts : [undefined];
  const filterPatches: EnvoyConfigPatch[] = ports.map((port) => ({
    applyTo: 'HTTP_FILTER',
    match: routerFilterMatch(target.context, port),
    patch: { operation: 'INSERT_BEFORE', value: { name, typed_config: { '@type': LOCAL_RATE_LIMIT_TYPE, stat_prefix: statPrefix } } },
  }));
  const value = localVhostConfig(rl, name, statPrefix);
  const vhosts = target.vhosts.length > 0 ? target.vhosts : [undefined];
  const vhostPatches: EnvoyConfigPatch[] = vhosts.map((vhost) => ({
    applyTo: 'VIRTUAL_HOST',
    match: vhostMatch(target.context, vhost),
    patch: { operation: 'MERGE', value },
  }));
  return [...filterPatches, ...vhostPatches];
}

function localVhostConfig(rl: RateLimit, filterName: string, statPrefix: string): Record<string, unknown> {
  const stage = rl.spec.stage ?? 0;
  const bucket = { max_tokens: rl.spec.quota, tokens_per_fill: rl.spec.quota, fill_interval: FILL_INTERVAL[rl.spec.unit] };
  const conditional = hasMatchConditions(rl);
  const percent = (numerator: number) => ({ default_value: { numerator, denominator: 'HUNDRED' } });
  const config = {
    '@type': LOCAL_RATE_LIMIT_TYPE,
    stat_prefix: statPrefix,
    stage,
    token_bucket: conditional ? UNLIMITED_BUCKET : bucket,
    ...(conditional ? { descriptors: [{ entries: rateLimitDescriptor(rl).entries, token_bucket: bucket }] } : {}),
    filter_enabled: { runtime_key: `${statPrefix}_enabled`, ...percent(100) },
    filter_enforced: { runtime_key: `${statPrefix}_enforced`, ...percent(rl.spec.shadow === true ? 0 : 100) },
    response_headers_to_add: [{ append_action: 'OVERWRITE_IF_EXISTS_OR_ADD', header: { key: LOCAL_LIMIT_HEADER, value: 'true' } }],
  };
  return {
    ...(conditional ? { rate_limits: [{ stage, actions: rateLimitActions(rl) }] } : {}),
    typed_per_filter_config: { [filterName]: config },
  };
}
