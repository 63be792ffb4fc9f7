import type { Algorithm, RateLimit } from '../../api/rate-limit.ts';
import { rateLimitDescriptor, type DescriptorEntry } from './descriptor.ts';
import { perClientOverrides, type PerClientQuota } from './per-client.ts';
import { RateLimitRenderError } from './render-error.ts';
import { validateRateLimit } from './validate-rate-limit.ts';
import type { LimitUnit } from '../limits/units.ts';

/** One global limit as the rate-limit service applies it. */
export interface QuotaEntry {
  /** `<namespace>/<name>` of the RateLimit. */
  id: string;
  domain: string;
  /** Exactly the entries Envoy sends for this limit (see `rateLimitDescriptor`), in order. */
  entries: DescriptorEntry[];
  requestsPerUnit: number;
  /** A RateLimit's unit, or (from a reference-format config file) also WEEK, MONTH or YEAR. */
  unit: LimitUnit;
  /** Count and report, always answer OK. */
  shadow: boolean;
  algorithm: Algorithm;
  /** How to answer when counters cannot be reached. */
  failureMode: 'allow' | 'deny';
  /**
   * With `spec.per`: `key` of one more entry after `entries`, any value. Such a descriptor is
   * counted against this entry (or an override's quota for its value), one counter per value,
   * the value being part of the counter key. `entries` alone (a caller without the header) are
   * counted too, all such callers sharing one counter.
   */
  per?: { key: string; overrides: PerClientQuota[] };
}

/** Global limits by domain; each domain's entries are sorted by id. */
export interface QuotaTable {
  domains: Record<string, QuotaEntry[]>;
}

export interface QuotaTableError {
  namespace: string;
  name: string;
  /** Path inside the RateLimit, e.g. `spec.match.remoteAddress`. */
  field: string;
  message: string;
}

/**
 * The quota entry of one global-mode RateLimit. Its entries come from `rateLimitDescriptor`,
 * the same function the Envoy actions are rendered from, so Envoy and the service cannot drift.
 * Throws RateLimitRenderError when the RateLimit cannot be enforced.
 */
export function quotaEntry(rl: RateLimit): QuotaEntry {
  validateRateLimit(rl);
  const descriptor = rateLimitDescriptor(rl);
  return {
    id: `${rl.metadata.namespace ?? ''}/${rl.metadata.name}`,
    domain: descriptor.domain,
    entries: descriptor.entries,
    requestsPerUnit: rl.spec.quota,
    unit: rl.spec.unit,
    shadow: rl.spec.shadow === true,
    algorithm: rl.spec.algorithm ?? 'fixedWindow',
    failureMode: rl.spec.failureMode ?? 'allow',
    ...(descriptor.perKey !== undefined ? { per: { key: descriptor.perKey, overrides: perClientOverrides(rl) } } : {}),
  };
}

/**
 * Builds the table from all RateLimits; local-mode ones are skipped (Envoy counts those itself).
 * A RateLimit that cannot be enforced, or repeats an id already seen, is reported in `errors`
 * and left out; the others still build. Output order does not depend on input order.
 */
export function buildQuotaTable(rateLimits: RateLimit[]): { table: QuotaTable; errors: QuotaTableError[] } {
  const byId = new Map<string, QuotaEntry>();
  const errors: QuotaTableError[] = [];
  for (const rl of rateLimits) {
    if (rl.spec.mode === 'local') continue;
    const where = { namespace: rl.metadata.namespace ?? '', name: rl.metadata.name };
    try {
      const entry = quotaEntry(rl);
      if (byId.has(entry.id)) {
        errors.push({ ...where, field: 'metadata.name', message: `metadata.name: must be unique per namespace, RateLimit ${entry.id} appears twice` });
        continue;
      }
      byId.set(entry.id, entry);
    } catch (err) {
      if (!(err instanceof RateLimitRenderError)) throw err;
      errors.push({ ...where, field: err.field, message: err.message });
    }
  }
  const domains: Record<string, QuotaEntry[]> = {};
  const sorted = [...byId.values()].sort((a, b) => compare(a.domain, b.domain) || compare(a.id, b.id));
  for (const entry of sorted) (domains[entry.domain] ??= []).push(entry);
  return { table: { domains }, errors };
}

/**
 * The quota applying to a descriptor, if any, and the limit it is counted with: a quota whose
 * entries equal `entries` exactly (same keys and values, same order), else a per-client quota
 * whose entries equal all but the last, which has the quota's per-client key (with an override's
 * limit when one names its value). The rate-limit service's index implements exactly this.
 */
export function lookup(table: QuotaTable, domain: string, entries: readonly DescriptorEntry[]): { entry: QuotaEntry; requestsPerUnit: number } | undefined {
  const list = table.domains[domain] ?? [];
  const equal = (q: QuotaEntry, n: number): boolean => q.entries.length === n && q.entries.every((e, i) => e.key === entries[i]?.key && e.value === entries[i]?.value);
  const exact = list.find((q) => equal(q, entries.length));
  if (exact !== undefined) return { entry: exact, requestsPerUnit: exact.requestsPerUnit };
  const last = entries[entries.length - 1];
  const per = list.find((q) => q.per !== undefined && last?.key === q.per.key && equal(q, entries.length - 1));
  if (per === undefined || last === undefined) return undefined;
  return { entry: per, requestsPerUnit: per.per?.overrides.find((o) => o.value === last.value)?.requestsPerUnit ?? per.requestsPerUnit };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
