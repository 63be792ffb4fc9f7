import type { DescriptorEntry } from '../../core/ratelimit/descriptor.ts';
import type { QuotaEntry, QuotaTable } from '../../core/ratelimit/quota-table.ts';

/** What a request descriptor matched. */
export interface MatchedQuota {
  entry: QuotaEntry;
  /** envoyproxy/ratelimit `unlimited: true`: known descriptor, never counted, always OK. */
  unlimited: boolean;
  /** envoyproxy/ratelimit `rate_limit.name`, '' when unnamed; other limits may replace it by name. */
  name: string;
  /** Names of limits this one replaces when both match descriptors of the same request. */
  replaces: readonly string[];
}

/** A compiled quota table: how the hot path finds the limit of one descriptor. */
export interface QuotaIndex {
  hasDomain(domain: string): boolean;
  /** The quota for these entries in this domain, or undefined (then the descriptor is not limited). */
  match(domain: string, entries: readonly DescriptorEntry[]): MatchedQuota | undefined;
  /** Every quota entry, sorted by domain then id (debug output, metrics). */
  entries(): readonly QuotaEntry[];
}

/** One loaded configuration, as published by a QuotaTableSource. */
export interface QuotaSnapshot {
  index: QuotaIndex;
  /** Where it came from, e.g. `file:quotas.yaml` or `kubernetes`. */
  origin: string;
  format: 'switchyard' | 'envoy-ratelimit';
  /** Epoch ms of the load. */
  loadedAt: number;
}

// Separators that cannot occur in descriptor keys/values Envoy produces (header values exclude
// control characters), so the joined key is unambiguous.
const FIELD_SEP = '\u0000';
const ENTRY_SEP = '\u0001';

/** The exact-match lookup key of a domain and its first `n` entries (default all). */
export function exactKey(domain: string, entries: readonly DescriptorEntry[], n = entries.length): string {
  let key = domain;
  for (let i = 0; i < n; i++) {
    const e = entries[i] as DescriptorEntry;
    key += ENTRY_SEP + e.key + FIELD_SEP + e.value;
  }
  return key;
}

/** The lookup key of a per-client quota: its entries, then its per-client key with any value. */
function perClientKey(domain: string, entries: readonly DescriptorEntry[], n: number, key: string): string {
  return exactKey(domain, entries, n) + ENTRY_SEP + key + FIELD_SEP;
}

/**
 * Indexes a Switchyard quota table (from RateLimit resources) with the semantics of `lookup`: a
 * descriptor matches a quota when its entries equal the quota's entries exactly, in order; a
 * per-client quota also matches its entries followed by any value of its per-client key, an
 * override's value with the override's limit. One Map lookup, a second for per-client callers.
 */
export function indexQuotaTable(table: QuotaTable): QuotaIndex {
  const byKey = new Map<string, MatchedQuota>();
  const perClient = new Map<string, MatchedQuota>();
  const domains = new Set<string>();
  const all: QuotaEntry[] = [];
  // buildQuotaTable keeps ids unique, but two RateLimits may render identical descriptors; the
  // first by id wins, deterministically.
  const add = (map: Map<string, MatchedQuota>, key: string, entry: QuotaEntry): void => {
    if (!map.has(key)) map.set(key, { entry, unlimited: false, name: '', replaces: [] });
  };
  for (const [domain, list] of Object.entries(table.domains).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    domains.add(domain);
    for (const entry of list) {
      all.push(entry);
      add(byKey, exactKey(domain, entry.entries), entry);
      if (entry.per === undefined) continue;
      const key = entry.per.key;
      add(perClient, perClientKey(domain, entry.entries, entry.entries.length, key), entry);
      for (const o of entry.per.overrides) {
        // Same id (metrics are labelled by quota, never by caller), the caller's own limit.
        add(byKey, exactKey(domain, [...entry.entries, { key, value: o.value }]), { ...entry, requestsPerUnit: o.requestsPerUnit });
      }
    }
  }
  const matchPerClient = (domain: string, entries: readonly DescriptorEntry[]): MatchedQuota | undefined => {
    const last = entries[entries.length - 1];
    return last === undefined ? undefined : perClient.get(perClientKey(domain, entries, entries.length - 1, last.key));
  };
  return {
    hasDomain: (domain) => domains.has(domain),
    match: (domain, entries) => byKey.get(exactKey(domain, entries)) ?? (perClient.size > 0 ? matchPerClient(domain, entries) : undefined),
    entries: () => all,
  };
}
