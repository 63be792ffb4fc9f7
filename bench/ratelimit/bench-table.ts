import { availableParallelism } from 'node:os';
import type { CaseResult, Summary, TargetVerdict } from './bench-results.ts';
import type { Side } from './bench-sides.ts';

export interface BenchContext {
  /** The command line that produced the table, so a reader can run it again. */
  command: string;
  runs: number;
  saturatedRequests: number;
  pacedSeconds: number;
  /** redis-benchmark pipelined INCRBY, commands per second. */
  redisCeiling: number;
  /** `uptime` at the start and the end, so a reader can tell a busy host. */
  uptime: [string, string];
  referenceVersion: string;
}

const SIDE_NAMES: Record<Side, string> = { ours: 'Switchyard', reference: 'envoyproxy/ratelimit', noop: 'no-op floor (our gRPC stack)' };

const HEADER = ['case', 'server', 'decisions/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'CPU µs/decision', 'peak RSS MiB', 'Redis cmds/decision', 'Redis CPU µs/decision', 'errors'];

function sideCells(r: CaseResult, side: Side, s: Summary): string[] {
  const redis = side !== 'noop';
  return [
    r.benchCase.name,
    SIDE_NAMES[side],
    s.perSecond.toFixed(0),
    s.p50.toFixed(2),
    s.p99.toFixed(2),
    s.p999.toFixed(2),
    s.cpuUsPerDecision.toFixed(1),
    s.peakRssMiB.toFixed(0),
    redis ? s.redisCommandsPerDecision.toFixed(3) : '—',
    redis ? s.redisCpuUsPerDecision.toFixed(2) : '—',
    Object.entries(s.errors).map(([k, v]) => `${k}: ${v}`).join('; ') || '0',
  ];
}

/** ours ÷ reference for every figure: below 1 is better for all but decisions/s. */
function ratioCells(r: CaseResult): string[] | undefined {
  const { ours, reference: ref } = r.sides;
  if (ours === undefined || ref === undefined) return undefined;
  const q = (a: number, b: number) => (b === 0 ? '—' : `${(a / b).toFixed(2)}×`);
  return [
    r.benchCase.name,
    'ours ÷ reference',
    q(ours.perSecond, ref.perSecond),
    q(ours.p50, ref.p50),
    q(ours.p99, ref.p99),
    q(ours.p999, ref.p999),
    q(ours.cpuUsPerDecision, ref.cpuUsPerDecision),
    q(ours.peakRssMiB, ref.peakRssMiB),
    q(ours.redisCommandsPerDecision, ref.redisCommandsPerDecision),
    q(ours.redisCpuUsPerDecision, ref.redisCpuUsPerDecision),
    '',
  ];
}

/** Prints the side-by-side table (Markdown), the ratios, the ceiling, the host load and the targets. */
export function printTable(results: readonly CaseResult[], verdicts: readonly TargetVerdict[], ctx: BenchContext): void {
  const lines: string[][] = [];
  for (const r of results) {
    for (const side of ['reference', 'ours', 'noop'] as const) {
      const s = r.sides[side];
      if (s !== undefined) lines.push(sideCells(r, side, s));
    }
    const ratio = ratioCells(r);
    if (ratio !== undefined) lines.push(ratio);
  }
  const widths = HEADER.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(`\n$ ${ctx.command}`);
  console.log(`ShouldRateLimit under ghz (1 connection, --cpus 1), one Redis on loopback, one quota file (envoyproxy/ratelimit YAML); reference ${ctx.referenceVersion}.`);
  console.log(`Medians of ${ctx.runs} alternating run(s) per side; every run on a freshly started server; saturated cases ${ctx.saturatedRequests} calls, paced cases ${ctx.pacedSeconds} s.`);
  console.log(fmt(HEADER));
  console.log(fmt(widths.map((w) => '-'.repeat(w))));
  for (const l of lines) console.log(fmt(l));
  console.log('A decision is one ShouldRateLimit call answered OK (5 descriptors in the multi-descriptor case). CPU: the server process only (/proc/<pid>/stat), not ghz.');
  console.log('Redis cmds: total_commands_processed, commands run inside a Lua script included (EVALSHA + GET + SET = 3); Redis CPU: used_cpu_user + used_cpu_sys; both INFO deltas around the measured calls.');
  console.log(`Redis ceiling (redis-benchmark -P 16 INCRBY): ${ctx.redisCeiling.toFixed(0)} commands/s`);
  console.log(`Host: ${availableParallelism()} CPUs; uptime at start: ${ctx.uptime[0]}; at end: ${ctx.uptime[1]}`);
  console.log('\nTargets (issue 11):');
  for (const v of verdicts) console.log(`- [${v.met ? 'met' : 'NOT met'}] ${v.target}: ${v.evidence}`);
  console.log(`${verdicts.filter((v) => v.met).length} of ${verdicts.length} met.`);
}
