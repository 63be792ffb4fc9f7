import { RateLimitRenderError } from './render-error.ts';

/** An IPv4 network as Envoy's `masked_remote_address` action prints it: `a.b.c.d/len`. */
export interface Ipv4Network {
  /** Network address with host bits cleared, dotted quad. */
  address: string;
  prefixLength: number;
}

const FIELD = 'spec.match.remoteAddress';
const IPV4_BITS = 32;

/**
 * Parses `10.1.2.3` (a /32) or `10.1.0.0/16` into the network Envoy reports for callers inside it.
 * Host bits are cleared, because Envoy masks the caller's address before it builds the entry.
 * IPv6 is rejected for now: matching Envoy's textual form of a masked IPv6 address (RFC 5952
 * compression) is not implemented yet.
 */
export function parseIpv4Network(raw: string, field = FIELD): Ipv4Network {
  const [ip = '', prefix] = raw.split('/');
  if (ip.includes(':')) {
    throw new RateLimitRenderError(field, `IPv6 addresses are not supported yet (got "${raw}")`);
  }
  const octets = ip.split('.');
  const valid = octets.length === 4 && octets.every((o) => /^[0-9]{1,3}$/.test(o) && Number(o) <= 255);
  if (!valid) throw new RateLimitRenderError(field, `must be an IPv4 address or CIDR such as 10.1.0.0/16 (got "${raw}")`);
  const prefixLength = prefix === undefined ? IPV4_BITS : /^[0-9]{1,2}$/.test(prefix) ? Number(prefix) : NaN;
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > IPV4_BITS) {
    throw new RateLimitRenderError(field, `prefix length must be between 0 and 32 (got "${raw}")`);
  }
  return maskIpv4(octets.map(Number), prefixLength);
}

/** The network of `prefixLength` bits holding the address `octets`, as Envoy prints it. */
export function maskIpv4(octets: readonly number[], prefixLength: number): Ipv4Network {
  const value = octets.reduce((acc, o) => acc * 256 + o, 0);
  const mask = prefixLength === 0 ? 0 : (0xffffffff << (IPV4_BITS - prefixLength)) >>> 0;
  const network = (value & mask) >>> 0;
  const address = [24, 16, 8, 0].map((shift) => (network >>> shift) & 0xff).join('.');
  return { address, prefixLength };
}
