import { describe, expect, it } from 'vitest';
import { kstatusConditions, mergeConditions, type KstatusState } from './conditions.ts';

const t0 = new Date('2026-01-01T00:00:00Z');

describe('kstatusConditions', () => {
  it.each<[KstatusState, [string, string, string][]]>([
    ['Ready', [['Ready', 'True', 'why'], ['Reconciling', 'False', ''], ['Stalled', 'False', '']]],
    ['Reconciling', [['Ready', 'False', 'why'], ['Reconciling', 'True', 'why'], ['Stalled', 'False', '']]],
    ['Stalled', [['Ready', 'False', 'why'], ['Reconciling', 'False', ''], ['Stalled', 'True', 'why']]],
  ])('%s: Ready, Reconciling, Stalled in that order, one reason, the message where True (and on Ready)', (state, expected) => {
    const list = kstatusConditions(state, 'Because', 'why');
    expect(list.map((c) => [c.type, c.status, c.message])).toEqual(expected);
    expect(list.every((c) => c.reason === 'Because')).toBe(true);
  });

  it('stamps each with the generation, so kubectl wait ignores a condition of an older one', () => {
    const stamped = mergeConditions(undefined, kstatusConditions('Reconciling', 'Walking', 'step 1/3'), t0, 7);
    expect(stamped.map((c) => c.observedGeneration)).toEqual([7, 7, 7]);
  });

  it('keeps lastTransitionTime of a condition whose status did not change', () => {
    const before = mergeConditions(undefined, kstatusConditions('Reconciling', 'Walking', 'step 1/3'), t0, 1);
    const after = mergeConditions({ conditions: before }, kstatusConditions('Stalled', 'RolledBack', 'rolled back'), new Date('2026-01-01T00:05:00Z'), 1);
    expect(after.map((c) => [c.type, c.lastTransitionTime])).toEqual([
      ['Ready', '2026-01-01T00:00:00Z'],
      ['Reconciling', '2026-01-01T00:05:00Z'],
      ['Stalled', '2026-01-01T00:05:00Z'],
    ]);
  });
});
