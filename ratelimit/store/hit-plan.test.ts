import { describe, expect, it } from 'vitest';
import { planHit } from './hit-plan.ts';
import { NOW, hitOf, quota } from './store-fixture.test-support.ts';

const KEY = 'switchyard_switchyard%5Fratelimit_sm-verify.page-show_header%5Fmatch_:path%20==%20/Page.Show';
const utc = (iso: string): number => Date.parse(`${iso}Z`);

describe('planHit', () => {
  it.each<['WEEK' | 'MONTH' | 'YEAR', string, string]>([
    ['WEEK', '2023-11-13T00:00:00', '2023-11-20T00:00:00'],
    ['MONTH', '2023-11-01T00:00:00', '2023-12-01T00:00:00'],
    ['YEAR', '2023-01-01T00:00:00', '2024-01-01T00:00:00'],
  ])('counts a %s override in its UTC calendar window, keyed by the window start', (unit, start, end) => {
    const plan = planHit(hitOf(quota(), 1, { limitOverride: { requestsPerUnit: 50, unit } }), '', NOW);
    expect(plan).toEqual({ kind: 'window', key: `${KEY}_${utc(start) / 1_000}`, limit: 50, hits: 1, window: { startMs: utc(start), endMs: utc(end) } });
  });

  it.each<['WEEK' | 'MONTH' | 'YEAR', number]>([
    ['WEEK', 604_800_000],
    ['MONTH', 2_592_000_000],
    ['YEAR', 31_536_000_000],
  ])('refills a token bucket over the nominal %s (%i ms)', (unit, unitMs) => {
    const plan = planHit(hitOf(quota({ algorithm: 'tokenBucket' }), 1, { limitOverride: { requestsPerUnit: 1_000, unit } }), '', NOW);
    expect(plan).toEqual({ kind: 'gcra', key: `${KEY}_gcra`, limit: 1_000, hits: 1, unitMs });
  });

  it('counts a token bucket whose unit (ms) × limit passes 2^53 as a fixed window, which stays exact', () => {
    const bucket = quota({ algorithm: 'tokenBucket' });
    const largest = planHit(hitOf(bucket, 1, { limitOverride: { requestsPerUnit: 285_616, unit: 'YEAR' } }), '', NOW);
    const beyond = planHit(hitOf(bucket, 1, { limitOverride: { requestsPerUnit: 285_617, unit: 'YEAR' } }), '', NOW);
    expect([largest.kind, beyond.kind]).toEqual(['gcra', 'window']);
    expect(beyond).toMatchObject({ limit: 285_617, window: { startMs: utc('2023-01-01T00:00:00'), endMs: utc('2024-01-01T00:00:00') } });
  });

  it('plans a sliding window as one key per descriptor, at its position in the window', () => {
    // NOW is 20 s into its minute: two thirds of the previous minute still weigh (rounded up to a step).
    const plan = planHit(hitOf(quota({ algorithm: 'slidingWindow', unit: 'MINUTE' })), '', NOW);
    const minute = NOW - 20_000;
    expect(plan).toEqual({
      kind: 'sliding',
      key: `${KEY}_sliding`,
      limit: 137,
      hits: 1,
      position: { window: { startMs: minute, endMs: minute + 60_000 }, previousStartMs: minute - 60_000, nextEndMs: minute + 120_000, weight: 43_691 },
    });
  });
});
