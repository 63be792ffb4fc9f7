import type { Progression } from '../../api/progression.ts';

/** Weights of one branch: version → weight, summing to 100. */
export type Weights = Record<string, number>;

/** `stepWeight` without `maxWeight` walks up to half the way, then promotes (as Flagger's default). */
export const DEFAULT_MAX_WEIGHT = 50;
/** Without `steps` or `stepWeight`: 10, 20, … 50. */
export const DEFAULT_STEP_WEIGHT = 10;

/** The step weights (the share of the way, in %) before the end (100), strictly increasing. */
export function stepWeights(p: Progression): number[] {
  if (p.steps !== undefined) return [...p.steps];
  const step = p.stepWeight ?? DEFAULT_STEP_WEIGHT;
  const max = p.maxWeight ?? DEFAULT_MAX_WEIGHT;
  const out: number[] = [];
  for (let w = step; w <= max && w < 100; w += step) out.push(w);
  return out;
}

/**
 * The weights `share`% of the way from `from` to `to`, rounded to integers summing to 100
 * (largest remainder; ties go to the version that is gaining, then by name, so the result is
 * stable). Versions at 0 in both are left out.
 */
export function weightsBetween(from: Weights, to: Weights, share: number): Weights {
  const versions = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  const exact = versions.map((v) => {
    const a = from[v] ?? 0;
    const b = to[v] ?? 0;
    return { v, value: a + ((b - a) * share) / 100, gaining: b > a };
  });
  const floors = exact.map((e) => ({ ...e, weight: Math.floor(e.value + 1e-9) }));
  let missing = 100 - floors.reduce((sum, e) => sum + e.weight, 0);
  const order = [...floors].sort((x, y) => y.value - y.weight - (x.value - x.weight) || Number(y.gaining) - Number(x.gaining) || x.v.localeCompare(y.v));
  for (const e of order) {
    if (missing <= 0) break;
    e.weight++;
    missing--;
  }
  const out: Weights = {};
  for (const e of floors) if (e.weight > 0 || (to[e.v] ?? 0) > 0 || (from[e.v] ?? 0) > 0) out[e.v] = e.weight;
  return out;
}

/** The walk from `from` to `to`: one weight set per step, the last equal to `to`; steps that change nothing are dropped. */
export function walkWeights(p: Progression, from: Weights, to: Weights): { weights: Weights; share: number }[] {
  const walk: { weights: Weights; share: number }[] = [];
  let previous = from;
  for (const share of [...stepWeights(p), 100]) {
    const weights = share === 100 ? { ...to } : weightsBetween(from, to, share);
    if (sameWeights(weights, previous) && share !== 100) continue;
    walk.push({ weights, share });
    previous = weights;
  }
  return walk;
}

/** Equal as routing: a version at weight 0 counts as absent. */
export function sameWeights(a: Weights, b: Weights): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] ?? 0) !== (b[k] ?? 0)) return false;
  return true;
}

/** The version gaining the most weight from `from` to `to` (the canary), or undefined when none gains. */
export function canaryVersion(from: Weights, to: Weights): string | undefined {
  let best: string | undefined;
  let gain = 0;
  for (const v of Object.keys(to).sort()) {
    const g = (to[v] ?? 0) - (from[v] ?? 0);
    if (g > gain) [best, gain] = [v, g];
  }
  return best;
}
