import { PRINCIPAL_UNSUPPORTED, type PerClient } from '../../api/per-client.ts';
import type { RateLimit } from '../../api/rate-limit.ts';
import { RateLimitRenderError } from './render-error.ts';
import { maskIpv4, parseIpv4Network } from './remote-address.ts';

/** The key Envoy's `masked_remote_address` action always uses. */
export const MASKED_REMOTE_ADDRESS_KEY = 'masked_remote_address';
const IPV4_BITS = 32;
const IPV6_BITS = 128;

export { PRINCIPAL_UNSUPPORTED };

/** Envoy `config.route.v3.RateLimit.Action` kinds that produce a per-client entry. */
export type PerClientAction =
  | { request_headers: { header_name: string; descriptor_key: string; skip_if_absent: boolean } }
  | { masked_remote_address: { v4_prefix_mask_len: number; v6_prefix_mask_len: number } };

/** The last descriptor entry of a per-client RateLimit: its key is fixed, its value the caller's. */
export interface PerClientPart {
  key: string;
  action: PerClientAction;
}

/**
 * The entry a RateLimit's `spec.per` adds after its fixed entries. A header is read with
 * `skip_if_absent`: a request without it still sends the descriptor, without the per-client entry,
 * so all such requests share one counter (see `quotaEntry`). Throws RateLimitRenderError for a
 * principal (see PRINCIPAL_UNSUPPORTED).
 */
export function perClientPart(per: PerClient): PerClientPart {
  if (per.principal !== undefined) throw new RateLimitRenderError('spec.per.principal', `${PRINCIPAL_UNSUPPORTED} (got {})`);
  if (per.header !== undefined) {
    // Envoy looks headers up lower-cased; the key is the same name, so counter keys read naturally.
    const name = per.header.toLowerCase();
    return { key: name, action: { request_headers: { header_name: name, descriptor_key: name, skip_if_absent: true } } };
  }
  const v4 = per.remoteAddress?.prefixLength ?? IPV4_BITS;
  const v6 = per.remoteAddress?.v6PrefixLength ?? IPV6_BITS;
  return { key: MASKED_REMOTE_ADDRESS_KEY, action: { masked_remote_address: { v4_prefix_mask_len: v4, v6_prefix_mask_len: v6 } } };
}

/** A caller with its own quota: the per-client entry's value exactly as Envoy sends it. */
export interface PerClientQuota {
  value: string;
  requestsPerUnit: number;
}

/**
 * `spec.per.overrides` with each value as Envoy will send it: header values as written; addresses
 * masked to `prefixLength` and printed as `masked_remote_address` prints them (`10.1.2.0/24`).
 * Throws RateLimitRenderError naming the override for an address outside IPv4, or a network of
 * another prefix length than the one callers are counted by.
 */
export function perClientOverrides(rl: RateLimit): PerClientQuota[] {
  const per = rl.spec.per;
  if (per === undefined) return [];
  return (per.overrides ?? []).map((o, i) => {
    if (per.remoteAddress === undefined) return { value: o.value, requestsPerUnit: o.quota };
    const field = `spec.per.overrides[${i}].value`;
    const prefixLength = per.remoteAddress.prefixLength ?? IPV4_BITS;
    const parsed = parseIpv4Network(o.value, field);
    const written = o.value.includes('/');
    if (written && parsed.prefixLength !== prefixLength) {
      throw new RateLimitRenderError(field, `must be a /${prefixLength} network or an address in one, as spec.per.remoteAddress.prefixLength counts callers (got "${o.value}")`);
    }
    const net = maskIpv4(parsed.address.split('.').map(Number), prefixLength);
    return { value: `${net.address}/${net.prefixLength}`, requestsPerUnit: o.quota };
  });
}
