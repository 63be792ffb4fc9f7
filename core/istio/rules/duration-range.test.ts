import { describe, expect, it } from 'vitest';
import { durationNanos, MIN_DURATION_RULE, minDurationRule, routeDurationRule } from './duration.ts';

// Found by the fuzz test's duration pool (core/fuzz/values.test-support.ts): a timeout past Go's
// int64 nanoseconds passed here, while the CRD's `duration(self)` fails on it at the API server.
describe('durations past what Go can hold', () => {
  it.each([
    ['2562047h47m16.854775807s', 9_223_372_036_854_775_807n],
    ['2562047h47m16.854775808s', undefined],
    ['2562048h', undefined],
    ['99999999999999h', undefined],
    ['-2562047h47m16.854775808s', -9_223_372_036_854_775_808n],
    ['-2562047h47m16.854775809s', undefined],
  ])('durationNanos(%j) is %s, as Go ParseDuration', (text, expected) => {
    expect(durationNanos(text)).toBe(expected);
  });

  it('refuses a timeout Go cannot parse, as the CRD rule does', () => {
    expect(minDurationRule('2562048h')).toBe(MIN_DURATION_RULE);
    expect(routeDurationRule('2562048h')).toBe(MIN_DURATION_RULE);
    expect(routeDurationRule('2562047h')).toBeUndefined();
  });
});
