/**
 * `npm run bench:mesh`: the never-a-503 measurement. For each mode, a fresh local control plane,
 * istiod and Envoy gateway; steady HTTP traffic through the gateway while a Router goes through a
 * scripted series of transitions; every response counted.
 *
 *   npm run bench:mesh [-- --transitions 100] [--rate 200] [--dwell-ms 600] [--modes verified,settle:1s,settle:0s,naive]
 *   npm run bench:mesh -- --progression
 *
 * Modes: `verified` (the controller waits for istiod's proxies to acknowledge each step),
 * `settle:<delay>` (it sleeps the delay after each step), `naive` (no controller: the same DR and
 * VS written at the same moment, as a hand-run `kubectl apply` of both would), `naive-sequential`
 * (no controller: the DR, then the VS, as a file listing the DR first applies).
 *
 * `--progression` runs the automated canary walks instead (bench/mesh/run-progression-bench.ts).
 */
import { parseArgs } from 'node:util';
import { runProgressionBench } from './run-progression-bench.ts';
import { runSeries, type Mode, type SeriesResult } from './run-series.ts';

function parseMode(text: string): Mode {
  if (text === 'verified' || text === 'naive' || text === 'naive-sequential') return { kind: text };
  const m = /^settle:(\S+)$/.exec(text);
  if (m?.[1]) return { kind: 'settle', delay: m[1] };
  throw new Error(`--modes: unknown mode ${JSON.stringify(text)} (verified, naive, naive-sequential or settle:<delay>)`);
}

function label(mode: Mode): string {
  return mode.kind === 'settle' ? `settle ${mode.delay}` : mode.kind;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** "add version", "shift", "remove sandbox"…: a transition's label without its operands. */
function kindOf(label: string): string {
  return label.startsWith('shift') ? 'shift' : label.split(' ').slice(0, 2).join(' ');
}

function byKind(r: SeriesResult): string {
  const groups = new Map<string, { effect: number[]; done: number[] }>();
  for (const t of r.transitions) {
    const g = groups.get(kindOf(t.label)) ?? { effect: [], done: [] };
    g.effect.push(t.effectMs);
    g.done.push(t.doneMs);
    groups.set(kindOf(t.label), g);
  }
  return [...groups].map(([kind, g]) => `${kind} ${quantile(g.effect, 0.5).toFixed(0)}/${quantile(g.done, 0.5).toFixed(0)}`).join(', ');
}

function printTable(results: SeriesResult[]): void {
  const rows = results.map((r) => {
    const effect = r.transitions.map((t) => t.effectMs);
    const done = r.transitions.map((t) => t.doneMs);
    const flags = Object.entries(r.flags).map(([f, n]) => `${f}:${n}`).join(' ') || '-';
    const worst = Math.max(0, ...r.splits.map((s) => s.worstDeviation));
    return [
      label(r.mode),
      String(r.transitions.length),
      String(r.requests),
      String(r.non2xx + r.connectionErrors),
      String(r.status503),
      flags,
      `${quantile(effect, 0.5).toFixed(0)} / ${quantile(effect, 0.9).toFixed(0)}`,
      `${quantile(done, 0.5).toFixed(0)} / ${quantile(done, 0.9).toFixed(0)}`,
      `${worst.toFixed(1)}`,
      String(r.transitions.filter((t) => t.timedOut).length),
      String(r.rejections.length),
    ];
  });
  const header = ['mode', 'transitions', 'requests', 'failed', '503s', 'flags', 'effect ms p50/p90', 'done ms p50/p90', 'split dev (pts)', 'timeouts', 'rejected pushes'];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  for (const r of results) {
    const splits = r.splits.map((s) => `${s.declared} → ${s.observed} (n=${s.samples})`).join('; ');
    console.log(`${label(r.mode)}: splits ${splits || '-'}; sandbox requests misrouted ${r.sandboxMisrouted}`);
    console.log(`${label(r.mode)}: by kind, take effect / whole transition p50 ms: ${byKind(r)}`);
    for (const rejection of r.rejections) console.log(`${label(r.mode)}: REJECTED ${rejection}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      transitions: { type: 'string', default: '100' },
      rate: { type: 'string', default: '200' },
      'dwell-ms': { type: 'string', default: '600' },
      modes: { type: 'string', default: 'verified,settle:1s,settle:0s,naive' },
      progression: { type: 'boolean', default: false },
    },
  });
  if (values.progression) return runProgressionBench((line) => console.error(line));
  const transitions = Number(values.transitions);
  const rate = Number(values.rate);
  const dwellMs = Number(values['dwell-ms']);
  if (!(transitions >= 1 && rate >= 1 && rate <= 2000 && dwellMs >= 0)) throw new Error('--transitions ≥ 1, --rate 1–2000 and --dwell-ms ≥ 0 are required');
  const results: SeriesResult[] = [];
  for (const mode of values.modes.split(',').map(parseMode)) {
    results.push(await runSeries({ mode, transitions, rate, dwellMs }, (line) => console.error(line)));
  }
  printTable(results);
}

main().catch((err: unknown) => {
  console.error(`bench:mesh: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
