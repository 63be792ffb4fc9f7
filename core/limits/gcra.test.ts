import { describe, expect, it } from 'vitest';
import { decideGcra, gcra, type Tat } from './gcra.ts';

const NOW = 1_700_000_000_000;
const SECOND = 1_000;

/** Runs `hits` one after another at the given offsets from NOW; returns the codes. */
function run(limit: number, unitMs: number, steps: [offsetMs: number, hits: number][]): string[] {
  let tat: Tat | undefined;
  return steps.map(([offset, hits]) => {
    const r = gcra(tat, NOW + offset, limit, unitMs, hits);
    tat = r.tat;
    return decideGcra(r, NOW + offset, limit, unitMs).code;
  });
}

describe('gcra', () => {
  it.each<[string, number, [number, number][], string[]]>([
    ['a full burst of exactly limit, then none', 3, [[0, 1], [0, 1], [0, 1], [0, 1]], ['OK', 'OK', 'OK', 'OVER_LIMIT']],
    ['one token back after T = 333.33 ms, not before', 3, [[0, 3], [333, 1], [334, 1], [334, 1]], ['OK', 'OVER_LIMIT', 'OK', 'OVER_LIMIT']],
    ['a full bucket again after one unit', 3, [[0, 3], [1_000, 3]], ['OK', 'OK']],
    ['more hits than the limit never fit', 3, [[0, 4]], ['OVER_LIMIT']],
    ['a rejected hit does not use tokens', 2, [[0, 1], [0, 2], [0, 1]], ['OK', 'OVER_LIMIT', 'OK']],
    ['zero hits only look', 1, [[0, 1], [0, 0]], ['OK', 'OK']],
  ])('%s', (_what, limit, steps, codes) => {
    expect(run(limit, SECOND, steps)).toEqual(codes);
  });

  it('admits exactly the limit in a burst for awkward limits (no rounding loss)', () => {
    for (const limit of [3, 7, 137, 999, 86_399]) {
      let tat: Tat | undefined;
      let admitted = 0;
      for (let i = 0; i < limit + 5; i++) {
        const r = gcra(tat, NOW, limit, 86_400_000, 1);
        tat = r.tat;
        if (r.allowed) admitted++;
      }
      expect(admitted).toBe(limit);
    }
  });

  it.each<[string, Tat | undefined, number, ReturnType<typeof decideGcra>]>([
    ['fresh bucket, one hit', undefined, 1, { code: 'OK', limit: 4, remaining: 3, resetMs: 250, nearLimit: false }],
    ['fourth of four', { ms: NOW + 750, frac: 0, limit: 4 }, 1, { code: 'OK', limit: 4, remaining: 0, resetMs: 1_000, nearLimit: true }],
    ['fifth of four: fits in 250 ms', { ms: NOW + 1_000, frac: 0, limit: 4 }, 1, { code: 'OVER_LIMIT', limit: 4, remaining: 0, resetMs: 250, nearLimit: false }],
    ['stale TAT is ignored', { ms: NOW - 5_000, frac: 1, limit: 4 }, 2, { code: 'OK', limit: 4, remaining: 2, resetMs: 500, nearLimit: false }],
  ])('decides %s', (_what, tat, hits, decision) => {
    expect(decideGcra(gcra(tat, NOW, 4, SECOND, hits), NOW, 4, SECOND)).toEqual(decision);
  });

  it('keeps sub-millisecond TAT exactly and rounds up when the limit changes', () => {
    const r = gcra(undefined, NOW, 3, SECOND, 1);
    expect(r.tat).toEqual({ ms: NOW + 333, frac: 1, limit: 3 });
    expect(gcra(r.tat, NOW, 4, SECOND, 1).tat).toEqual({ ms: NOW + 334 + 250, frac: 0, limit: 4 });
  });
});
