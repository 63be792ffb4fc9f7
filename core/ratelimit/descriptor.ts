import type { HeaderMatch, RateLimit } from '../../api/rate-limit.ts';
import { MASKED_REMOTE_ADDRESS_KEY, SOURCE_PRINCIPAL_KEY, perClientPart, principalAction, principalUri, type PerClientAction } from './per-client.ts';
import { parseIpv4Network } from './remote-address.ts';

export { MASKED_REMOTE_ADDRESS_KEY };

/** Rate-limit service domain used when the RateLimit names none. */
export const DEFAULT_DOMAIN = 'switchyard';
/** Key of the first entry, whose value (`<namespace>.<name>`) says which RateLimit counts the request. */
export const RATE_LIMIT_KEY = 'switchyard_ratelimit';
/** Envoy's default key for `header_value_match` entries. */
export const HEADER_MATCH_KEY = 'header_match';

export interface DescriptorEntry {
  key: string;
  value: string;
}

/** What Envoy sends to the rate-limit service for one RateLimit, and what its quota entry matches. */
export interface RateLimitDescriptor {
  domain: string;
  /** The entries with a fixed value, in order. */
  entries: DescriptorEntry[];
  /**
   * With `spec.per`: the key of one more entry after `entries`, whose value is the caller's
   * (any value). A caller without one (no such header) sends `entries` alone.
   */
  perKey?: string;
}

/** Envoy `config.route.v3.HeaderMatcher`, the subset we render. */
export interface EnvoyHeaderMatcher {
  name: string;
  string_match?: { exact: string } | { prefix: string } | { safe_regex: { regex: string } };
  present_match?: boolean;
}

/** Envoy `config.route.v3.RateLimit.Action`, the kinds we render. */
export type EnvoyRateLimitAction =
  | { generic_key: { descriptor_key: string; descriptor_value: string } }
  | { header_value_match: { descriptor_value: string; expect_match: boolean; headers: EnvoyHeaderMatcher[] } }
  | { masked_remote_address: { v4_prefix_mask_len: number } }
  | PerClientAction;

/** One descriptor entry together with the Envoy action that produces exactly that entry. */
interface DescriptorPart {
  entry: DescriptorEntry;
  action: EnvoyRateLimitAction;
}

/**
 * The single definition of a RateLimit's descriptor. Every entry has a fixed value, so the
 * rate-limit service can match it exactly; Envoy drops the whole descriptor when any action
 * produces no entry, which is how the match conditions restrict what is counted:
 * 1. `generic_key` `switchyard_ratelimit=<namespace>.<name>` — always emitted, names the limit;
 * 2. one `header_value_match` per header condition, in spec order, `header_match=<readable rule>`
 *    (inverted conditions use `expect_match: false`, so an absent header also counts as "not");
 * 3. for `source.principal`, `source_principal=<spiffe URI>` from the CEL descriptor extension
 *    reading the peer certificate's URI SAN (no certificate: no descriptor);
 * 4. for `remoteAddress`, `masked_remote_address` with the CIDR's prefix length: Envoy emits the
 *    caller's masked address, which equals the configured network only for callers inside it.
 * Source labels need no entry: they select the callers' sidecars via the workloadSelector.
 * `spec.per` adds one more entry after these (`perClientPart`).
 */
function descriptorParts(rl: RateLimit): DescriptorPart[] {
  const match = rl.spec.match;
  const id = `${rl.metadata.namespace ?? ''}.${rl.metadata.name}`;
  const parts: DescriptorPart[] = [
    { entry: { key: RATE_LIMIT_KEY, value: id }, action: { generic_key: { descriptor_key: RATE_LIMIT_KEY, descriptor_value: id } } },
  ];
  for (const header of match?.headers ?? []) {
    const value = headerRuleText(header);
    parts.push({
      entry: { key: HEADER_MATCH_KEY, value },
      action: { header_value_match: { descriptor_value: value, expect_match: header.invert !== true, headers: [headerMatcher(header)] } },
    });
  }
  if (match?.source?.principal !== undefined) {
    // The caller's URI SAN, compared by the service: a caller with another principal (or none)
    // sends a descriptor no quota matches, or none at all.
    parts.push({ entry: { key: SOURCE_PRINCIPAL_KEY, value: principalUri(match.source.principal) }, action: principalAction(false) });
  }
  if (match?.remoteAddress !== undefined) {
    const net = parseIpv4Network(match.remoteAddress);
    parts.push({
      entry: { key: MASKED_REMOTE_ADDRESS_KEY, value: `${net.address}/${net.prefixLength}` },
      action: { masked_remote_address: { v4_prefix_mask_len: net.prefixLength } },
    });
  }
  return parts;
}

/** The domain and entries Envoy sends for this RateLimit when a request meets every condition. */
export function rateLimitDescriptor(rl: RateLimit): RateLimitDescriptor {
  const entries = descriptorParts(rl).map((p) => p.entry);
  const per = rl.spec.per === undefined ? undefined : perClientPart(rl.spec.per);
  return { domain: rl.spec.domain ?? DEFAULT_DOMAIN, entries, ...(per ? { perKey: per.key } : {}) };
}

/** The Envoy rate-limit actions producing `rateLimitDescriptor(rl)`: its entries, then the per-client one. */
export function rateLimitActions(rl: RateLimit): EnvoyRateLimitAction[] {
  const actions: EnvoyRateLimitAction[] = descriptorParts(rl).map((p) => p.action);
  if (rl.spec.per !== undefined) actions.push(perClientPart(rl.spec.per).action);
  return actions;
}

/** True when the RateLimit has conditions beyond "every request to the target". */
export function hasMatchConditions(rl: RateLimit): boolean {
  return descriptorParts(rl).length > 1;
}

/** A readable, deterministic descriptor value for a header rule, e.g. `:path == /Page.Show`. */
function headerRuleText(h: HeaderMatch): string {
  const not = h.invert === true ? 'not ' : '';
  switch (h.matchType) {
    case 'exact':
      return `${not}${h.key} == ${h.value ?? ''}`;
    case 'prefix':
      return `${not}${h.key} starts-with ${h.value ?? ''}`;
    case 'regex':
      return `${not}${h.key} matches ${h.value ?? ''}`;
    case 'present':
      return `${not}${h.key} present`;
  }
}

function headerMatcher(h: HeaderMatch): EnvoyHeaderMatcher {
  // The schema already requires a value for every matchType but `present`.
  const value = h.value ?? '';
  switch (h.matchType) {
    case 'exact':
      return { name: h.key, string_match: { exact: value } };
    case 'prefix':
      return { name: h.key, string_match: { prefix: value } };
    case 'regex':
      return { name: h.key, string_match: { safe_regex: { regex: value } } };
    case 'present':
      return { name: h.key, present_match: true };
  }
}
