/**
 * Benchmark of the rate-limit service (`npm run bench:ratelimit`; not part of `npm test`).
 *
 * Starts a real redis-server, the service in this process with the Redis store, and the same
 * service with a no-op store as the baseline; drives ShouldRateLimit with ghz at fixed
 * concurrency for each case, then measures Redis's own pipelined INCRBY capacity as the ceiling.
 * Prints one table. BENCH_REQUESTS (default 150000) and BENCH_CONCURRENCY (default 64) tune the runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { startRedis } from '../../dev/redis.ts';
import { parseConfigText } from '../../ratelimit/config/load-config-file.ts';
import { QuotaSnapshotHolder } from '../../ratelimit/config/quota-source.ts';
import { startRateLimitService, type RunningRateLimitService } from '../../ratelimit/service/rate-limit-service.ts';
import { RedisStore } from '../../ratelimit/store/redis-store.ts';
import { BENCH_CASES, BENCH_QUOTAS, type BenchCase } from './bench-cases.ts';
import { runLoad, type LoadResult } from './ghz.ts';
import { NoopStore } from './noop-store.ts';
import { redisIncrbyCeiling } from './redis-ceiling.ts';
import { printTable, type BenchRow } from './bench-table.ts';

/**
 * Requests per measured case: about 10 s at the rates this machine class reaches. A count, not a
 * duration, because ghz cancels the calls in flight when a duration ends and reports them as errors.
 */
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 150_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
/** Before each case: the case's own keys and code path settle; not reported. */
const WARMUP_REQUESTS = 5_000;
/**
 * Before any case, on both servers: the shared gRPC stack is optimised by V8 once, so the
 * baseline (measured first) is not the run that pays for it.
 */
const PROCESS_WARMUP_REQUESTS = 30_000;
/** Wait for the store's first connection; loopback Redis answers in milliseconds. */
const CONNECT_TIMEOUT_MS = 5_000;
const BUILD_GHZ = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'harness', 'build-ghz.sh');

async function main(): Promise<void> {
  const ghz = execFileSync(BUILD_GHZ, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const loadAtStart = loadavg()[0] ?? 0;
  const redis = await startRedis();
  const source = new QuotaSnapshotHolder();
  source.publish(parseConfigText('bench-quotas.yaml', BENCH_QUOTAS, Date.now()));
  const store = new RedisStore({ topology: { mode: 'standalone', url: redis.url }, keyPrefix: 'bench:' });
  const services: RunningRateLimitService[] = [];
  try {
    await waitHealthy(store);
    const real = await startRateLimitService({ source, store, grpcPort: 0, httpPort: 0 });
    services.push(real);
    const noop = await startRateLimitService({ source, store: new NoopStore(), grpcPort: 0, httpPort: 0 });
    services.push(noop);
    const hot = BENCH_CASES[0];
    if (hot !== undefined) {
      for (const port of [noop.grpcPort, real.grpcPort]) await runCase(ghz, dir, hot, port, store, PROCESS_WARMUP_REQUESTS);
    }
    const rows: BenchRow[] = [];
    let baseline: number | undefined;
    for (const c of BENCH_CASES) {
      const port = c.noop === true ? noop.grpcPort : real.grpcPort;
      const { result, commands, roundTrips, cpuUsPerCall } = await runCase(ghz, dir, c, port, store);
      if (c.noop === true && c.rps === undefined) baseline = result.perSecond;
      rows.push(row(c, result, baseline, { commands, roundTrips }, cpuUsPerCall));
    }
    const ceiling = redisIncrbyCeiling(redis.port);
    printTable(rows, { requests: REQUESTS, concurrency: CONCURRENCY, redisCeiling: ceiling, load: [loadAtStart, loadavg()[0] ?? 0] });
  } finally {
    for (const s of services.reverse()) await s.shutdown();
    await store.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A warm-up run (not reported), then the measured run; Redis commands are counted around the latter only. */
async function runCase(ghz: string, dir: string, c: BenchCase, port: number, store: RedisStore, requests = REQUESTS): Promise<{ result: LoadResult; commands: number; roundTrips: number; cpuUsPerCall: number }> {
  const dataFile = join(dir, 'data.json');
  writeFileSync(dataFile, JSON.stringify(c.data));
  const common = { ghz, target: `127.0.0.1:${port}`, dataFile, concurrency: CONCURRENCY, reportFile: join(dir, 'report.json'), rps: c.rps };
  await runLoad({ ...common, requests: WARMUP_REQUESTS });
  process.stderr.write(`bench: ${c.name}, ${requests} calls …\n`);
  const before = store.stats();
  const cpuBefore = process.cpuUsage();
  const result = await runLoad({ ...common, requests });
  const cpu = process.cpuUsage(cpuBefore);
  const after = store.stats();
  const cpuUsPerCall = (cpu.user + cpu.system) / Math.max(1, result.decisions);
  return { result, commands: after.redisCommands - before.redisCommands, roundTrips: after.redisRoundTrips - before.redisRoundTrips, cpuUsPerCall };
}

function row(c: BenchCase, r: LoadResult, baseline: number | undefined, redis: { commands: number; roundTrips: number }, cpuUsPerCall: number): BenchRow {
  const perDecision = (n: number) => (c.noop === true ? undefined : n / Math.max(1, r.decisions * c.descriptorsPerRequest));
  return {
    name: c.name,
    perSecond: r.perSecond,
    p50: r.p50,
    p99: r.p99,
    p999: r.p999,
    ofNoop: baseline === undefined || c.rps !== undefined ? undefined : r.perSecond / baseline,
    // The no-op server never calls Redis; its commands belong to nobody.
    commandsPerDecision: perDecision(redis.commands),
    roundTripsPerDecision: perDecision(redis.roundTrips),
    cpuUsPerCall,
    errors: r.errors,
  };
}

async function waitHealthy(store: RedisStore): Promise<void> {
  const deadline = Date.now() + CONNECT_TIMEOUT_MS;
  while (!store.healthy()) {
    if (Date.now() > deadline) throw new Error(`bench: Redis store not connected within ${CONNECT_TIMEOUT_MS} ms`);
    await sleep(20);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
