import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { startManagedProcess, type ManagedProcess } from './managed-process.ts';
import { freeLoopbackPort, waitUntilReady } from './readiness.ts';

/** A real redis-server on a loopback port, with nothing persisted. */
export interface RedisInstance {
  port: number;
  /** `redis://127.0.0.1:<port>` */
  url: string;
  /** Stops the server and removes its temp dir. */
  stop(): Promise<void>;
  /** Holds every client's commands for `ms` (CLIENT PAUSE): a Redis that is up but slow. */
  pause(ms: number): Promise<void>;
  /** Stops the server (its data is lost) without removing anything; `start` brings it back. */
  kill(): Promise<void>;
  /** Starts the server again on the same port after `kill`. */
  start(): Promise<void>;
  /** A fresh admin connection (the caller quits it). */
  admin(): Redis;
}

export interface RedisStartOptions {
  /** Run as a one-node Redis Cluster owning all 16384 slots. */
  cluster?: boolean;
}

/** redis-server starts in milliseconds; a loaded CI host gets room. */
const READY_TIMEOUT_MS = 20_000;
/** Redis exits at once on SIGTERM when nothing is persisted. */
const STOP_GRACE_MS = 5_000;
const LAST_SLOT = 16_383;

const ENSURE_REDIS = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'harness', 'ensure-redis.sh');
let redisPath: string | undefined;

/** Path of redis-server, installed through apt-get by scripts/harness/ensure-redis.sh when missing. */
export function redisServerBinary(): string {
  redisPath ??= execFileSync(ENSURE_REDIS, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return redisPath;
}

/** One admin command on a short-lived connection; undefined when the server does not answer. */
async function command(port: number, ...args: string[]): Promise<unknown> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return await client.call(args[0] ?? 'PING', ...args.slice(1));
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}

/**
 * Starts redis-server on a free loopback port with `--save '' --appendonly no` and resolves once
 * it answers PING (for a cluster: once CLUSTER INFO says `cluster_state:ok`). Rejects, quoting the
 * log tail, when the server exits first or is not ready in time.
 */
export async function startRedis(options: RedisStartOptions = {}): Promise<RedisInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-redis-'));
  const port = await freeLoopbackPort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'no'];
  if (options.cluster === true) args.push('--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'), '--cluster-announce-ip', '127.0.0.1');
  let proc: ManagedProcess | undefined;
  const start = async (): Promise<void> => {
    proc = startManagedProcess({ name: 'redis-server', command: redisServerBinary(), args, logPath: join(dir, 'redis.log') });
    const running = proc;
    await waitUntilReady(running, 'PING', async () => (await command(port, 'PING')) === 'PONG', READY_TIMEOUT_MS);
    if (options.cluster !== true) return;
    const info = await command(port, 'CLUSTER', 'INFO');
    if (typeof info === 'string' && !info.includes('cluster_slots_assigned:16384')) await command(port, 'CLUSTER', 'ADDSLOTSRANGE', '0', String(LAST_SLOT));
    await waitUntilReady(running, 'cluster_state:ok', async () => String(await command(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'), READY_TIMEOUT_MS);
  };
  const kill = async (): Promise<void> => {
    await proc?.stop(STOP_GRACE_MS);
  };
  try {
    await start();
  } catch (err) {
    await kill();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
    async pause(ms) {
      const reply = await command(port, 'CLIENT', 'PAUSE', String(ms), 'ALL');
      if (reply !== 'OK') throw new Error(`redis: CLIENT PAUSE ${ms} answered ${String(reply)}`);
    },
    admin: () => new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0 }),
  };
}
