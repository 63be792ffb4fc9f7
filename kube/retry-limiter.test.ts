import { describe, expect, it } from 'vitest';
import { ItemBackoff, TokenBucket } from './retry-limiter.ts';

describe('ItemBackoff', () => {
  it('doubles per failure from the base up to the cap, per key', () => {
    const b = new ItemBackoff(100, 60_000);
    const delays = Array.from({ length: 12 }, () => b.next('a'));
    expect(delays).toEqual([100, 200, 400, 800, 1600, 3200, 6400, 12_800, 25_600, 51_200, 60_000, 60_000]);
    expect(b.next('b')).toBe(100);
    b.forget('a');
    expect(b.next('a')).toBe(100);
  });

  it('does not overflow after very many failures', () => {
    const b = new ItemBackoff(100, 60_000);
    for (let i = 0; i < 5000; i++) b.next('a');
    expect(b.next('a')).toBe(60_000);
  });
});

describe('TokenBucket', () => {
  it('grants the burst at once, then books tokens at the rate', () => {
    let now = 0;
    const bucket = new TokenBucket(50, 3, () => now);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0, 20, 40]);
    now = 1000;
    // 50 tokens refilled, capped at the burst of 3, minus the 2 booked ahead.
    expect(bucket.reserve()).toBe(0);
  });

  it('tryTake never books ahead', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 1, () => now);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    now = 100;
    expect(bucket.tryTake()).toBe(true);
  });

  it('rejects a zero rate', () => {
    expect(() => new TokenBucket(0, 1)).toThrow('token bucket: rate must be > 0 and burst >= 1, got rate=0 burst=1');
  });
});
