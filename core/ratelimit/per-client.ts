import type { PerClient } from '../../api/per-client.ts';
import type { RateLimit } from '../../api/rate-limit.ts';
import { RateLimitRenderError } from './render-error.ts';
import { maskIpv4, parseIpv4Network } from './remote-address.ts';

/** The key Envoy's `masked_remote_address` action always uses. */
export const MASKED_REMOTE_ADDRESS_KEY = 'masked_remote_address';
const IPV4_BITS = 32;
const IPV6_BITS = 128;

/** Descriptor key of the caller's principal (match or per-client). */
export const SOURCE_PRINCIPAL_KEY = 'source_principal';
/** Envoy's computed-descriptor extension: a CEL expression's value becomes the entry's value. */
const EXPR_DESCRIPTOR = 'envoy.rate_limit_descriptors.expr';
const EXPR_DESCRIPTOR_TYPE = 'type.googleapis.com/envoy.extensions.rate_limit_descriptors.expr.v3.Descriptor';
/**
 * The first URI SAN of the certificate the downstream peer presented: on a sidecar's inbound, the
 * caller's SPIFFE identity. No certificate (plaintext, or a client without one): an error, which
 * `skip_if_error` turns into "no entry" or "no descriptor".
 */
const PEER_PRINCIPAL_EXPR = 'connection.uri_san_peer_certificate';
const SPIFFE = 'spiffe://';

/**
 * The action whose entry is `source_principal=<the caller's URI SAN>`. `skipIfAbsent`: a caller
 * without one still sends the descriptor, without this entry; otherwise Envoy sends no descriptor.
 */
export function principalAction(skipIfAbsent: boolean): PrincipalAction {
  return {
    extension: {
      name: EXPR_DESCRIPTOR,
      typed_config: { '@type': EXPR_DESCRIPTOR_TYPE, descriptor_key: SOURCE_PRINCIPAL_KEY, text: PEER_PRINCIPAL_EXPR, skip_if_error: skipIfAbsent },
    },
  };
}

/** A principal as the peer certificate's URI SAN: Istio's `cluster.local/ns/a/sa/b` gains `spiffe://`. */
export function principalUri(principal: string): string {
  return principal.startsWith(SPIFFE) ? principal : `${SPIFFE}${principal}`;
}

/** Envoy's `extension` rate-limit action with the CEL descriptor reading the peer's principal. */
export interface PrincipalAction {
  extension: { name: string; typed_config: { '@type': string; descriptor_key: string; text: string; skip_if_error: boolean } };
}

/** Envoy `config.route.v3.RateLimit.Action` kinds that produce a per-client entry. */
export type PerClientAction =
  | { request_headers: { header_name: string; descriptor_key: string; skip_if_absent: boolean } }
  | { masked_remote_address: { v4_prefix_mask_len: number; v6_prefix_mask_len: number } }
  | PrincipalAction;

/** The last descriptor entry of a per-client RateLimit: its key is fixed, its value the caller's. */
export interface PerClientPart {
  key: string;
  action: PerClientAction;
}

/**
 * The entry a RateLimit's `spec.per` adds after its fixed entries. A header is read with
 * `skip_if_absent`: a request without it still sends the descriptor, without the per-client entry,
 * so all such requests share one counter (see `quotaEntry`); so does a caller without a principal.
 */
export function perClientPart(per: PerClient): PerClientPart {
  if (per.principal !== undefined) return { key: SOURCE_PRINCIPAL_KEY, action: principalAction(true) };
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
 * masked to `prefixLength` and printed as `masked_remote_address` prints them (`10.1.2.0/24`);
 * principals as URIs (`principalUri`).
 * Throws RateLimitRenderError naming the override for an address outside IPv4, or a network of
 * another prefix length than the one callers are counted by.
 */
export function perClientOverrides(rl: RateLimit): PerClientQuota[] {
  const per = rl.spec.per;
  if (per === undefined) return [];
  return (per.overrides ?? []).map((o, i) => {
    if (per.principal !== undefined) return { value: principalUri(o.value), requestsPerUnit: o.quota };
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
