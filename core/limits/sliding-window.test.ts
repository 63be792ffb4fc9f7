import { describe, expect, it } from 'vitest';
import { WEIGHT_STEPS, countSliding, decideSliding, slidingCounts, slidingPosition, slidingStored, weightedPrevious } from './sliding-window.ts';

// 2023-11-14T22:13:00.000Z: the start of a minute.
const MINUTE_START = 1_699_999_980_000;
const utc = (iso: string): number => Date.parse(`${iso}Z`);

describe('slidingPosition', () => {
  it.each<[string, number, number]>([
    ['at the window start the whole previous window counts', 0, WEIGHT_STEPS],
    ['a quarter in, three quarters of it', 15_000, 49_152],
    ['half way, half of it', 30_000, 32_768],
    // (60000 - 59999) × 65536 / 60000 = 1.09…, rounded up.
    ['1 ms before the end, one step rounded up to two', 59_999, 2],
    // 59999 × 65536 / 60000 = 65534.9…
    ['1 ms in, a share that is no whole step rounds up', 1, 65_535],
  ])('%s', (_what, offset, weight) => {
    expect(slidingPosition(MINUTE_START + offset, 'MINUTE')).toEqual({
      window: { startMs: MINUTE_START, endMs: MINUTE_START + 60_000 },
      previousStartMs: MINUTE_START - 60_000,
      nextEndMs: MINUTE_START + 120_000,
      weight,
    });
  });

  it('follows the calendar for MONTH: February 2024 is weighted against its own 29 days, after January', () => {
    const position = slidingPosition(utc('2024-02-15T12:00:00'), 'MONTH');
    expect(position).toEqual({
      window: { startMs: utc('2024-02-01T00:00:00'), endMs: utc('2024-03-01T00:00:00') },
      previousStartMs: utc('2024-01-01T00:00:00'),
      nextEndMs: utc('2024-04-01T00:00:00'),
      // 14.5 of 29 days left.
      weight: 32_768,
    });
  });
});

describe('slidingCounts', () => {
  const position = slidingPosition(MINUTE_START + 10_000, 'MINUTE');
  it.each<[string, { startMs: number; previous: number; current: number } | undefined, { previous: number; current: number }]>([
    ['nothing stored', undefined, { previous: 0, current: 0 }],
    ['stored in this window', { startMs: MINUTE_START, previous: 4, current: 7 }, { previous: 4, current: 7 }],
    ['stored in the previous window: its current is now the previous', { startMs: MINUTE_START - 60_000, previous: 4, current: 7 }, { previous: 7, current: 0 }],
    ['stored two windows ago: forgotten', { startMs: MINUTE_START - 120_000, previous: 4, current: 7 }, { previous: 0, current: 0 }],
    ['stored for the next window by a replica ahead: its previous is our current', { startMs: MINUTE_START + 60_000, previous: 4, current: 7 }, { previous: 0, current: 4 }],
  ])('%s', (_what, stored, counts) => {
    expect(slidingCounts(stored, position)).toEqual(counts);
  });

  it('stores our counts under our window, except into a later window\'s state, where only its previous count is ours', () => {
    const ahead = { startMs: MINUTE_START + 60_000, previous: 4, current: 7 };
    expect(slidingStored(ahead, position, { previous: 0, current: 5 })).toEqual({ startMs: MINUTE_START + 60_000, previous: 5, current: 7 });
    expect(slidingStored(undefined, position, { previous: 3, current: 5 })).toEqual({ startMs: MINUTE_START, previous: 3, current: 5 });
  });
});

describe('countSliding', () => {
  it('admits while ceil(previous × weight) + current + hits <= limit, a quarter into the window', () => {
    // previous 100 weighted 3/4 = 75; 20 already counted: room for 5 more of quota 100.
    const counted = countSliding({ previous: 100, current: 20 }, [1, 1, 1, 1, 1, 1, 1], 100, 49_152, true);
    expect(counted).toEqual({ after: [96, 97, 98, 99, 100, 101, 101], current: 25 });
  });

  it('counts rejected hits too when not stopping, as the reference counts fixed windows', () => {
    expect(countSliding({ previous: 0, current: 2 }, [1, 1], 2, WEIGHT_STEPS, false)).toEqual({ after: [3, 4], current: 4 });
  });

  it('rounds the weighted previous count up, never admitting past the fractional estimate', () => {
    // 3 × 1/65536 = 0.00005 of a hit still counts as one.
    expect(weightedPrevious(3, 1)).toBe(1);
    expect(weightedPrevious(0, WEIGHT_STEPS)).toBe(0);
    expect(weightedPrevious(1_000_000_000, WEIGHT_STEPS)).toBe(1_000_000_000);
    expect(countSliding({ previous: 3, current: 0 }, [1, 1], 2, 1, true).after).toEqual([2, 3]);
  });
});

describe('decideSliding', () => {
  const at = (offset: number): ReturnType<typeof slidingPosition> => slidingPosition(MINUTE_START + offset, 'MINUTE');

  it('admitted: remaining from the estimate, reset at the end of the current window', () => {
    expect(decideSliding(100, 96, 1, { previous: 100, current: 20 }, at(15_000), MINUTE_START + 15_000)).toEqual({
      code: 'OK',
      limit: 100,
      remaining: 4,
      resetMs: 45_000,
      nearLimit: true,
    });
  });

  it('rejected with room in the current window: reset when the previous window weighs little enough', () => {
    // previous 100, current 20, quota 100: one more hit fits once ceil(100 w) <= 79, i.e. w <= 51772/65536,
    // 47,399 ms before the end: 12,601 ms into the window.
    const result = decideSliding(100, 101, 1, { previous: 100, current: 20 }, at(15_000), MINUTE_START + 15_000);
    expect(result).toEqual({ code: 'OVER_LIMIT', limit: 100, remaining: 0, resetMs: 0, nearLimit: false });
    const early = decideSliding(100, 101, 1, { previous: 100, current: 20 }, at(5_000), MINUTE_START + 5_000);
    expect(early.resetMs).toBe(12_601 - 5_000);
    // The instant it names does admit, and 1 ms earlier does not.
    const fits = (offset: number): number => countSliding({ previous: 100, current: 20 }, [1], 100, at(offset).weight, true).after[0] ?? 0;
    expect([fits(12_600), fits(12_601)]).toEqual([101, 100]);
  });

  it('rejected with the current window full: reset inside the next window, as the current count starts to weigh less', () => {
    // current 100 of 100: in the next window it fits once 100 × w <= 99 × 65536, i.e. w <= 64,880:
    // at 600 ms in, w = ceil(59,400 × 65536 / 60000) = 64,881; at 601 ms, 64,880.
    const result = decideSliding(100, 101, 1, { previous: 0, current: 100 }, at(30_000), MINUTE_START + 30_000);
    expect(result.resetMs).toBe(30_000 + 601);
    const next = (offset: number): number => countSliding({ previous: 100, current: 0 }, [1], 100, at(offset).weight, true).after[0] ?? 0;
    expect([next(600), next(601)]).toEqual([101, 100]);
  });

  it('a hit larger than the limit never fits: reset after the next window', () => {
    expect(decideSliding(5, 6, 6, { previous: 0, current: 0 }, at(0), MINUTE_START).resetMs).toBe(120_000);
  });
});
