import { describe, expect, it } from 'vitest';
import type { Condition } from './conditions.ts';
import { findCondition, removeCondition, setCondition } from './conditions.ts';
import { mergePatchFor } from './status.ts';

const t0 = new Date('2025-01-01T00:00:00.000Z');
const t1 = new Date('2025-01-01T00:05:00.500Z');
const ready: Condition = { type: 'Ready', status: 'True', reason: 'Applied', message: 'all applied', lastTransitionTime: '2025-01-01T00:00:00Z', observedGeneration: 1 };

describe('setCondition', () => {
  it('appends a new condition stamped with now and the generation', () => {
    expect(setCondition(undefined, { type: 'Ready', status: 'True', reason: 'Applied', message: 'all applied' }, t0, 1)).toEqual([ready]);
  });

  it('keeps lastTransitionTime when only reason/message/generation change', () => {
    const next = setCondition([ready], { type: 'Ready', status: 'True', reason: 'Unchanged', message: 'nothing to do' }, t1, 2);
    expect(next).toEqual([{ ...ready, reason: 'Unchanged', message: 'nothing to do', observedGeneration: 2 }]);
  });

  it('moves lastTransitionTime when the status changes, in place', () => {
    const conflict: Condition = { type: 'Conflict', status: 'False', reason: 'None', message: '', lastTransitionTime: '2025-01-01T00:00:00Z' };
    const next = setCondition([ready, conflict], { type: 'Ready', status: 'False', reason: 'Waiting', message: 'waiting for Istio' }, t1, 3);
    expect(next.map((c) => c.type)).toEqual(['Ready', 'Conflict']);
    expect(next[0]).toEqual({ type: 'Ready', status: 'False', reason: 'Waiting', message: 'waiting for Istio', lastTransitionTime: '2025-01-01T00:05:00Z', observedGeneration: 3 });
  });

  it('does not mutate its input', () => {
    const input = [ready];
    setCondition(input, { type: 'Ready', status: 'False', reason: 'x', message: 'y' }, t1);
    expect(input).toEqual([ready]);
  });

  it('finds and removes by type', () => {
    expect(findCondition([ready], 'Ready')).toBe(ready);
    expect(findCondition([ready], 'Conflict')).toBeUndefined();
    expect(removeCondition([ready], 'Ready')).toEqual([]);
  });
});

describe('mergePatchFor', () => {
  it.each([
    [undefined, { phase: 'Ready' }, { phase: 'Ready' }],
    [{ phase: 'Ready', step: { action: 'x' } }, { phase: 'Ready' }, { phase: 'Ready', step: null }],
    [{ step: { action: 'x', subsets: ['a'] } }, { step: { action: 'y' } }, { step: { action: 'y', subsets: null } }],
    [{ conditions: [1, 2] }, { conditions: [1] }, { conditions: [1] }],
    [{ a: 1 }, { a: undefined }, { a: null }],
  ])('%j → %j', (live, desired, want) => {
    expect(mergePatchFor(live, desired as Record<string, unknown>)).toEqual(want);
  });
});
