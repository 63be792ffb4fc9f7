import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startManagedProcess, type ManagedProcess } from '../../dev/managed-process.ts';
import { freeLoopbackPort, probe, waitUntilReady } from '../../dev/readiness.ts';
import { RLS_NODE_FLAGS } from '../../ratelimit/node-flags.ts';
import { BENCH_QUOTAS } from './bench-cases.ts';

/** The servers measured side by side: ours, the reference (envoyproxy/ratelimit), and the floor (ours with a no-op store). */
export type Side = 'ours' | 'reference' | 'noop';
export const SIDES: readonly Side[] = ['ours', 'reference', 'noop'];

/** A started server: its process (CPU and peak RSS are read from /proc/<pid>) and gRPC port. */
export interface RunningSide {
  side: Side;
  process: ManagedProcess;
  grpcPort: number;
}

export interface SideOptions {
  /** Scratch folder for the quota file, the reference's runtime tree and logs. */
  dir: string;
  redisUrl: string;
  redisPort: number;
  /** Path of the reference binary (scripts/harness/build-ratelimit.sh). */
  referenceBinary: string;
  /** The reference's over-limit local cache, its best setting where keys go over limit. */
  overLimitCache: boolean;
  /** Extra Node flags for our two sides (profiling: --cpu-prof, --trace-gc). */
  nodeFlags?: readonly string[];
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Node and Go servers are up in well under a second; a loaded host gets room. */
const READY_TIMEOUT_MS = 30_000;
/**
 * REDIS_PIPELINE_WINDOW: the reference's documented recommendation (150–500 µs) for batching
 * writes; its default (0) flushes every command alone and costs Redis CPU.
 */
const REFERENCE_PIPELINE_WINDOW = '150us';
/** freecache's minimum is 512 KiB; 1 MiB holds every over-limit key of the benchmark many times over. */
const REFERENCE_LOCAL_CACHE_BYTES = 1024 * 1024;

/** Writes the one quota file both servers load (the reference reads it from its runtime tree). */
export function writeQuotaFiles(dir: string): { ours: string; runtimeRoot: string } {
  const runtimeRoot = join(dir, 'runtime');
  const configDir = join(runtimeRoot, 'ratelimit', 'config');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, 'bench.yaml'), BENCH_QUOTAS);
  const ours = join(dir, 'bench.yaml');
  writeFileSync(ours, BENCH_QUOTAS);
  return { ours, runtimeRoot };
}

/** Starts one side on free loopback ports and waits until it reports ready. */
export async function startSide(side: Side, opts: SideOptions): Promise<RunningSide> {
  const [grpcPort, httpPort, debugPort, promPort] = [await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()];
  const logPath = join(opts.dir, `${side}.log`);
  let proc: ManagedProcess;
  let readyUrl: string;
  if (side === 'reference') {
    proc = startManagedProcess({ name: 'envoyproxy/ratelimit', command: opts.referenceBinary, args: [], logPath, env: referenceEnv(opts, { grpcPort, httpPort, debugPort, promPort }) });
    readyUrl = `http://127.0.0.1:${httpPort}/healthcheck`;
  } else {
    const { ours } = writeQuotaFiles(opts.dir);
    const entry = side === 'ours' ? join(ROOT, 'ratelimit', 'main.ts') : join(ROOT, 'bench', 'ratelimit', 'noop-server.ts');
    const args = [...RLS_NODE_FLAGS, ...(opts.nodeFlags ?? []), entry, '--config', ours, '--host', '127.0.0.1', '--grpc-port', String(grpcPort), '--http-port', String(httpPort)];
    if (side === 'ours') args.push('--store', 'redis', '--redis-url', opts.redisUrl, '--redis-key-prefix', 'switchyard:');
    proc = startManagedProcess({ name: side === 'ours' ? 'switchyard rls' : 'switchyard rls (no-op store)', command: process.execPath, args, logPath });
    readyUrl = `http://127.0.0.1:${httpPort}/readyz`;
  }
  await waitUntilReady(proc, 'ready', () => probe(readyUrl), READY_TIMEOUT_MS);
  return { side, process: proc, grpcPort };
}

/**
 * The reference at its best settings (settings.go of the pinned module): stats kept in process
 * for Prometheus (its default statsd sink would need a statsd server), Redis over TCP with the
 * write-batching window, the over-limit local cache where keys go over limit, warnings only.
 */
function referenceEnv(opts: SideOptions, ports: { grpcPort: number; httpPort: number; debugPort: number; promPort: number }): Record<string, string> {
  const { grpcPort, httpPort, debugPort, promPort } = ports;
  const { runtimeRoot } = writeQuotaFiles(opts.dir);
  return {
    HOST: '127.0.0.1',
    PORT: String(httpPort),
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: String(grpcPort),
    DEBUG_HOST: '127.0.0.1',
    DEBUG_PORT: String(debugPort),
    RUNTIME_ROOT: runtimeRoot,
    RUNTIME_SUBDIRECTORY: 'ratelimit',
    RUNTIME_WATCH_ROOT: 'false',
    USE_STATSD: 'false',
    USE_PROMETHEUS: 'true',
    PROMETHEUS_ADDR: `127.0.0.1:${promPort}`,
    LOG_LEVEL: 'warn',
    BACKEND_TYPE: 'redis',
    REDIS_SOCKET_TYPE: 'tcp',
    REDIS_TYPE: 'SINGLE',
    REDIS_URL: `127.0.0.1:${opts.redisPort}`,
    REDIS_PIPELINE_WINDOW: REFERENCE_PIPELINE_WINDOW,
    LOCAL_CACHE_SIZE_IN_BYTES: opts.overLimitCache ? String(REFERENCE_LOCAL_CACHE_BYTES) : '0',
  };
}
