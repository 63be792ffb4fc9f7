import type { QuotaEntry } from '../../core/ratelimit/quota-table.ts';
import type { HitRequest } from '../../core/limits/hit.ts';

/** 2023-11-14T22:13:20.000Z: the start of a second, 20 s into its minute. */
export const NOW = 1_700_000_000_000;

/** A quota entry like the seed's `/Page.Show` limit, with the given changes. */
export function quota(changes: Partial<QuotaEntry> = {}): QuotaEntry {
  return {
    id: 'sm-verify/page-show',
    domain: 'switchyard',
    entries: [
      { key: 'switchyard_ratelimit', value: 'sm-verify.page-show' },
      { key: 'header_match', value: ':path == /Page.Show' },
    ],
    requestsPerUnit: 137,
    unit: 'SECOND',
    shadow: false,
    algorithm: 'fixedWindow',
    failureMode: 'allow',
    ...changes,
  };
}

/** One descriptor hitting `entry` with its own entries. */
export function hitOf(entry: QuotaEntry, hits = 1, changes: Partial<HitRequest> = {}): HitRequest {
  return { entry, descriptor: entry.entries, hits, ...changes };
}

/** How many results of each code. */
export function codes(results: readonly { code: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) out[r.code] = (out[r.code] ?? 0) + 1;
  return out;
}
