import { RateLimitRenderError } from './render-error.ts';

/** One entry of `spec.hosts`, split. */
export interface HostPort {
  host: string;
  port?: number;
}

const MAX_PORT = 65535;
/** Kubernetes' default cluster domain, the suffix of every in-cluster service host. */
const CLUSTER_DOMAIN = 'svc.cluster.local';

/** Splits `host[:port]`; throws RateLimitRenderError naming `spec.hosts[index]` on a bad port. */
export function parseHost(raw: string, index: number): HostPort {
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

/**
 * The host as Istio names it: a short name (no dot) is a Service of `namespace`, so it becomes
 * `<name>.<namespace>.svc.cluster.local`; anything else is already qualified.
 */
export function qualifiedHost(host: string, namespace: string): string {
  return host.includes('.') ? host : `${host}.${namespace}.${CLUSTER_DOMAIN}`;
}

/**
 * The Kubernetes Service a host names — `<name>` (in `namespace`) or
 * `<name>.<ns>.svc.cluster.local` — or undefined for any other host (a Router's custom host, an
 * external name).
 */
export function serviceOfHost(host: string, namespace: string): { namespace: string; name: string } | undefined {
  const suffix = `.${CLUSTER_DOMAIN}`;
  const qualified = qualifiedHost(host, namespace);
  if (!qualified.endsWith(suffix)) return undefined;
  const [name, ns, ...rest] = qualified.slice(0, -suffix.length).split('.');
  return name && ns && rest.length === 0 ? { namespace: ns, name } : undefined;
}
