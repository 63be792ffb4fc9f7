import type { ProgressionStatus } from '../../api/progression.ts';
import type { Router } from '../../api/router.ts';
import { defaultBranch } from '../router/branch-subsets.ts';
import { routerHost, routerNamespace } from '../router/router-host.ts';
import { subsetName } from '../router/subset-name.ts';
import { promRange, type QueryTarget } from './queries.ts';
import { canaryVersion, type Weights } from './walk-steps.ts';

/** The default branch's declared weights, when the Router walks them (`spec.progression` and weighted versions). */
export function walkedWeights(router: Router): Weights | undefined {
  if (router.spec.progression === undefined) return undefined;
  const versions = defaultBranch(router.spec).versions;
  return versions === undefined || Object.keys(versions).length === 0 ? undefined : versions;
}

/** The Router as rendered at a step of its walk: the default branch at `weights`, everything else as declared. */
export function routerAtWeights(router: Router, weights: Weights): Router {
  const main = defaultBranch(router.spec);
  const subsets = router.spec.subsets.map((s) => (s === main ? { ...s, versions: { ...weights } } : s));
  return { ...router, spec: { ...router.spec, subsets } };
}

/**
 * What the checks of a walk look at: the canary — the version gaining the most weight from the
 * walk's start to its target (for a walk that only sheds weight, the version the target weighs most).
 */
export function walkQueryTarget(router: Router, state: ProgressionStatus, intervalMs: number): QueryTarget {
  const branch = defaultBranch(router.spec).branch;
  const heaviest = Object.entries(state.target).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? '';
  const version = canaryVersion(state.from, state.target) ?? heaviest;
  return { namespace: routerNamespace(router), host: routerHost(router), port: router.spec.port, branch, version, subset: subsetName(branch, version), interval: promRange(intervalMs) };
}
