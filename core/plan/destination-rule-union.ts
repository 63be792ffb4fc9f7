import type { DestinationRule, Subset } from '../istio/types.ts';
import { specEqual } from '../../lib/spec-equal.ts';

type DestinationRuleSpec = DestinationRule['spec'];

/**
 * The make-before-break DestinationRule: the desired one whose subsets are the desired subsets
 * (desired definitions win on a shared name) followed by every live subset the desired set lacks,
 * in live order.
 *
 * Why every live subset and not only those the live VirtualService references: the live VS we read
 * is not the only thing that may route to them — proxies may still hold an older VS whose push
 * was not confirmed before a controller restart, and other VirtualServices (a gateway's, a
 * hand-written one) may name our subsets. Keeping an unreferenced subset costs one extra cluster
 * until the prune step; dropping one in use costs 503s.
 */
export function unionDestinationRule(live: DestinationRule | null, desired: DestinationRule): DestinationRule {
  const wanted = desired.spec.subsets ?? [];
  const names = new Set(wanted.map((s) => s.name));
  const extra = (live?.spec.subsets ?? []).filter((s) => !names.has(s.name));
  if (extra.length === 0) return desired;
  return { ...desired, spec: replaceSubsets(desired.spec, [...wanted, ...extra]) };
}

/**
 * Equality of DestinationRule specs where subset order does not count (Istio looks subsets up by
 * name), so a reordered Router or a union built in another order causes no write.
 */
export function destinationRuleSpecEqual(a: DestinationRuleSpec, b: DestinationRuleSpec): boolean {
  return specEqual(normalise(a), normalise(b));
}

function normalise(spec: DestinationRuleSpec): DestinationRuleSpec {
  if (!spec.subsets) return spec;
  return { ...spec, subsets: [...spec.subsets].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0)) };
}

/** A copy of `spec` with `subsets` replaced in place, so key order stays that of the desired spec. */
function replaceSubsets(spec: DestinationRuleSpec, subsets: Subset[]): DestinationRuleSpec {
  const out: DestinationRuleSpec = { host: spec.host };
  for (const [key, value] of Object.entries(spec)) out[key] = key === 'subsets' ? subsets : value;
  if (!('subsets' in spec)) out.subsets = subsets;
  return out;
}
