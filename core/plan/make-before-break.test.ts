import { describe, expect, it } from 'vitest';
import type { RouterSpec } from '../../api/router.ts';
import { renderRouter } from '../router/render-router.ts';
import { makeRouter, seedRouter } from '../router/router-fixtures.ts';
import { makeBeforeBreakPlan, type PlanStep } from './make-before-break.ts';
import { applyStep, missingSubsets, withMirror, type LiveState } from './plan-fixtures.ts';

const SEED = seedRouter().spec;
const render = (spec: RouterSpec) => renderRouter(makeRouter(spec));
const live = (spec: RouterSpec): LiveState => render(spec);
const withMaster = (versions: Record<string, number>, sandboxes = ['box-0999']): RouterSpec => ({
  ...SEED,
  subsets: [{ branch: 'master', versions }, ...sandboxes.map((branch) => ({ branch }))],
});
const summary = (steps: PlanStep[]) => steps.map((s) => [s.number, s.action, s.changes]);

describe('makeBeforeBreakPlan', () => {
  it.each<[string, RouterSpec, RouterSpec, [number, string, string[]][]]>([
    ['nothing changed', SEED, SEED, []],
    [
      'weight shift: VirtualService only',
      SEED,
      withMaster({ 'v1.0.1': 80, 'v1.0.2': 20 }),
      [[1, 'apply-virtual-service', ['route master: master-v1-0-1 90→80, master-v1-0-2 10→20']]],
    ],
    [
      'new version: add subset first',
      SEED,
      withMaster({ 'v1.0.1': 80, 'v1.0.2': 10, 'v1.0.3': 10 }),
      [
        [1, 'apply-union-destination-rule', ['add subset master-v1-0-3']],
        [2, 'apply-virtual-service', ['route master: master-v1-0-1 90→80, master-v1-0-3 none→10']],
      ],
    ],
    [
      'retired version: remove it last',
      SEED,
      withMaster({ 'v1.0.2': 100 }),
      [
        [1, 'apply-virtual-service', ['route master: master-v1-0-1 90→none, master-v1-0-2 10→100']],
        [2, 'apply-pruned-destination-rule', ['remove subset master-v1-0-1']],
      ],
    ],
    [
      'sandbox swap: all three steps',
      SEED,
      withMaster({ 'v1.0.1': 90, 'v1.0.2': 10 }, ['box-0123']),
      [
        [1, 'apply-union-destination-rule', ['add subset box-0123']],
        [2, 'apply-virtual-service', ['add route box-0123', 'remove route box-0999']],
        [3, 'apply-pruned-destination-rule', ['remove subset box-0999']],
      ],
    ],
    [
      'traffic policy only',
      SEED,
      { ...SEED, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } },
      [[1, 'apply-union-destination-rule', ['traffic policy changed']]],
    ],
    ['branch order only: no DR write, routes already in the same order', SEED, { ...SEED, subsets: [...SEED.subsets].reverse().map((s) => ({ ...s, default: s.branch === 'master' })) }, []],
  ])('%s', (_name, from, to, expected) => {
    expect(summary(makeBeforeBreakPlan(live(from), render(to)))).toEqual(expected);
  });

  it('creates both objects when nothing is live', () => {
    const steps = makeBeforeBreakPlan({}, render(SEED));
    expect(summary(steps)).toEqual([
      [1, 'apply-union-destination-rule', ['create', 'add subset master-v1-0-1', 'add subset master-v1-0-2', 'add subset box-0999']],
      [2, 'apply-virtual-service', ['create', 'add route box-0999', 'add route master']],
    ]);
    expect(steps[0]).toMatchObject({ kind: 'DestinationRule', name: 'sm-verify-page', namespace: 'sm-verify' });
    expect(steps[0]?.object).toEqual(render(SEED).destinationRule);
  });

  it('resumes from every intermediate state with the remaining steps, then does nothing', () => {
    const to = render(withMaster({ 'v2.0.0': 100 }, ['box-0123']));
    let state = live(SEED);
    const full = makeBeforeBreakPlan(state, to);
    expect(full.map((s) => s.action)).toEqual(['apply-union-destination-rule', 'apply-virtual-service', 'apply-pruned-destination-rule']);
    for (let done = 0; done < full.length; done++) {
      const rest = makeBeforeBreakPlan(state, to);
      expect(rest.map((s) => [s.action, s.object])).toEqual(full.slice(done).map((s) => [s.action, s.object]));
      expect(rest.map((s) => s.number)).toEqual(rest.map((_, i) => i + 1));
      state = applyStep(state, rest[0] as PlanStep);
      expect(missingSubsets(state)).toEqual([]);
    }
    expect(state).toEqual({ destinationRule: to.destinationRule, virtualService: to.virtualService });
    expect(makeBeforeBreakPlan(state, to)).toEqual([]);
  });

  it('keeps live subsets in the union DR, desired first, desired definitions winning', () => {
    const from = live(SEED);
    const to = render({ ...withMaster({ 'v1.0.2': 50, 'v1.0.3': 50 }), labelKeys: { version: 'rev' } });
    const [union] = makeBeforeBreakPlan(from, to);
    expect(union?.object.spec.subsets).toEqual([...(to.destinationRule.spec.subsets ?? []), from.destinationRule?.spec.subsets?.[0]]);
    expect(union?.changes).toEqual(['change subset master-v1-0-2', 'add subset master-v1-0-3']);
  });

  it('adds a mirror target to the DR before the VS mirrors to it', () => {
    const to = withMirror(render(SEED), 'shadow', 'master');
    const steps = makeBeforeBreakPlan(live(SEED), to);
    expect(summary(steps)).toEqual([
      [1, 'apply-union-destination-rule', ['add subset shadow']],
      [2, 'apply-virtual-service', ['route master: mirror, mirrorPercentage changed']],
    ]);
    const back = makeBeforeBreakPlan(to, render(SEED));
    expect(back.map((s) => s.action)).toEqual(['apply-virtual-service', 'apply-pruned-destination-rule']);
  });

  it('writes nothing for a metadata-only difference', () => {
    const from = live(SEED);
    const to = renderRouter(makeRouter(SEED, { uid: 'new-uid' }));
    expect(makeBeforeBreakPlan(from, to)).toEqual([]);
  });

  it('recreates a deleted DR with the subsets the live VS still uses', () => {
    const from = live(SEED);
    const steps = makeBeforeBreakPlan({ virtualService: from.virtualService, destinationRule: null }, render(SEED));
    expect(summary(steps)).toEqual([[1, 'apply-union-destination-rule', ['create', 'add subset master-v1-0-1', 'add subset master-v1-0-2', 'add subset box-0999']]]);
  });
});
