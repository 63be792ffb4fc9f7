import { describe, expect, it } from 'vitest';
import { layeredStateProblem } from './check-layered.ts';
import { layerFilters } from './layer-filters.ts';
import { base, filter, HOST, NOW } from './layer-fixtures.ts';

const MIN_1MS = "must be a valid duration of at least 1ms (CRD rule: duration(self) >= duration('1ms'))";
const RULES = "the result breaks Istio's validation rules:";

describe("layering refuses a filter whose result breaks Istio's rules", () => {
  it('skips a timeout below 1ms with the rule, and the other filter on the Router applies', () => {
    const out = layerFilters(base(), [filter('too-fast', [{ timeout: '0.0000001s' }], { priority: 1 }), filter('sane', [{ timeout: '3s' }], { priority: 2 })], NOW);
    expect(out.results.map((r) => [r.name, r.phase, r.message])).toEqual([
      [
        'too-fast',
        'Skipped',
        `skipped: ${RULES} VirtualService shop/reviews spec.http[0].timeout: ${MIN_1MS} (got "0.0000001s"); VirtualService shop/reviews spec.http[1].timeout: ${MIN_1MS} (got "0.0000001s")`,
      ],
      ['sane', 'Applied', 'applied 1 patch'],
    ]);
    expect(out.results[0]?.patches).toEqual([{ index: 0, type: 'timeout', applied: false, reason: `rolled back: ${out.results[0]?.message?.slice('skipped: '.length)}` }]);
    expect(out.virtualService.spec.http?.map((r) => r.timeout)).toEqual(['3s', '3s']);
  });

  it('skips a jsonPatch that moves the DestinationRule to another host, and the other filter applies', () => {
    const moveHost = filter('move-host', [{ jsonPatch: { target: 'DestinationRule', ops: [{ op: 'replace', path: '/host', value: 'ratings.shop.svc.cluster.local' }] } }]);
    const out = layerFilters(base(), [moveHost, filter('retries', [{ retries: { attempts: 2 } }])], NOW);
    expect(out.results.map((r) => [r.name, r.phase, r.message])).toEqual([
      [
        'move-host',
        'Skipped',
        `skipped: ${RULES} DestinationRule shop/reviews spec.host: must stay the Router's host ${HOST} (got "ratings.shop.svc.cluster.local")`,
      ],
      ['retries', 'Applied', 'applied 1 patch'],
    ]);
    expect(out.destinationRule).toEqual(base().destinationRule);
  });

  it('skips a filter that moves the VirtualService and the DestinationRule to another host alike', () => {
    const other = 'ratings.shop.svc.cluster.local';
    const moveBoth = filter('move-both', [
      { jsonPatch: { target: 'VirtualService', ops: [{ op: 'replace', path: '/hosts/0', value: other }] } },
      { jsonPatch: { target: 'DestinationRule', ops: [{ op: 'replace', path: '/host', value: other }] } },
    ]);
    const out = layerFilters(base(), [moveBoth], NOW);
    expect(out.results.map((r) => [r.name, r.phase])).toEqual([['move-both', 'Skipped']]);
    expect(out.results[0]?.message).toContain(`spec.host: must stay the Router's host ${HOST} (got "${other}")`);
  });

  it('skips a header regex RE2 refuses, a lookahead that JavaScript would accept', () => {
    const lookahead = filter('lookahead', [
      { jsonPatch: { target: 'VirtualService', ops: [{ op: 'add', path: '/http/0/match/-', value: { headers: { 'x-canary': { regex: 'yes(?=!)' } } } }] } },
    ]);
    const out = layerFilters(base(), [lookahead], NOW);
    expect(out.results[0]?.message).toBe(
      `skipped: ${RULES} VirtualService shop/reviews spec.http[0].match[1].headers["x-canary"].regex: must be an RE2 regex (Envoy and istiod use RE2: no lookaround, no backreferences): error parsing regexp: invalid or unsupported Perl syntax: \`(?=\` (got "yes(?=!)")`,
    );
  });

  it('quotes three problems and counts the rest', () => {
    const state = base();
    state.destinationRule.spec.subsets = ['A_1', 'B_2', 'C_3', 'D_4'].map((name) => ({ name, labels: { app: 'reviews' } }));
    expect(layeredStateProblem(state)).toMatch(/^the result breaks Istio's validation rules: DestinationRule shop\/reviews spec\.subsets\[0\]\.name: .*; .*; .* \(and 1 more\)$/);
  });

  it('accepts the Router base as it is', () => {
    expect(layeredStateProblem(base())).toBeUndefined();
  });
});
