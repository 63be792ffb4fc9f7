import { specEqual } from '../lib/spec-equal.ts';
import type { KubeObject } from './types.ts';

type OwnerRef = NonNullable<KubeObject['metadata']['ownerReferences']>[number];

/**
 * True when every value of `desired` is present and equal in `live` (objects recursively; arrays
 * must have the same length, element by element). Extra live keys are ignored: they are server
 * defaults or another manager's fields.
 */
export function containsSubset(live: unknown, desired: unknown): boolean {
  if (desired === undefined) return true;
  if (typeof desired !== 'object' || desired === null) return live === desired;
  if (typeof live !== 'object' || live === null) return false;
  if (Array.isArray(desired)) {
    return Array.isArray(live) && live.length === desired.length && desired.every((d, i) => containsSubset(live[i], d));
  }
  if (Array.isArray(live)) return false;
  const l = live as Record<string, unknown>;
  return Object.entries(desired as Record<string, unknown>).every(([k, v]) => containsSubset(l[k], v));
}

function refMatches(live: OwnerRef[] | undefined, want: OwnerRef): boolean {
  return (live ?? []).some((r) => containsSubset(r, want));
}

/**
 * Whether applying `desired` would change nothing the owner manages on `live`: each desired
 * label, annotation and ownerReference is present with the same value, and the spec matches —
 * exactly (`exact`) or as a subset for server-defaulted kinds (`subset`). Labels and annotations
 * other tools add are not ours and do not count as a difference.
 */
export function liveMatches(live: KubeObject, desired: KubeObject, specCompare: 'exact' | 'subset'): boolean {
  const lm = live.metadata;
  const dm = desired.metadata;
  if (!containsSubset(lm.labels ?? {}, dm.labels ?? {})) return false;
  if (!containsSubset(lm.annotations ?? {}, dm.annotations ?? {})) return false;
  if (!(dm.ownerReferences ?? []).every((r) => refMatches(lm.ownerReferences, r))) return false;
  return specCompare === 'exact' ? specEqual(live.spec, desired.spec) : containsSubset(live.spec, desired.spec);
}
