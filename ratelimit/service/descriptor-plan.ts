import type { MatchedQuota, QuotaIndex } from '../config/quota-index.ts';
import type { QuotaEntry } from '../../core/ratelimit/quota-table.ts';
import type { HitRequest } from '../../core/limits/hit.ts';
import type { LimitUnit } from '../../core/limits/units.ts';
import type { RlsRequest } from './rls-types.ts';

/** What the service does with one descriptor before asking the store. */
export type DescriptorPlan =
  /** No quota (unknown domain or descriptor, or replaced by another limit): OK, not counted. */
  | { kind: 'unlimited-unknown' }
  /** envoyproxy/ratelimit `unlimited: true`: OK, not counted. */
  | { kind: 'unlimited' }
  /** Counted: `hit` is sent to the store. */
  | { kind: 'counted'; quota: QuotaEntry; shadow: boolean; unit: LimitUnit; hit: HitRequest };

/**
 * Decides, from the quota index alone, which descriptors are counted and how (pure).
 * - A limit override counts the descriptor with the override, shadow mode off (as the reference
 *   does); a descriptor with an override and no quota is counted too when its domain is known,
 *   under the domain's override entry from `overrideEntry`.
 * - `replaces`: a matched limit named in another matched limit's `replaces` is not counted.
 * - Hits: the descriptor's `hits_addend` if present, else the request's; 0 when `count` is false.
 */
export function planDescriptors(req: RlsRequest, index: QuotaIndex, count: boolean, overrideEntry: (domain: string) => QuotaEntry): DescriptorPlan[] {
  const n = req.descriptors.length;
  const matches: (MatchedQuota | undefined)[] = new Array<MatchedQuota | undefined>(n);
  let replaced: Set<string> | undefined;
  for (let i = 0; i < n; i++) {
    const m = index.match(req.domain, (req.descriptors[i] as RlsRequest['descriptors'][number]).entries);
    matches[i] = m;
    if (m !== undefined && !m.unlimited && m.replaces.length > 0) {
      replaced ??= new Set<string>();
      for (const name of m.replaces) replaced.add(name);
    }
  }
  const plans: DescriptorPlan[] = new Array<DescriptorPlan>(n);
  for (let i = 0; i < n; i++) {
    const d = req.descriptors[i] as RlsRequest['descriptors'][number];
    let m = matches[i];
    if (m !== undefined && replaced !== undefined && m.name !== '' && replaced.has(m.name)) m = undefined;
    const hits = count ? (d.hits_addend ?? req.hits_addend) : 0;
    if (d.limit !== null && (m !== undefined || index.hasDomain(req.domain))) {
      const quota = m?.entry ?? overrideEntry(req.domain);
      const limitOverride = { requestsPerUnit: d.limit.requests_per_unit, unit: d.limit.unit };
      plans[i] = { kind: 'counted', quota, shadow: false, unit: d.limit.unit, hit: { entry: quota, descriptor: d.entries, limitOverride, hits } };
    } else if (m === undefined) {
      plans[i] = { kind: 'unlimited-unknown' };
    } else if (m.unlimited) {
      plans[i] = { kind: 'unlimited' };
    } else {
      plans[i] = { kind: 'counted', quota: m.entry, shadow: m.entry.shadow, unit: m.entry.unit, hit: { entry: m.entry, descriptor: d.entries, hits } };
    }
  }
  return plans;
}
