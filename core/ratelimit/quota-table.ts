import type { Algorithm, RateLimit, Unit } from '../../api/rate-limit.ts';
import { rateLimitDescriptor, type DescriptorEntry } from './descriptor.ts';
import { RateLimitRenderError } from './render-error.ts';
import { validateRateLimit } from './validate-rate-limit.ts';

/** One global limit as the rate-limit service applies it. */
export interface QuotaEntry {
  /** `<namespace>/<name>` of the RateLimit. */
  id: string;
  domain: string;
  /** Exactly the entries Envoy sends for this limit (see `rateLimitDescriptor`), in order. */
  entries: DescriptorEntry[];
  requestsPerUnit: number;
  unit: Unit;
  /** Count and report, always answer OK. */
  shadow: boolean;
  algorithm: Algorithm;
  /** How to answer when counters cannot be reached. */
  failureMode: 'allow' | 'deny';
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

/** The quota whose entries equal `entries` exactly (same keys and values, same order), if any. */
export function lookup(table: QuotaTable, domain: string, entries: readonly DescriptorEntry[]): QuotaEntry | undefined {
  return table.domains[domain]?.find(
    (q) => q.entries.length === entries.length && q.entries.every((e, i) => e.key === entries[i]?.key && e.value === entries[i]?.value),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
