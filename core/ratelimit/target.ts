import type { RateLimit } from '../../api/rate-limit.ts';
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

interface HostPort {
  host: string;
  port?: number;
}

const MAX_PORT = 65535;

/**
 * Resolves and checks the target of a RateLimit. Throws RateLimitRenderError on a combination
 * that cannot be enforced.
 *
 * Server side (SIDECAR_INBOUND): the EnvoyFilter selects `spec.workloadSelector` (absent: every
 * workload in the namespace — nothing is derived from hosts). Inbound virtual hosts carry no
 * service host, only the service port (`inbound|http|<port>`), so hosts contribute their ports;
 * a host without a port (or no hosts) means every inbound virtual host.
 *
 * Client side (SIDECAR_OUTBOUND): the callers are selected by `match.source.labels` (absent: every
 * workload in the namespace); each host must carry a port because outbound virtual hosts are named
 * `<host>:<port>`. Gateways are not patched: their virtual hosts are named after the gateway's
 * own hosts, not the target service.
 */
export function rateLimitTarget(rl: RateLimit): RateLimitTarget {
  const hosts = (rl.spec.hosts ?? []).map((h, i) => parseHost(h, i));
  return rl.spec.side === 'client' ? clientTarget(rl, hosts) : serverTarget(rl, hosts);
}

function serverTarget(rl: RateLimit, hosts: HostPort[]): RateLimitTarget {
  const labels = rl.spec.match?.source?.labels;
  if (labels !== undefined) {
    throw new RateLimitRenderError('spec.match.source.labels', `source labels need side client, a server cannot see its caller's labels (got ${JSON.stringify(labels)})`);
  }
  const allVhosts = hosts.length === 0 || hosts.some((h) => h.port === undefined);
  const ports = allVhosts ? [] : uniqueSorted(hosts.map((h) => h.port ?? 0));
  return {
    context: 'SIDECAR_INBOUND',
    ...(rl.spec.workloadSelector ? { workloadSelector: { labels: rl.spec.workloadSelector.labels } } : {}),
    vhosts: ports.map((p) => `inbound|http|${p}`),
    listenerPorts: [],
  };
}

function clientTarget(rl: RateLimit, hosts: HostPort[]): RateLimitTarget {
  if (rl.spec.workloadSelector !== undefined) {
    throw new RateLimitRenderError('spec.workloadSelector', `selects the target's own pods, which only side server uses; with side client select callers with match.source.labels (got ${JSON.stringify(rl.spec.workloadSelector.labels)})`);
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

function parseHost(raw: string, index: number): HostPort {
  const colon = raw.lastIndexOf(':');
  if (colon < 0) return { host: raw };
  const host = raw.slice(0, colon);
  const portText = raw.slice(colon + 1);
  const port = Number(portText);
  if (host === '' || !/^[0-9]+$/.test(portText) || port < 1 || port > MAX_PORT) {
    throw new RateLimitRenderError(`spec.hosts[${index}]`, `must be host or host:port with a port from 1 to 65535 (got "${raw}")`);
  }
  return { host, port };
}

function uniqueSorted(ports: number[]): number[] {
  return [...new Set(ports)].sort((a, b) => a - b);
}
