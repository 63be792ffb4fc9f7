import { availableParallelism } from 'node:os';

/** One benchmark case as printed. Latencies in milliseconds, ratios as fractions. */
export interface BenchRow {
  name: string;
  perSecond: number;
  p50: number;
  p99: number;
  p999: number;
  /** Throughput relative to the no-op server; undefined before the baseline ran. */
  ofNoop: number | undefined;
  /** Redis script calls per counted descriptor; undefined when no store is involved. */
  commandsPerDecision: number | undefined;
  /** Redis pipelines per counted descriptor; undefined when no store is involved. */
  roundTripsPerDecision: number | undefined;
  /** Server (this process's) CPU time per answered call, microseconds: robust to a busy host. */
  cpuUsPerCall: number;
  errors: Record<string, number>;
}

export interface BenchContext {
  requests: number;
  concurrency: number;
  /** redis-benchmark pipelined INCRBY, commands per second. */
  redisCeiling: number;
  /** 1-minute load averages at the start and the end, so a reader can tell a busy host. */
  load: [number, number];
}

/** The targets the design sets for the service (DESIGN.md, "Performance"). */
export const TARGETS = { minOfNoop: 0.7, maxP99Ms: 5, maxHotKeyCommandsPerDecision: 1 };

/** Prints the results as a Markdown table plus the Redis ceiling and the targets. */
export function printTable(rows: readonly BenchRow[], ctx: BenchContext): void {
  const cpus = availableParallelism();
  const header = ['case', 'decisions/s', 'p50 ms', 'p99 ms', 'p999 ms', '% of no-op', 'Redis cmds/decision', 'Redis round trips/decision', 'server CPU µs/call', 'errors'];
  const lines = rows.map((r) => [
    r.name,
    r.perSecond.toFixed(0),
    r.p50.toFixed(2),
    r.p99.toFixed(2),
    r.p999.toFixed(2),
    r.ofNoop === undefined ? '—' : `${(r.ofNoop * 100).toFixed(0)}%`,
    r.commandsPerDecision === undefined ? '—' : r.commandsPerDecision.toFixed(3),
    r.roundTripsPerDecision === undefined ? '—' : r.roundTripsPerDecision.toFixed(3),
    r.cpuUsPerCall.toFixed(1),
    Object.entries(r.errors).map(([k, v]) => `${k}: ${v}`).join('; ') || '0',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(`ShouldRateLimit, ghz concurrency ${ctx.concurrency}, ${ctx.requests} calls per case, 1 connection, Redis on loopback`);
  console.log(fmt(header));
  console.log(fmt(widths.map((w) => '-'.repeat(w))));
  for (const l of lines) console.log(fmt(l));
  console.log('decisions/s: ShouldRateLimit calls answered OK per second; Redis columns: per counted descriptor (5 per call in the multi-descriptor case).');
  console.log(`Redis ceiling (redis-benchmark -P 16 INCRBY): ${ctx.redisCeiling.toFixed(0)} commands/s`);
  console.log(`Host: ${cpus} CPUs, 1-min load average ${ctx.load[0].toFixed(2)} at start, ${ctx.load[1].toFixed(2)} at end`);
  console.log(`Targets: ≥${TARGETS.minOfNoop * 100}% of no-op on hot key and many keys; p99 ≤ ${TARGETS.maxP99Ms} ms; hot-key Redis cmds/decision well below ${TARGETS.maxHotKeyCommandsPerDecision}`);
}
