import { describe, expect, it } from 'vitest';
import type { RouterSpec, RouterSubset } from '../../api/router.ts';
import type { DestinationRule, VirtualService } from '../istio/types.ts';
import { renderRouter } from '../router/render-router.ts';
import { makeRouter } from '../router/router-fixtures.ts';
import { destinationRuleSpecEqual } from './destination-rule-union.ts';
import { makeBeforeBreakPlan, type PlanStep } from './make-before-break.ts';
import { applyStep, missingSubsets, withMirror, type LiveState } from './plan-fixtures.ts';
import { specEqual } from '../../lib/spec-equal.ts';
import { mulberry32, type Rng } from '../fuzz/prng.test-support.ts';

/** Enough cases to hit every step combination many times while staying well under a second. */
const CASES = 300;
/** Fixed so a failure reproduces; the failing case number is in the assertion message. */
const SEED = 0x5eed_2026;

type Pair = { destinationRule: DestinationRule; virtualService: VirtualService };

const int = (rnd: Rng, n: number): number => Math.floor(rnd() * n);
const pick = <T>(rnd: Rng, items: readonly T[]): T => items[int(rnd, items.length)] as T;
const someOf = <T>(rnd: Rng, items: readonly T[], p: number): T[] => items.filter(() => rnd() < p);

/** Random weights over `names` summing to 100 (zeros allowed), or undefined for "whole branch". */
function randomVersions(rnd: Rng, pool: readonly string[], pWhole: number): Record<string, number> | undefined {
  const names = someOf(rnd, pool, 0.5);
  if (names.length === 0 || rnd() < pWhole) return undefined;
  const cuts = names.slice(1).map(() => int(rnd, 101)).sort((x, y) => x - y);
  const bounds = [0, ...cuts, 100];
  return Object.fromEntries(names.map((n, i) => [n, (bounds[i + 1] as number) - (bounds[i] as number)]));
}

function randomSpec(rnd: Rng): RouterSpec {
  const protocol = pick(rnd, ['http', 'http', 'grpc', 'tcp'] as const);
  const mainVersions = randomVersions(rnd, ['v1', 'v2', 'v3', 'v1.0.1', 'v2.0.0'], 0.1);
  const main: RouterSubset = { branch: pick(rnd, ['master', 'master', 'main']), ...(mainVersions ? { versions: mainVersions } : {}) };
  const sandboxes = someOf(rnd, ['box-1', 'box-2', 'box-3'], 0.4).map((branch): RouterSubset => {
    const versions = randomVersions(rnd, ['a', 'b'], 0.5);
    const match = protocol !== 'tcp' && rnd() < 0.5 ? { baggage: rnd() < 0.5, headers: { 'x-lane': { exact: branch } } } : undefined;
    return { branch, ...(versions ? { versions } : {}), ...(match ? { match } : {}) };
  });
  const at = int(rnd, sandboxes.length + 1);
  const subsets = [...sandboxes.slice(0, at), { ...main, default: true }, ...sandboxes.slice(at)];
  return {
    port: pick(rnd, [80, 9090]),
    protocol,
    subsets,
    ...(rnd() < 0.3 ? { gateways: ['istio-system/edge'] } : {}),
    ...(rnd() < 0.2 ? { labelKeys: { version: 'rev' } } : {}),
    ...(rnd() < 0.3 ? { trafficPolicy: { loadBalancer: { simple: pick(rnd, ['ROUND_ROBIN', 'LEAST_REQUEST']) } } } : {}),
  };
}

/** A rendered Router, sometimes with a mirror subset layered on its default route (http only). */
function randomTarget(rnd: Rng): Pair {
  const spec = randomSpec(rnd);
  const pair = renderRouter(makeRouter(spec));
  const main = spec.subsets.find((s) => s.default === true)?.branch ?? '';
  if (spec.protocol === 'tcp' || rnd() < 0.6) return { destinationRule: pair.destinationRule, virtualService: pair.virtualService };
  return withMirror(pair, pick(rnd, ['shadow-a', 'shadow-b']), main);
}

const actionsAndObjects = (steps: PlanStep[]) => steps.map((s) => [s.action, s.object]);

describe('makeBeforeBreakPlan under random transitions and crashes', () => {
  it(`never lets the VS route to a subset missing from the DR (${CASES} seeded cases)`, () => {
    const rnd = mulberry32(SEED);
    const seen = { steps: 0, crashes: 0, retargets: 0, actions: new Set<string>() };
    for (let c = 0; c < CASES; c++) {
      let state: LiveState = rnd() < 0.15 ? { destinationRule: null, virtualService: null } : randomTarget(rnd);
      expect(missingSubsets(state), `case ${c}: start`).toEqual([]);
      const rounds = 1 + int(rnd, 3);
      let target = randomTarget(rnd);
      for (let round = 0; round < rounds; round++) {
        if (round > 0) {
          target = randomTarget(rnd);
          seen.retargets++;
        }
        const plan = makeBeforeBreakPlan(state, target);
        const last = round === rounds - 1;
        const crashAfter = last ? plan.length : int(rnd, plan.length + 1);
        if (crashAfter < plan.length) seen.crashes++;
        for (let k = 0; k < crashAfter; k++) {
          expect(actionsAndObjects(makeBeforeBreakPlan(state, target)), `case ${c}: resume at ${k}`).toEqual(actionsAndObjects(plan.slice(k)));
          const step = plan[k] as PlanStep;
          state = applyStep(state, step);
          seen.steps++;
          seen.actions.add(step.action);
          expect(missingSubsets(state), `case ${c}: round ${round} after ${step.action}`).toEqual([]);
        }
      }
      expect(makeBeforeBreakPlan(state, target), `case ${c}: converged`).toEqual([]);
      expect(destinationRuleSpecEqual(state.destinationRule?.spec ?? { host: '' }, target.destinationRule.spec), `case ${c}: DR`).toBe(true);
      expect(specEqual(state.virtualService?.spec, target.virtualService.spec), `case ${c}: VS`).toBe(true);
    }
    // Guard against a generator that never exercises the interesting paths.
    expect(seen.actions.size).toBe(3);
    expect(seen.crashes).toBeGreaterThan(CASES / 4);
    expect(seen.retargets).toBeGreaterThan(CASES / 4);
    expect(seen.steps).toBeGreaterThan(CASES);
  });
});
