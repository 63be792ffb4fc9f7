import { DEFAULT_NAMESPACE } from '../../api/meta.ts';
import { OWNER_LABEL } from '../../core/istio/types.ts';
import { ENVOY_FILTER, RATE_LIMIT, ROUTER } from '../scheme.ts';
import type { Cache, ControllerSpec, KubeObject, ObjectKey } from '../../kube/types.ts';
import { rateLimitReconciler, type RateLimitReconcilerOptions } from './reconcile-rate-limit.ts';

export interface RateLimitControllerOptions extends RateLimitReconcilerOptions {
  /** RateLimits reconciled in parallel (default 4). */
  concurrency?: number;
}

/** A reconcile is a render and one or two applies; a few in parallel hide API latency. */
export const DEFAULT_RATE_LIMIT_CONCURRENCY = 4;

const OWNER_PREFIX = 'ratelimit.';

/**
 * The RateLimit controller: reconciles RateLimits, re-reconciles one when an EnvoyFilter it
 * generated changes or disappears, and the RateLimits of a namespace whose hosts may be served by
 * a Router of it when that Router changes (its host and selector are what they limit). Options: `serviceCluster` (Envoy cluster of the rate-limit
 * service; default `defaultRenderOptions.serviceCluster`) and `concurrency`.
 */
export function rateLimitController(options: RateLimitControllerOptions = {}): ControllerSpec {
  const { concurrency, ...render } = options;
  return {
    name: 'ratelimit',
    primary: RATE_LIMIT,
    watches: [
      { kind: ENVOY_FILTER, map: ownerRateLimitKeys },
      { kind: ROUTER, map: hostRateLimitKeys },
    ],
    reconcile: rateLimitReconciler(render),
    concurrency: concurrency ?? DEFAULT_RATE_LIMIT_CONCURRENCY,
  };
}

/** The RateLimit that generated an EnvoyFilter: its ownerReference, else its `switchyard.io/owner: ratelimit.<name>` label. */
export function ownerRateLimitKeys(obj: KubeObject): ObjectKey[] {
  const namespace = obj.metadata.namespace ?? DEFAULT_NAMESPACE;
  const ref = obj.metadata.ownerReferences?.find((r) => r.kind === RATE_LIMIT.kind && r.apiVersion === RATE_LIMIT.apiVersion);
  if (ref) return [{ namespace, name: ref.name }];
  const label = obj.metadata.labels?.[OWNER_LABEL];
  if (label?.startsWith(OWNER_PREFIX)) return [{ namespace, name: label.slice(OWNER_PREFIX.length) }];
  return [];
}

/**
 * The RateLimits a Router may serve: those of its namespace that name hosts (which one they name
 * is the reconcile's business — a Router's host can change, so the old and the new one both matter).
 */
export function hostRateLimitKeys(router: KubeObject, cache: Cache): ObjectKey[] {
  const namespace = router.metadata.namespace ?? DEFAULT_NAMESPACE;
  return cache
    .list(RATE_LIMIT, namespace)
    .filter((rl) => Array.isArray((rl.spec as { hosts?: unknown } | undefined)?.hosts))
    .map((rl) => ({ namespace, name: rl.metadata.name }));
}
