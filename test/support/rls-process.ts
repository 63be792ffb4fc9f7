import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { RateLimit } from '../../api/rate-limit.ts';
import { rateLimitDescriptor } from '../../core/ratelimit/descriptor.ts';
import { startManagedProcess, type ManagedProcess } from '../../dev/managed-process.ts';
import { freeLoopbackPort, probe, waitUntilReady } from '../../dev/readiness.ts';

/** Switchyard's rate-limit service running as its own process (`ratelimit/main.ts`). */
export interface RlsProcess {
  grpcPort: number;
  httpPort: number;
  logPath: string;
  /** The Prometheus text of `/metrics`. */
  metrics(): Promise<string>;
  /** SIGTERM (graceful drain), SIGKILL after a grace period. Ports stay reserved for `start`. */
  stop(): Promise<void>;
  /** Starts the process again on the same ports after `stop`. */
  start(): Promise<void>;
  /** Stops the process and removes its temp dir. */
  dispose(): Promise<void>;
}

export interface RlsProcessOptions {
  /** The quota table: RateLimit resources, written to the service's YAML config file. */
  rateLimits: RateLimit[];
  /** Counter store: Redis at this URL; absent = the in-memory store. */
  redisUrl?: string;
  /** Let the service add `x-ratelimit-*` headers itself. */
  headers?: boolean;
  /** `--store-deadline-ms`: how long a decision waits for Redis before the failure mode answers. */
  storeDeadlineMs?: number;
}

/** The service loads its config and connects to Redis in well under a second; CI gets room. */
const READY_TIMEOUT_MS = 20_000;
/** Generous: the service drains in-flight calls for at most 5 s before it exits. */
const STOP_GRACE_MS = 8_000;
const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'ratelimit', 'main.ts');

/**
 * Writes the RateLimits to a YAML file and starts `ratelimit/main.ts` on it with the pinned Node
 * (the one running this process), gRPC and HTTP on free loopback ports. Resolves once `/readyz`
 * answers 200 (quota table loaded, store reachable); rejects with the log tail otherwise.
 */
export async function startRlsProcess(opts: RlsProcessOptions): Promise<RlsProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-rls-'));
  const configPath = join(dir, 'quotas.yaml');
  writeFileSync(configPath, stringify(opts.rateLimits));
  const grpcPort = await freeLoopbackPort();
  const httpPort = await freeLoopbackPort();
  const store = opts.redisUrl === undefined ? ['--store', 'memory'] : ['--store', 'redis', '--redis-url', opts.redisUrl];
  const deadline = opts.storeDeadlineMs === undefined ? [] : ['--store-deadline-ms', String(opts.storeDeadlineMs)];
  const args = [MAIN, '--config', configPath, '--host', '127.0.0.1', '--grpc-port', String(grpcPort), '--http-port', String(httpPort), '--headers', String(opts.headers === true), ...store, ...deadline];
  const logPath = join(dir, 'rls.log');
  let proc: ManagedProcess | undefined;
  const start = async (): Promise<void> => {
    proc = startManagedProcess({ name: 'ratelimit', command: process.execPath, args, logPath });
    await waitUntilReady(proc, '/readyz 200', () => probe(`http://127.0.0.1:${httpPort}/readyz`), READY_TIMEOUT_MS);
    await warmUp(httpPort, opts.rateLimits);
  };
  const stop = async (): Promise<void> => {
    await proc?.stop(STOP_GRACE_MS);
  };
  try {
    await start();
  } catch (err) {
    await stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    grpcPort,
    httpPort,
    logPath,
    start,
    stop,
    metrics: async () => (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text(),
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Rounds of uncounted decisions per RateLimit; enough for V8 to compile the decision path. */
const WARM_UP_ROUNDS = 20;
const WARM_UP_BURST = 10;

/**
 * The service answers from its store within a deadline (15 ms by default) and otherwise falls
 * back to the failure mode. A cold process (first Redis scripts, unoptimised code) is at its
 * slowest for its first decisions; uncounted decisions (`/debug/decide`, hits 0) on every global
 * RateLimit's descriptor warm the whole path, Redis scripts included, without touching a counter.
 */
async function warmUp(httpPort: number, rateLimits: readonly RateLimit[]): Promise<void> {
  const bodies = rateLimits.filter((rl) => rl.spec.mode !== 'local').map((rl) => {
    const d = rateLimitDescriptor(rl);
    return JSON.stringify({ domain: d.domain, descriptors: [{ entries: d.entries }] });
  });
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    const calls = bodies.flatMap((body) => Array.from({ length: WARM_UP_BURST }, () => fetch(`http://127.0.0.1:${httpPort}/debug/decide`, { method: 'POST', body })));
    for (const res of await Promise.all(calls)) {
      if (res.status !== 200) throw new Error(`rate-limit service: warm-up /debug/decide answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    }
  }
}

/** Value of one Prometheus sample, e.g. `metricValue(text, 'x_total', {quota: 'ns/name'})`; 0 when absent. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}
