import type { RateLimit } from '../../api/rate-limit.ts';
import { selectorOfHosts, type HostBackends } from './host-backends.ts';
import { parseHost, serviceOfHost, type HostPort } from './host-port.ts';
import { RateLimitRenderError } from './render-error.ts';

export type PatchContext = 'SIDECAR_INBOUND' | 'SIDECAR_OUTBOUND';

/** Where a RateLimit's Envoy config goes: which proxies, which virtual hosts, which listeners. */
export interface RateLimitTarget {
  context: PatchContext;
  /** Proxies the EnvoyFilter applies to; absent = every workload in the RateLimit's namespace. */
  workloadSelector?: { labels: Record<string, string> };
  /** Virtual host names to patch, sorted; empty = every virtual host of the context. */
  vhosts: string[];
  /** Outbound listener ports that get the HTTP filter, sorted; empty = every HTTP listener. */
  listenerPorts: number[];
}

/**
 * Resolves and checks the target of a RateLimit. Throws RateLimitRenderError on a combination
 * that cannot be enforced, HostUnresolvedError when `backends` are given and the hosts do not lead
 * to one set of workloads in the RateLimit's namespace.
 *
 * Server side (SIDECAR_INBOUND) selects, in this order:
 * - `spec.workloadSelector.labels` when set and not empty;
 * - every workload of the namespace for `spec.workloadSelector: {}` (said explicitly, never implied);
 * - otherwise the workloads behind `spec.hosts`: the labels of `backends` (found by the caller from
 *   the host's Router or Service). Without `backends` (offline previews, static Envoy configs
 *   built from the patches) no selector is derived and the EnvoyFilter is unscoped: only the
 *   controller applies EnvoyFilters, and it always resolves.
 * A host naming a Service of another namespace is refused by `checkHostNamespaces`. Inbound virtual
 * hosts carry no service host, only the service port (`inbound|http|<port>`), so hosts contribute
 * their ports; a host without a port (or no hosts) means every inbound virtual host.
 *
 * Client side (SIDECAR_OUTBOUND): the callers are selected by `match.source.labels` (absent: every
 * workload in the namespace); each host must carry a port because outbound virtual hosts are named
 * `<host>:<port>`, and may live in any namespace. Gateways are not patched: their virtual hosts
 * are named after the gateway's own hosts, not the target service.
 */
export function rateLimitTarget(rl: RateLimit, backends?: HostBackends): RateLimitTarget {
  const hosts = (rl.spec.hosts ?? []).map((h, i) => parseHost(h, i));
  return rl.spec.side === 'client' ? clientTarget(rl, hosts) : serverTarget(rl, hosts, backends);
}

function serverTarget(rl: RateLimit, hosts: HostPort[], backends: HostBackends | undefined): RateLimitTarget {
  const labels = rl.spec.match?.source?.labels;
  if (labels !== undefined) {
    throw new RateLimitRenderError('spec.match.source.labels', `source labels need side client, a server cannot see its caller's labels (got ${JSON.stringify(labels)})`);
  }
  const selector = serverSelector(rl, backends);
  const allVhosts = hosts.length === 0 || hosts.some((h) => h.port === undefined);
  const ports = allVhosts ? [] : uniqueSorted(hosts.map((h) => h.port ?? 0));
  return {
    context: 'SIDECAR_INBOUND',
    ...(selector ? { workloadSelector: { labels: selector } } : {}),
    vhosts: ports.map((p) => `inbound|http|${p}`),
    listenerPorts: [],
  };
}

/** The server side's pod labels; undefined = every workload of the namespace. */
function serverSelector(rl: RateLimit, backends: HostBackends | undefined): Record<string, string> | undefined {
  const explicit = rl.spec.workloadSelector;
  if (explicit !== undefined) return Object.keys(explicit.labels ?? {}).length > 0 ? explicit.labels : undefined;
  return backends ? selectorOfHosts(rl, backends) : undefined;
}

/**
 * Server side: a host naming a Service of another namespace (`<svc>.<ns>.svc.cluster.local`) is
 * an error, since the EnvoyFilter lives in the RateLimit's namespace and selects only its
 * workloads. Checked when rendering, not by `validateRateLimit`: the rate-limit service may keep a
 * quota for such a RateLimit, as no Envoy will ask for it.
 */
export function checkHostNamespaces(rl: RateLimit): void {
  if (rl.spec.side === 'client') return;
  const namespace = rl.metadata.namespace ?? '';
  (rl.spec.hosts ?? []).forEach((raw, i) => {
    const service = serviceOfHost(parseHost(raw, i).host, namespace);
    if (service && service.namespace !== namespace) {
      throw new RateLimitRenderError(
        `spec.hosts[${i}]`,
        `names a service of namespace ${service.namespace}; a server-side RateLimit limits workloads of its own namespace (${namespace}), create it in namespace ${service.namespace} (got "${raw}")`,
      );
    }
  });
}

function clientTarget(rl: RateLimit, hosts: HostPort[]): RateLimitTarget {
  if (rl.spec.workloadSelector !== undefined) {
    throw new RateLimitRenderError('spec.workloadSelector', `selects the target's own pods, which only side server uses; with side client select callers with match.source.labels (got ${JSON.stringify(rl.spec.workloadSelector.labels ?? {})})`);
  }
  if (hosts.length === 0) {
    throw new RateLimitRenderError('spec.hosts', 'side client needs at least one host:port, callers match the target by its outbound virtual host (got none)');
  }
  const vhosts: string[] = [];
  hosts.forEach((h, i) => {
    if (h.port === undefined) {
      throw new RateLimitRenderError(`spec.hosts[${i}]`, `side client needs host:port, outbound virtual hosts are named host:port (got "${h.host}")`);
    }
    vhosts.push(`${h.host}:${h.port}`);
  });
  const labels = rl.spec.match?.source?.labels;
  return {
    context: 'SIDECAR_OUTBOUND',
    ...(labels !== undefined ? { workloadSelector: { labels } } : {}),
    vhosts: [...new Set(vhosts)].sort(),
    listenerPorts: uniqueSorted(hosts.map((h) => h.port ?? 0)),
  };
}

function uniqueSorted(ports: number[]): number[] {
  return [...new Set(ports)].sort((a, b) => a - b);
}
