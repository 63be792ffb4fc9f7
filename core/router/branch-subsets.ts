import type { Router, RouterSpec, RouterSubset } from '../../api/router.ts';
import { labelValueRule, subsetNameRule } from '../istio/rules/names.ts';
import type { Subset } from '../istio/types.ts';
import { RenderError } from './render-error.ts';
import { subsetName } from './subset-name.ts';

/** Pod label keys used when `spec.labelKeys` leaves them out. */
export const DEFAULT_BRANCH_KEY = 'branch';
export const DEFAULT_VERSION_KEY = 'version';

/** One weighted target of a branch's route. `weight` is absent when the branch has one subset. */
export interface BranchDestination {
  subset: string;
  weight?: number;
}

/** What one branch of a Router renders to: its DR subsets and its route's destinations. */
export interface BranchSubsets {
  branch: RouterSubset;
  /** Position in `spec.subsets`, for error paths. */
  index: number;
  subsets: Subset[];
  destinations: BranchDestination[];
}

/** The default (main) branch: the one marked `default: true`, else the first one listed. */
export function defaultBranch(spec: Pick<RouterSpec, 'subsets'>): RouterSubset {
  const chosen = spec.subsets.find((s) => s.default === true) ?? spec.subsets[0];
  if (!chosen) throw new RenderError('spec.subsets', 'must list at least one branch', spec.subsets);
  return chosen;
}

/** Branch and version pod label keys, with their defaults. */
export function labelKeys(spec: RouterSpec): { branch: string; version: string } {
  return { branch: spec.labelKeys?.branch ?? DEFAULT_BRANCH_KEY, version: spec.labelKeys?.version ?? DEFAULT_VERSION_KEY };
}

/** Labels every subset (and an owned Service) selects on: `spec.selector`, default `{app: <name>}`. */
export function baseSelector(router: Router): Record<string, string> {
  return sortedRecord(router.spec.selector ?? { app: router.metadata.name });
}

/** A copy of `record` with its keys in sorted order, so rendered YAML does not depend on input order. */
export function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key] as T;
  return out;
}

/**
 * Subsets and route destinations of every branch, in declared order (versions in key order as
 * written; JavaScript puts integer-like keys such as `2` first, which only affects display order).
 * A branch with no versions (absent or `{}`) gets one subset selecting all its pods.
 * Zero-weight versions are kept: their pods exist, and keeping the subset referenced means moving
 * weight onto them later changes only the VirtualService.
 *
 * @throws RenderError when a subset name is not one Istio accepts (a DNS-1123 label of at most 63
 *   characters) or two subsets normalise to the same name, or the selector sets the branch or
 *   version label key (the subsets would then select on contradictory values).
 */
export function branchSubsets(router: Router): BranchSubsets[] {
  const keys = labelKeys(router.spec);
  const selector = baseSelector(router);
  checkLabelKeys(selector, keys);
  const owners = new Map<string, string>();
  return router.spec.subsets.map((branch, index) => {
    const branchLabels = { ...selector, [keys.branch]: branch.branch };
    const versions = Object.entries(branch.versions ?? {});
    if (versions.length === 0) {
      const name = claim(owners, subsetName(branch.branch), `spec.subsets[${index}].branch`, branch.branch);
      return { branch, index, subsets: [{ name, labels: sortedRecord(branchLabels) }], destinations: [{ subset: name }] };
    }
    const subsets = versions.map(([version]) => ({
      name: claim(owners, subsetName(branch.branch, version), `spec.subsets[${index}].versions.${version}`, version),
      labels: sortedRecord({ ...branchLabels, [keys.version]: version }),
    }));
    const destinations = subsets.map((s, i) => (subsets.length === 1 ? { subset: s.name } : { subset: s.name, weight: versions[i]?.[1] ?? 0 }));
    return { branch, index, subsets, destinations };
  });
}

/** Reserves a subset name for `field`: it must be one Istio accepts, and not taken by another branch×version. */
function claim(owners: Map<string, string>, name: string, field: string, value: string): string {
  const badName = subsetNameRule(name);
  if (badName !== undefined) throw new RenderError(field, `renders the subset name ${JSON.stringify(name)}, but ${badName}`, value);
  const badLabel = labelValueRule(value);
  if (badLabel !== undefined) throw new RenderError(field, badLabel, value);
  const previous = owners.get(name);
  if (previous !== undefined) {
    throw new RenderError(field, `subset name ${name} is already the subset of ${previous}; subset names must be unique after normalisation`, value);
  }
  owners.set(name, field);
  return name;
}

function checkLabelKeys(selector: Record<string, string>, keys: { branch: string; version: string }): void {
  if (keys.branch === keys.version) {
    throw new RenderError('spec.labelKeys.version', 'must differ from the branch label key', keys.version);
  }
  for (const key of [keys.branch, keys.version]) {
    // Own keys only: `in` also finds Object.prototype members, and `constructor` is a valid label key.
    if (Object.hasOwn(selector, key)) {
      throw new RenderError(`spec.selector.${key}`, 'must not set the branch or version label key (each subset sets it)', selector[key]);
    }
  }
}
