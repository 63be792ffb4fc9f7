import type { RateLimit } from '../../api/rate-limit.ts';
import { router as routerSchema, type Router } from '../../api/router.ts';
import { findHostBackends, hostsToResolve, type HostBackends, type ServiceObject } from '../../core/ratelimit/host-backends.ts';
import { routerHost } from '../../core/router/router-host.ts';
import { ROUTER, SERVICE } from '../scheme.ts';
import type { KubeObject, ReconcileContext } from '../../kube/types.ts';

/** What the controller found behind a RateLimit's hosts. */
export interface HostWorkloads {
  backends: HostBackends;
  /**
   * Some host was looked up as a hand-written Service: the cache holds only Switchyard's own
   * Services, so a change to it raises no event and the RateLimit must look again by itself.
   */
  readsUnwatchedService: boolean;
}

/**
 * Finds the workloads behind the hosts of a server-side RateLimit without `workloadSelector`
 * (`hostsToResolve`): the Router serving each host from the cache (any namespace, so that a
 * Router of another namespace is reported as such), and for a host no Router serves, the Service
 * it names — from the cache when Switchyard owns it, else one GET. Nothing is read for other
 * RateLimits. API errors other than 404 are thrown (and retried by the runtime).
 */
export async function readHostWorkloads(ctx: ReconcileContext, rl: RateLimit): Promise<HostWorkloads> {
  const hosts = hostsToResolve(rl);
  if (hosts.length === 0) return { backends: new Map(), readsUnwatchedService: false };
  const wanted = new Set(hosts.map((h) => h.host));
  const routers = ctx.cache.list(ROUTER).filter((o) => wanted.has(routerHost(rawRouter(o)))).flatMap(parsedRouter);
  const byRouters = findHostBackends(rl, { routers, services: [] });
  const services: ServiceObject[] = [];
  let readsUnwatchedService = false;
  for (const h of hosts) {
    // A Service of another namespace is refused by the render anyway: no GET for it.
    if (byRouters.has(h.host) || !h.service || h.service.namespace !== rl.metadata.namespace) continue;
    readsUnwatchedService ||= ctx.cache.get(SERVICE, h.service) === undefined;
    const service = await ctx.live(SERVICE, h.service);
    if (service) services.push(service as ServiceObject);
  }
  return { backends: findHostBackends(rl, { routers, services }), readsUnwatchedService };
}

/** The fields `routerHost` reads, from a cached object not yet validated. */
function rawRouter(o: KubeObject): { metadata: { name: string; namespace?: string }; spec: { host?: string } } {
  const host = (o.spec as { host?: unknown } | undefined)?.host;
  return { metadata: o.metadata, spec: typeof host === 'string' ? { host } : {} };
}

/** A Router that fails its schema renders nothing, so it serves no host either. */
function parsedRouter(o: KubeObject): Router[] {
  const parsed = routerSchema.safeParse(o);
  return parsed.success ? [parsed.data] : [];
}
