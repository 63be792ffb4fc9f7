import { describe, expect, it } from 'vitest';
import type { RouterSpec } from '../../api/router.ts';
import type { PlanStep } from '../plan/make-before-break.ts';
import { durationMs, propagationPolicy } from './propagation-policy.ts';
import { stepProgress } from '../../controllers/router/step-progress.ts';

describe('durationMs', () => {
  it.each([
    ['5s', 5_000],
    ['250ms', 250],
    ['0.5s', 500],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
  ])('%s → %i ms', (text, ms) => expect(durationMs(text)).toBe(ms));

  it.each(['', '5', '5 s', 's5', '5x'])('rejects %j naming the value', (text) => {
    expect(() => durationMs(text)).toThrow(`duration must look like 5s, 250ms or 1m30s (got ${JSON.stringify(text)})`);
  });
});

describe('propagationPolicy', () => {
  const spec = (propagation?: RouterSpec['propagation']): RouterSpec => ({ port: 80, subsets: [{ branch: 'master' }], ...(propagation ? { propagation } : {}) });
  const defaults = { settleDelayMs: 5_000, timeoutMs: 60_000 };
  it('uses the controller defaults, overridden by the Router', () => {
    expect(propagationPolicy(spec(), defaults)).toEqual({ mode: 'settle', settleDelayMs: 5_000, timeoutMs: 60_000 });
    expect(propagationPolicy(spec({ settleDelay: '2s', timeout: '30s' }), defaults)).toEqual({ mode: 'settle', settleDelayMs: 2_000, timeoutMs: 30_000 });
  });
  it('uses verified mode when the controller can ask istiod', () => {
    expect(propagationPolicy(spec({ mode: 'verified' }), defaults, true)).toEqual({ mode: 'verified', settleDelayMs: 5000, timeoutMs: 60000 });
  });

  it('falls back to settle for verified mode without istiod debug URLs, with a note', () => {
    expect(propagationPolicy(spec({ mode: 'verified' }), defaults).note).toBe(
      'spec.propagation.mode verified needs the controller started with --istiod-debug-url; waited the settle delay (5000ms) instead',
    );
  });
});

describe('stepProgress', () => {
  const step = (action: PlanStep['action'], kind: PlanStep['kind'] = 'DestinationRule'): PlanStep =>
    ({ number: 1, action, kind, name: 'r', namespace: 'n', object: {} as PlanStep['object'], changes: [] });
  const now = new Date('2030-01-01T00:01:00Z');
  const prev = (number: number, total: number, action: PlanStep['action'], kind: PlanStep['kind'], message = 'm') =>
    ({ phase: 'Progressing', step: { number, total, action, kind, name: 'r', startedAt: '2030-01-01T00:00:00.000Z', message } });

  it('starts a new transition without a step in progress', () => {
    expect(stepProgress([step('apply-virtual-service', 'VirtualService')], { phase: 'Ready' }, 'm', now)).toEqual({ number: 1, total: 1, startedAt: now.toISOString(), retry: false });
  });
  it('continues the announced transition', () => {
    const plan = [step('apply-virtual-service', 'VirtualService'), step('apply-pruned-destination-rule')];
    expect(stepProgress(plan, prev(1, 3, 'apply-union-destination-rule', 'DestinationRule'), 'x', now)).toMatchObject({ number: 2, total: 3, retry: false });
  });
  it('counts the same step again as a retry, keeping when it started', () => {
    const plan = [step('apply-virtual-service', 'VirtualService')];
    expect(stepProgress(plan, prev(2, 3, 'apply-virtual-service', 'VirtualService'), 'm', now)).toEqual({ number: 2, total: 3, startedAt: '2030-01-01T00:00:00.000Z', retry: true });
  });
  it('starts over when the plan grew (the spec changed mid-transition)', () => {
    const plan = [step('apply-virtual-service', 'VirtualService'), step('apply-pruned-destination-rule')];
    expect(stepProgress(plan, prev(2, 2, 'apply-virtual-service', 'VirtualService', 'other'), 'm', now)).toMatchObject({ number: 1, total: 2, retry: false });
  });
});
