import { describe, expect, it } from 'vitest';
import { countWindow, decideWindow, fixedWindow } from './fixed-window.ts';
import { NEAR_LIMIT_RATIO, isNearLimit, nearLimitThreshold } from './near-limit.ts';
import { unitMs, unitSeconds, type LimitUnit } from './units.ts';

// 2023-11-14T22:13:20.250Z: 250 ms into a second, 20.25 s into a minute.
const NOW = 1_700_000_000_250;

describe('units', () => {
  it.each<[LimitUnit, number]>([
    ['SECOND', 1],
    ['MINUTE', 60],
    ['HOUR', 3_600],
    ['DAY', 86_400],
    ['WEEK', 604_800],
    ['MONTH', 2_592_000],
    ['YEAR', 31_536_000],
  ])('%s is nominally %i s', (unit, seconds) => {
    expect(unitSeconds(unit)).toBe(seconds);
    expect(unitMs(unit)).toBe(seconds * 1_000);
  });
});

describe('fixedWindow', () => {
  it.each<[LimitUnit, number, number, number]>([
    ['SECOND', NOW, 1_700_000_000_000, 1_700_000_001_000],
    ['MINUTE', NOW, 1_699_999_980_000, 1_700_000_040_000],
    ['HOUR', NOW, 1_699_999_200_000, 1_700_002_800_000],
    ['DAY', NOW, 1_699_920_000_000, 1_700_006_400_000],
    ['SECOND', 1_700_000_000_999, 1_700_000_000_000, 1_700_000_001_000],
    ['SECOND', 1_700_000_001_000, 1_700_000_001_000, 1_700_000_002_000],
  ])('%s at %i is [%i, %i)', (unit, now, startMs, endMs) => {
    expect(fixedWindow(now, unit)).toEqual({ startMs, endMs });
  });

  const utc = (iso: string): number => Date.parse(`${iso}Z`);
  it.each<[LimitUnit, string, string, string]>([
    // 2023-11-14 was a Tuesday: its ISO week runs from Monday 13th.
    ['WEEK', '2023-11-14T22:13:20.250', '2023-11-13T00:00:00', '2023-11-20T00:00:00'],
    ['WEEK', '2023-11-13T00:00:00.000', '2023-11-13T00:00:00', '2023-11-20T00:00:00'],
    ['WEEK', '2023-11-12T23:59:59.999', '2023-11-06T00:00:00', '2023-11-13T00:00:00'],
    ['WEEK', '1970-01-01T00:00:00.000', '1969-12-29T00:00:00', '1970-01-05T00:00:00'],
    ['WEEK', '2024-01-03T12:00:00.000', '2024-01-01T00:00:00', '2024-01-08T00:00:00'],
    ['WEEK', '2020-12-31T12:00:00.000', '2020-12-28T00:00:00', '2021-01-04T00:00:00'],
    ['MONTH', '2023-11-14T22:13:20.250', '2023-11-01T00:00:00', '2023-12-01T00:00:00'],
    ['MONTH', '2024-02-29T23:59:59.999', '2024-02-01T00:00:00', '2024-03-01T00:00:00'],
    ['MONTH', '2023-02-15T00:00:00.000', '2023-02-01T00:00:00', '2023-03-01T00:00:00'],
    ['MONTH', '2023-12-31T23:59:59.999', '2023-12-01T00:00:00', '2024-01-01T00:00:00'],
    ['MONTH', '2024-01-01T00:00:00.000', '2024-01-01T00:00:00', '2024-02-01T00:00:00'],
    ['YEAR', '2023-11-14T22:13:20.250', '2023-01-01T00:00:00', '2024-01-01T00:00:00'],
    ['YEAR', '2024-12-31T23:59:59.999', '2024-01-01T00:00:00', '2025-01-01T00:00:00'],
  ])('%s at %s is the UTC calendar period [%s, %s)', (unit, now, start, end) => {
    expect(fixedWindow(utc(now), unit)).toEqual({ startMs: utc(start), endMs: utc(end) });
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
