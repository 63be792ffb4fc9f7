import type { RateLimit } from '../../api/rate-limit.ts';
import type { Router } from '../../api/router.ts';
import { baseSelector, sortedRecord } from '../router/branch-subsets.ts';
import { routerHost, routerNamespace } from '../router/router-host.ts';
import { parseHost, qualifiedHost, serviceOfHost } from './host-port.ts';

/** The workloads behind one host of `spec.hosts`: what serves it, where, which pods, which ports. */
export interface HostBackend {
  /** For messages: `Router sm-verify/page` or `Service sm-verify/page`. */
  source: string;
  namespace: string;
  /** Pod labels of its workloads: a Router's `spec.selector` (default `{app: <name>}`), a Service's `spec.selector`. */
  labels: Record<string, string>;
  /** Service ports it serves: a Router's `spec.port`, a Service's `spec.ports[].port`. */
  ports: number[];
}

/** Qualified host (`qualifiedHost`, port removed) → its backend; a host left out resolved to nothing. */
export type HostBackends = ReadonlyMap<string, HostBackend>;

/** The parts of a Kubernetes Service that say which pods it selects. */
export interface ServiceObject {
  metadata: { name: string; namespace?: string };
  spec?: { selector?: Record<string, string>; ports?: { port: number }[] };
}

/**
 * A RateLimit whose hosts do not (yet) lead to workloads: nothing serves a host, it is served from
 * another namespace, on another port, by pods the other hosts do not share. Unlike
 * RateLimitRenderError this depends on other objects, so the RateLimit waits (Pending) instead of
 * being invalid. `field` is `spec.hosts[i]`; the message names the rule and the value.
 */
export class HostUnresolvedError extends Error {
  readonly field: string;

  constructor(field: string, detail: string) {
    super(`${field}: ${detail}`);
    this.name = 'HostUnresolvedError';
    this.field = field;
  }
}

/** One host whose workloads must be found, and the Service that may serve it. */
export interface HostToResolve {
  index: number;
  raw: string;
  /** Qualified: a short name gets `.<namespace>.svc.cluster.local`. */
  host: string;
  port?: number;
  service?: { namespace: string; name: string };
}

/**
 * The hosts whose workloads select the EnvoyFilter's proxies: every host of a server-side
 * RateLimit without `spec.workloadSelector`; none otherwise (client side selects callers; an
 * explicit selector wins and hosts only name ports). Throws RateLimitRenderError on a bad port.
 */
export function hostsToResolve(rl: RateLimit): HostToResolve[] {
  if (rl.spec.side === 'client' || rl.spec.workloadSelector !== undefined) return [];
  const namespace = rl.metadata.namespace ?? '';
  return (rl.spec.hosts ?? []).map((raw, index) => {
    const { host, port } = parseHost(raw, index);
    const service = serviceOfHost(host, namespace);
    return { index, raw, host: qualifiedHost(host, namespace), ...(port !== undefined ? { port } : {}), ...(service ? { service } : {}) };
  });
}

/**
 * Finds the backend of each host to resolve among `routers` (any namespace; a Router serves
 * `routerHost(router)`) and then `services` (the Service the host names). A Router wins over a
 * Service of the same host: the Router's selector is what its subsets route to. Pure.
 */
export function findHostBackends(rl: RateLimit, found: { routers: readonly Router[]; services: readonly ServiceObject[] }): HostBackends {
  const namespace = rl.metadata.namespace ?? '';
  const out = new Map<string, HostBackend>();
  for (const h of hostsToResolve(rl)) {
    const router = found.routers.find((r) => routerHost(r) === h.host);
    const key = h.service;
    const service = key && found.services.find((s) => s.metadata.name === key.name && (s.metadata.namespace ?? namespace) === key.namespace);
    if (router) out.set(h.host, routerBackend(router));
    else if (service) out.set(h.host, serviceBackend(service, namespace));
  }
  return out;
}

function routerBackend(router: Router): HostBackend {
  const namespace = routerNamespace(router);
  return { source: `Router ${namespace}/${router.metadata.name}`, namespace, labels: baseSelector(router), ports: [router.spec.port] };
}

function serviceBackend(service: ServiceObject, fallbackNamespace: string): HostBackend {
  const namespace = service.metadata.namespace ?? fallbackNamespace;
  const ports = (service.spec?.ports ?? []).map((p) => p.port);
  return { source: `Service ${namespace}/${service.metadata.name}`, namespace, labels: sortedRecord(service.spec?.selector ?? {}), ports };
}

/**
 * The pod labels the EnvoyFilter selects for a server-side RateLimit named by hosts: the labels of
 * the one set of workloads all its hosts lead to. Throws HostUnresolvedError naming the first host
 * that resolves to nothing, to another namespace, to a Service without selector, to a port its
 * backend does not serve, or to other workloads than the hosts before it.
 */
export function selectorOfHosts(rl: RateLimit, backends: HostBackends): Record<string, string> {
  const namespace = rl.metadata.namespace ?? '';
  let chosen: { labels: Record<string, string>; index: number; source: string } | undefined;
  for (const h of hostsToResolve(rl)) {
    const backend = checkedBackend(h, backends.get(h.host), namespace);
    if (chosen && JSON.stringify(chosen.labels) !== JSON.stringify(backend.labels)) {
      throw new HostUnresolvedError(
        `spec.hosts[${h.index}]`,
        `leads to pods ${JSON.stringify(backend.labels)} (${backend.source}) but spec.hosts[${chosen.index}] to pods ${JSON.stringify(chosen.labels)} (${chosen.source}); one RateLimit limits one set of workloads, split it per service or name the pods with workloadSelector (got "${h.raw}")`,
      );
    }
    chosen ??= { labels: backend.labels, index: h.index, source: backend.source };
  }
  if (!chosen) throw new HostUnresolvedError('spec.hosts', 'names no host, set hosts or workloadSelector to say which workloads are limited (got none)');
  return chosen.labels;
}

function checkedBackend(h: HostToResolve, backend: HostBackend | undefined, namespace: string): HostBackend {
  const field = `spec.hosts[${h.index}]`;
  if (!backend) {
    const service = h.service ? `no Service ${h.service.namespace}/${h.service.name}` : 'it names no Service of the cluster';
    throw new HostUnresolvedError(field, `no workload to limit: no Router routes ${h.host} and ${service}; create the Router or Service, or name the pods with workloadSelector (got "${h.raw}")`);
  }
  if (backend.namespace !== namespace) {
    throw new HostUnresolvedError(field, `is served by ${backend.source} in namespace ${backend.namespace}; a server-side RateLimit limits workloads of its own namespace (${namespace}), create it in namespace ${backend.namespace} (got "${h.raw}")`);
  }
  if (Object.keys(backend.labels).length === 0) {
    throw new HostUnresolvedError(field, `${backend.source} has no selector, so its pods cannot be told apart; name them with workloadSelector (got "${h.raw}")`);
  }
  if (h.port !== undefined && backend.ports.length > 0 && !backend.ports.includes(h.port)) {
    throw new HostUnresolvedError(field, `port ${h.port} is not served by ${backend.source} (ports ${backend.ports.join(', ')}), so no inbound virtual host would match (got "${h.raw}")`);
  }
  return backend;
}
