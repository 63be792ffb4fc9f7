import { describe, expect, it } from 'vitest';
import { HOT_KEY, MANY_KEYS, OVER_LIMIT, type BenchCase } from './bench-cases.ts';
import { judgeTargets, median, summarise, type CaseResult, type RunSample, type Summary } from './bench-results.ts';
import { peakRssMiB, processCpuSeconds } from './resource-stats.ts';

const sample = (over: Partial<RunSample>): RunSample => ({
  decisions: 1000,
  perSecond: 4000,
  p50: 1,
  p99: 5,
  p999: 10,
  cpuUsPerDecision: 100,
  peakRssMiB: 50,
  redisCommandsPerDecision: 1,
  redisCpuUsPerDecision: 10,
  errors: {},
  ...over,
});
const summary = (over: Partial<RunSample>): Summary => summarise([sample(over)]);

describe('summarise', () => {
  it('takes the median of each figure on its own and sums errors', () => {
    const s = summarise([sample({ p99: 9, cpuUsPerDecision: 1 }), sample({ p99: 1, cpuUsPerDecision: 3, errors: { UNAVAILABLE: 2 } }), sample({ p99: 5, cpuUsPerDecision: 2, errors: { UNAVAILABLE: 1 } })]);
    expect(s).toMatchObject({ runs: 3, p99: 5, cpuUsPerDecision: 2, errors: { UNAVAILABLE: 3 } });
  });

  it('median of an even count is the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('judgeTargets', () => {
  const paced: BenchCase = { name: 'hot key, 4,000/s', workload: HOT_KEY, shape: { kind: 'paced', rps: 4000, concurrency: 64 } };
  const c64: BenchCase = { name: 'over limit, c64', workload: OVER_LIMIT, shape: { kind: 'saturated', concurrency: 64 } };
  const memory: BenchCase = { name: '100,000 keys, c64', workload: MANY_KEYS, shape: { kind: 'saturated', concurrency: 64 } };
  const verdict = (results: CaseResult[], target: string) => judgeTargets(results).find((v) => v.target.endsWith(target));

  it('judges a paced efficiency case on every target that applies to it', () => {
    const results = [{ benchCase: paced, sides: { ours: summary({ cpuUsPerDecision: 50, redisCpuUsPerDecision: 3, p99: 4, p999: 11, peakRssMiB: 100 }), reference: summary({}) } }];
    expect(judgeTargets(results).map((v) => [v.target, v.met])).toEqual([
      ['hot key, 4,000/s: p99 ≤ reference', true],
      ['hot key, 4,000/s: p99.9 ≤ reference', false],
      ['hot key, 4,000/s: decisions per server CPU-s ≥ 2× reference', true],
      ['hot key, 4,000/s: decisions per Redis CPU-s ≥ 3× reference', true],
      ['hot key, 4,000/s: peak RSS ≤ 2× reference', true],
    ]);
  });

  it('holds c64 saturated cases to p99.9 < 20 ms and memory cases to 2× RSS', () => {
    const results = [
      { benchCase: c64, sides: { ours: summary({ p999: 20 }), reference: summary({}) } },
      { benchCase: memory, sides: { ours: summary({ p999: 19.9, peakRssMiB: 101 }), reference: summary({}) } },
    ];
    expect(verdict(results, 'over limit, c64: p99.9 < 20 ms')?.met).toBe(false);
    expect(verdict(results, '100,000 keys, c64: p99.9 < 20 ms')?.met).toBe(true);
    expect(verdict(results, '100,000 keys, c64: peak RSS ≤ 2× reference')).toMatchObject({ met: false, evidence: '2.02× (101 vs 50 MiB)' });
  });

  it('judges nothing without both sides', () => {
    expect(judgeTargets([{ benchCase: paced, sides: { ours: summary({}) } }])).toEqual([]);
  });
});

describe('resource readings', () => {
  it('reads this process: CPU seconds grow, peak RSS is plausible', () => {
    const before = processCpuSeconds(process.pid);
    const until = Date.now() + 50;
    while (Date.now() < until);
    expect(processCpuSeconds(process.pid)).toBeGreaterThanOrEqual(before);
    expect(peakRssMiB(process.pid)).toBeGreaterThan(10);
  });
});
