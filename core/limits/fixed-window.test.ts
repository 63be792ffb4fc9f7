import { describe, expect, it } from 'vitest';
import type { Unit } from '../../api/rate-limit.ts';
import { countWindow, decideWindow, fixedWindow } from './fixed-window.ts';
import { NEAR_LIMIT_RATIO, isNearLimit, nearLimitThreshold } from './near-limit.ts';
import { unitMs, unitSeconds } from './units.ts';

// 2023-11-14T22:13:20.250Z: 250 ms into a second, 20.25 s into a minute.
const NOW = 1_700_000_000_250;

describe('units', () => {
  it.each<[Unit, number]>([
    ['SECOND', 1],
    ['MINUTE', 60],
    ['HOUR', 3_600],
    ['DAY', 86_400],
  ])('%s is %i s', (unit, seconds) => {
    expect(unitSeconds(unit)).toBe(seconds);
    expect(unitMs(unit)).toBe(seconds * 1_000);
  });
});

describe('fixedWindow', () => {
  it.each<[Unit, number, number, number]>([
    ['SECOND', NOW, 1_700_000_000_000, 1_700_000_001_000],
    ['MINUTE', NOW, 1_699_999_980_000, 1_700_000_040_000],
    ['HOUR', NOW, 1_699_999_200_000, 1_700_002_800_000],
    ['DAY', NOW, 1_699_920_000_000, 1_700_006_400_000],
    ['SECOND', 1_700_000_000_999, 1_700_000_000_000, 1_700_000_001_000],
    ['SECOND', 1_700_000_001_000, 1_700_000_001_000, 1_700_000_002_000],
  ])('%s at %i is [%i, %i)', (unit, now, startMs, endMs) => {
    expect(fixedWindow(now, unit)).toEqual({ startMs, endMs });
  });
});

describe('countWindow', () => {
  it.each<[string, number, number[], boolean, number[], number]>([
    ['admits up to the limit', 0, [1, 1, 1, 1], true, [1, 2, 3, 4], 3],
    ['stops counting rejected hits', 2, [2, 1, 5], true, [4, 3, 8], 3],
    ['counts everything (reference)', 2, [2, 1, 5], false, [4, 5, 10], 10],
    ['zero hits only look', 3, [0], true, [3], 3],
  ])('%s', (_what, count, hits, stop, after, final) => {
    expect(countWindow(count, hits, 3, stop)).toEqual({ after, count: final });
  });
});

describe('decideWindow', () => {
  const window = fixedWindow(NOW, 'SECOND');
  it.each<[number, number, 'OK' | 'OVER_LIMIT', number, boolean]>([
    [1, 1, 'OK', 9, false],
    [8, 8, 'OK', 2, false],
    [9, 9, 'OK', 1, true],
    [10, 10, 'OK', 0, true],
    [11, 11, 'OVER_LIMIT', 0, false],
  ])('limit 10, counter after %i', (_n, after, code, remaining, nearLimit) => {
    expect(decideWindow(10, after, window, NOW)).toEqual({ code, limit: 10, remaining, resetMs: 750, nearLimit });
  });
});

describe('near limit', () => {
  it('is strictly above 80% of the limit, for admitted hits only', () => {
    expect(NEAR_LIMIT_RATIO).toBe(0.8);
    expect(nearLimitThreshold(10)).toBe(8);
    expect(nearLimitThreshold(7)).toBe(5);
    expect([isNearLimit(10, 8, false), isNearLimit(10, 9, false), isNearLimit(10, 11, true)]).toEqual([false, true, false]);
  });
});
