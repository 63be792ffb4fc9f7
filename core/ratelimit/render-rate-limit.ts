import type { RateLimit } from '../../api/rate-limit.ts';
import { generatedMetadata } from '../istio/ownership.ts';
import { ISTIO_NETWORKING_ALPHA, type EnvoyFilter } from '../istio/types.ts';
import { globalPatches } from './global-patches.ts';
import { localPatches } from './local-patches.ts';
import type { HostBackends } from './host-backends.ts';
import { RateLimitRenderError } from './render-error.ts';
import { checkHostNamespaces, rateLimitTarget } from './target.ts';
import { validateRateLimit } from './validate-rate-limit.ts';

export interface RateLimitRenderOptions {
  /** Envoy cluster name of the rate-limit service, as Istio names the outbound cluster of its Service. */
  serviceCluster: string;
}

/** The rate-limit service as deployed by Switchyard's manifests (gRPC port 8081 in switchyard-system). */
export const defaultRenderOptions: RateLimitRenderOptions = {
  serviceCluster: 'outbound|8081||switchyard-ratelimit.switchyard-system.svc.cluster.local',
};

/** Kubernetes' limit on object names. */
const MAX_NAME_LENGTH = 253;
const NAME_SUFFIX = '-ratelimit';

/**
 * Renders one RateLimit into the EnvoyFilter(s) that enforce it: today exactly one, named
 * `<name>-ratelimit` in the RateLimit's namespace whatever the mode, so switching modes updates
 * the object in place. Pure and deterministic.
 *
 * `backends` are the workloads behind `spec.hosts` (`findHostBackends`, from the hosts' Routers
 * and Services): a server-side RateLimit without `spec.workloadSelector` selects their pods. The
 * controller always passes them. Left out (offline previews, Envoy configs built from the patches
 * alone) no selector is derived from hosts — see `rateLimitTarget`.
 *
 * Throws RateLimitRenderError (field path, rule, value) for a spec that cannot be enforced, and
 * HostUnresolvedError when `backends` do not give its hosts one set of workloads in its namespace.
 */
export function renderRateLimit(rl: RateLimit, opts: RateLimitRenderOptions, backends?: HostBackends): EnvoyFilter[] {
  validateRateLimit(rl);
  const namespace = rl.metadata.namespace ?? '';
  const name = `${rl.metadata.name}${NAME_SUFFIX}`;
  if (name.length > MAX_NAME_LENGTH) {
    throw new RateLimitRenderError('metadata.name', `must be at most ${MAX_NAME_LENGTH - NAME_SUFFIX.length} characters so that "${NAME_SUFFIX}" can be appended (got ${rl.metadata.name.length})`);
  }
  checkHostNamespaces(rl);
  const target = rateLimitTarget(rl, backends);
  const configPatches = rl.spec.mode === 'local' ? localPatches(rl, target, namespace) : globalPatches(rl, target, opts.serviceCluster, namespace);
  const owner = { kind: 'RateLimit' as const, name: rl.metadata.name, namespace, ...(rl.metadata.uid ? { uid: rl.metadata.uid } : {}) };
  return [
    {
      apiVersion: ISTIO_NETWORKING_ALPHA,
      kind: 'EnvoyFilter',
      metadata: generatedMetadata(owner, name),
      spec: {
        ...(target.workloadSelector ? { workloadSelector: target.workloadSelector } : {}),
        configPatches,
      },
    },
  ];
}
