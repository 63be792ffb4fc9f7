import type { BenchCase } from './bench-cases.ts';
import type { Side } from './bench-sides.ts';

/** One measured run of one side on one case. Latencies in milliseconds. */
export interface RunSample {
  decisions: number;
  perSecond: number;
  p50: number;
  p99: number;
  p999: number;
  /** Server process CPU (user + system) during the measured calls, µs per decision. */
  cpuUsPerDecision: number;
  /** VmHWM of the server process at the end of the run (it is started fresh for every run). */
  peakRssMiB: number;
  /** Commands Redis executed during the measured calls (inside scripts too), per decision. */
  redisCommandsPerDecision: number;
  /** Redis's own CPU during the measured calls, µs per decision. */
  redisCpuUsPerDecision: number;
  errors: Record<string, number>;
}

/** Per case and side: the median of each figure over the runs (medians taken figure by figure). */
export type Summary = Omit<RunSample, 'errors'> & { runs: number; errors: Record<string, number> };

export interface CaseResult {
  benchCase: BenchCase;
  sides: Partial<Record<Side, Summary>>;
}

const NUMERIC = ['decisions', 'perSecond', 'p50', 'p99', 'p999', 'cpuUsPerDecision', 'peakRssMiB', 'redisCommandsPerDecision', 'redisCpuUsPerDecision'] as const;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Medians of every figure; errors are summed over the runs (any error is worth seeing). */
export function summarise(samples: readonly RunSample[]): Summary {
  const errors: Record<string, number> = {};
  for (const s of samples) for (const [k, v] of Object.entries(s.errors)) errors[k] = (errors[k] ?? 0) + v;
  const out = { runs: samples.length, errors } as Summary;
  for (const key of NUMERIC) out[key] = median(samples.map((s) => s[key]));
  return out;
}

/** A target of issue 11, evaluated on one run's medians. */
export interface TargetVerdict {
  target: string;
  met: boolean;
  /** The figures it was judged on. */
  evidence: string;
}

const MAX_SATURATED_P999_MS = 20;
const MIN_CPU_EFFICIENCY_RATIO = 2;
const MAX_RSS_RATIO = 2;
const MIN_REDIS_EFFICIENCY_RATIO = 3;

const f = (n: number, digits = 2) => n.toFixed(digits);

/**
 * Targets: p99 and p99.9 ≤ the reference's in every paced case; p99.9 < 20 ms at concurrency 64
 * saturated; decisions per server CPU-second ≥ 2× the reference's on the hot key and 10,000 keys
 * (paced); peak RSS ≤ 2× the reference's in every case (100,000 keys included); decisions per Redis
 * CPU-second ≥ 3× the reference's on the hot key and 10,000 keys (paced).
 */
export function judgeTargets(results: readonly CaseResult[]): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  const pairs = results.flatMap((r) => (r.sides.ours && r.sides.reference ? [{ c: r.benchCase, ours: r.sides.ours, ref: r.sides.reference }] : []));
  const efficiencyCase = (name: string) => name.startsWith('hot key') || name.startsWith('10,000 keys');
  for (const { c, ours, ref } of pairs) {
    if (c.shape.kind === 'paced') {
      verdicts.push({ target: `${c.name}: p99 ≤ reference`, met: ours.p99 <= ref.p99, evidence: `${f(ours.p99)} vs ${f(ref.p99)} ms` });
      verdicts.push({ target: `${c.name}: p99.9 ≤ reference`, met: ours.p999 <= ref.p999, evidence: `${f(ours.p999)} vs ${f(ref.p999)} ms` });
      if (efficiencyCase(c.name)) {
        const cpu = ref.cpuUsPerDecision / ours.cpuUsPerDecision;
        verdicts.push({ target: `${c.name}: decisions per server CPU-s ≥ ${MIN_CPU_EFFICIENCY_RATIO}× reference`, met: cpu >= MIN_CPU_EFFICIENCY_RATIO, evidence: `${f(cpu)}× (${f(ours.cpuUsPerDecision, 1)} vs ${f(ref.cpuUsPerDecision, 1)} µs/decision)` });
        const redis = ref.redisCpuUsPerDecision / ours.redisCpuUsPerDecision;
        verdicts.push({ target: `${c.name}: decisions per Redis CPU-s ≥ ${MIN_REDIS_EFFICIENCY_RATIO}× reference`, met: redis >= MIN_REDIS_EFFICIENCY_RATIO, evidence: `${f(redis)}× (${f(ours.redisCpuUsPerDecision)} vs ${f(ref.redisCpuUsPerDecision)} µs/decision)` });
      }
    } else if (c.shape.concurrency === 64) {
      verdicts.push({ target: `${c.name}: p99.9 < ${MAX_SATURATED_P999_MS} ms`, met: ours.p999 < MAX_SATURATED_P999_MS, evidence: `${f(ours.p999)} ms` });
    }
    const rss = ours.peakRssMiB / ref.peakRssMiB;
    verdicts.push({ target: `${c.name}: peak RSS ≤ ${MAX_RSS_RATIO}× reference`, met: rss <= MAX_RSS_RATIO, evidence: `${f(rss)}× (${f(ours.peakRssMiB, 0)} vs ${f(ref.peakRssMiB, 0)} MiB)` });
  }
  return verdicts;
}
