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

/** The exact-match lookup key of a domain and its entries. */
export function exactKey(domain: string, entries: readonly DescriptorEntry[]): string {
  let key = domain;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as DescriptorEntry;
    key += ENTRY_SEP + e.key + FIELD_SEP + e.value;
  }
  return key;
}

/**
 * Indexes a Switchyard quota table (from RateLimit resources): a descriptor matches a quota when
 * its entries equal the quota's entries exactly, in order (the semantics of `lookup`), found with
 * one Map lookup.
 */
export function indexQuotaTable(table: QuotaTable): QuotaIndex {
  const byKey = new Map<string, MatchedQuota>();
  const domains = new Set<string>();
  const all: QuotaEntry[] = [];
  for (const [domain, list] of Object.entries(table.domains).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    domains.add(domain);
    for (const entry of list) {
      all.push(entry);
      const key = exactKey(domain, entry.entries);
      // buildQuotaTable keeps ids unique, but two RateLimits may render identical descriptors;
      // the first by id wins, deterministically.
      if (!byKey.has(key)) byKey.set(key, { entry, unlimited: false, name: '', replaces: [] });
    }
  }
  return {
    hasDomain: (domain) => domains.has(domain),
    match: (domain, entries) => byKey.get(exactKey(domain, entries)),
    entries: () => all,
  };
}
