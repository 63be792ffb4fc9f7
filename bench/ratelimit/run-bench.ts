/**
 * Side-by-side benchmark of Switchyard's rate-limit service and envoyproxy/ratelimit
 * (`npm run bench:ratelimit`; not part of `npm test`).
 *
 * Builds (once, cached) ghz and the reference from the Go module proxy, starts one redis-server,
 * writes one quota file in the reference's YAML format, and for every case runs each side —
 * Switchyard, the reference at its best settings, and our gRPC stack with a no-op store as the
 * floor — in an order that rotates from run to run, each run on a freshly started server. Prints
 * medians, ratios (ours ÷ reference) and the targets of issue 11.
 *
 *   npm run bench:ratelimit -- [--quick] [--runs 3] [--cases 'hot key, c16;over limit'] [--sides ours,reference]
 *                              [--node-flags '--trace-gc'] [--keep-dir]
 *
 * BENCH_REQUESTS (default 60000) sets the calls of a saturated run, BENCH_PACED_SECONDS (default 12)
 * the length of a paced one. --quick: 1 run, 4,000 calls, 2 s paced (a smoke test, not a figure).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startRedis, type RedisInstance } from '../../dev/redis.ts';
import { benchCases, MANY_KEY_COUNT, type BenchCase } from './bench-cases.ts';
import { judgeTargets, summarise, type CaseResult, type RunSample } from './bench-results.ts';
import { SIDES, startSide, type Side, type SideOptions } from './bench-sides.ts';
import { printTable } from './bench-table.ts';
import { runLoad } from './ghz.ts';
import { redisIncrbyCeiling } from './redis-ceiling.ts';
import { OWN_COMMANDS_PER_READING, peakRssMiB, processCpuSeconds, redisCounters } from './resource-stats.ts';

const HARNESS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'harness');
/** Before each measured run, on the fresh server: V8 optimises the hot path and the reference fills its pools. */
const WARMUP_REQUESTS = 10_000;
const QUICK = { runs: 1, requests: 4_000, pacedSeconds: 2, warmup: 1_000 };

interface Settings {
  runs: number;
  requests: number;
  pacedSeconds: number;
  warmup: number;
  cases: BenchCase[];
  sides: Side[];
  nodeFlags: string[];
  keepDir: boolean;
}

function readSettings(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    options: { quick: { type: 'boolean' }, runs: { type: 'string' }, cases: { type: 'string' }, sides: { type: 'string' }, 'node-flags': { type: 'string' }, 'keep-dir': { type: 'boolean' } },
    strict: true,
  });
  const quick = values.quick === true;
  const positive = (name: string, text: string | undefined, fallback: number) => {
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: must be a positive integer (got ${JSON.stringify(text)})`);
    return n;
  };
  const filters = values.cases?.split(';').map((s) => s.trim()) ?? [];
  const cases = benchCases().filter((c) => filters.length === 0 || filters.some((f) => c.name.includes(f)));
  if (cases.length === 0) throw new Error(`--cases: ';'-separated parts of case names; matches no case (got ${JSON.stringify(values.cases)}; cases: ${benchCases().map((c) => c.name).join('; ')})`);
  const sides = (values.sides?.split(',').map((s) => s.trim()) ?? [...SIDES]) as Side[];
  for (const s of sides) if (!SIDES.includes(s)) throw new Error(`--sides: each must be one of ${SIDES.join(', ')} (got ${JSON.stringify(s)})`);
  return {
    runs: positive('--runs', values.runs, quick ? QUICK.runs : 3),
    requests: positive('BENCH_REQUESTS', process.env.BENCH_REQUESTS, quick ? QUICK.requests : 60_000),
    pacedSeconds: positive('BENCH_PACED_SECONDS', process.env.BENCH_PACED_SECONDS, quick ? QUICK.pacedSeconds : 12),
    warmup: quick ? QUICK.warmup : WARMUP_REQUESTS,
    cases,
    sides,
    nodeFlags: values['node-flags']?.split(' ').filter(Boolean) ?? [],
    keepDir: values['keep-dir'] === true,
  };
}

function uptime(): string {
  return execFileSync('uptime', { encoding: 'utf8' }).trim();
}

async function main(): Promise<void> {
  const settings = readSettings(process.argv.slice(2));
  const ghz = execFileSync(join(HARNESS, 'build-ghz.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const referenceBinary = execFileSync(join(HARNESS, 'build-ratelimit.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const referenceVersion = /ratelimit-(.+)$/.exec(referenceBinary)?.[1] ?? referenceBinary;
  const dir = mkdtempSync(join(tmpdir(), 'rl-bench-'));
  const startUptime = uptime();
  const redis = await startRedis();
  const admin = redis.admin();
  try {
    const results: CaseResult[] = [];
    for (const c of settings.cases) results.push(await runCase(c, settings, { ghz, dir, redis, admin, referenceBinary }));
    const ceiling = redisIncrbyCeiling(redis.port);
    const args = process.argv.slice(2);
    const env = ['BENCH_REQUESTS', 'BENCH_PACED_SECONDS'].flatMap((v) => (process.env[v] ? [`${v}=${process.env[v]}`] : []));
    const quoted = args.map((a) => (/\s/.test(a) ? `'${a}'` : a));
    const command = [...env, 'npm run bench:ratelimit', ...(quoted.length > 0 ? ['--', ...quoted] : [])].join(' ');
    printTable(results, judgeTargets(results), {
      command,
      runs: settings.runs,
      saturatedRequests: settings.requests,
      pacedSeconds: settings.pacedSeconds,
      redisCeiling: ceiling,
      uptime: [startUptime, uptime()],
      referenceVersion,
    });
  } finally {
    admin.disconnect();
    await redis.stop();
    if (!settings.keepDir) rmSync(dir, { recursive: true, force: true });
    else console.log(`scratch folder kept: ${dir}`);
  }
}

interface Env {
  ghz: string;
  dir: string;
  redis: RedisInstance;
  admin: ReturnType<RedisInstance['admin']>;
  referenceBinary: string;
}

/** Every run of every side on one case; the side order rotates by one place each run. */
async function runCase(c: BenchCase, settings: Settings, env: Env): Promise<CaseResult> {
  const dataFile = join(env.dir, 'data.json');
  writeFileSync(dataFile, JSON.stringify(c.workload.data()));
  const samples = new Map<Side, RunSample[]>();
  for (let run = 0; run < settings.runs; run++) {
    const order = settings.sides.map((_, i) => settings.sides[(i + run) % settings.sides.length] as Side);
    for (const side of order) {
      process.stderr.write(`bench: ${c.name}, ${side}, run ${run + 1}/${settings.runs} (load ${uptime().replace(/.*load average: /, '')})\n`);
      const sample = await runOnce(c, side, settings, env, dataFile);
      samples.set(side, [...(samples.get(side) ?? []), sample]);
    }
  }
  const sides: CaseResult['sides'] = {};
  for (const [side, list] of samples) sides[side] = summarise(list);
  return { benchCase: c, sides };
}

/** Fresh Redis data and a fresh server; warm-up; then the measured calls with CPU, RSS and Redis deltas around them. */
async function runOnce(c: BenchCase, side: Side, settings: Settings, env: Env, dataFile: string): Promise<RunSample> {
  await env.admin.flushall();
  const opts: SideOptions = { dir: env.dir, redisUrl: env.redis.url, redisPort: env.redis.port, referenceBinary: env.referenceBinary, overLimitCache: c.workload.overLimit === true, nodeFlags: settings.nodeFlags };
  const server = await startSide(side, opts);
  try {
    const common = { ghz: env.ghz, target: `127.0.0.1:${server.grpcPort}`, dataFile, concurrency: c.shape.concurrency, reportFile: join(env.dir, 'report.json') };
    await runLoad({ ...common, requests: settings.warmup });
    const manyKeys = c.name.startsWith(MANY_KEY_COUNT.toLocaleString('en-US'));
    const requests = c.shape.kind === 'paced' ? c.shape.rps * settings.pacedSeconds : manyKeys ? Math.max(settings.requests, MANY_KEY_COUNT) : settings.requests;
    const redisBefore = await redisCounters(env.admin);
    const cpuBefore = processCpuSeconds(server.process.pid);
    const result = await runLoad({ ...common, requests, ...(c.shape.kind === 'paced' ? { rps: c.shape.rps } : {}) });
    const cpu = processCpuSeconds(server.process.pid) - cpuBefore;
    const redisAfter = await redisCounters(env.admin);
    const per = (n: number) => n / Math.max(1, result.decisions);
    return {
      decisions: result.decisions,
      perSecond: result.perSecond,
      p50: result.p50,
      p99: result.p99,
      p999: result.p999,
      cpuUsPerDecision: per(cpu * 1e6),
      peakRssMiB: peakRssMiB(server.process.pid),
      redisCommandsPerDecision: per(Math.max(0, redisAfter.commands - redisBefore.commands - OWN_COMMANDS_PER_READING)),
      redisCpuUsPerDecision: per((redisAfter.cpuSeconds - redisBefore.cpuSeconds) * 1e6),
      errors: result.errors,
    };
  } finally {
    await server.process.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
