import { describe, expect, it } from 'vitest';
import { durationNanos, MIN_DURATION_RULE, minDurationRule, MS_PRECISION_RULE, routeDurationRule } from './duration.ts';

describe('durations as the CRDs read them', () => {
  it.each([
    ['5s', 5_000_000_000n],
    ['1m30s', 90_000_000_000n],
    ['1.5h', 5_400_000_000_000n],
    ['250ms', 250_000_000n],
    ['0.0000001s', 100n],
    ['1us', 1_000n],
    ['0', 0n],
    ['-2ms', -2_000_000n],
    ['5', undefined],
    ['s', undefined],
    ['5sec', undefined],
    ['', undefined],
  ])('durationNanos(%j) is %s', (text, expected) => {
    expect(durationNanos(text)).toBe(expected);
  });

  it.each([
    ['1ms', undefined, undefined],
    ['2.5s', undefined, undefined],
    ['0.0000001s', MIN_DURATION_RULE, MIN_DURATION_RULE],
    ['0s', MIN_DURATION_RULE, MIN_DURATION_RULE],
    ['soon', MIN_DURATION_RULE, MIN_DURATION_RULE],
    ['1.5ms', undefined, MS_PRECISION_RULE],
    ['1.0001s', undefined, MS_PRECISION_RULE],
  ])('%j: CRD rule %j, route rule %j', (text, crd, route) => {
    expect(minDurationRule(text)).toBe(crd);
    expect(routeDurationRule(text)).toBe(route);
  });

  it('states the rules as the CRD and istiod do', () => {
    expect(MIN_DURATION_RULE).toBe("must be a valid duration of at least 1ms (CRD rule: duration(self) >= duration('1ms'))");
    expect(MS_PRECISION_RULE).toBe('must be a whole number of milliseconds (Istio supports ms precision only)');
  });
});
