import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { GCRA_HIT, GCRA_HIT_LUA, SLIDING_HIT, SLIDING_HIT_LUA, WINDOW_HIT, WINDOW_HIT_LUA } from './redis-scripts.ts';

/** host:port of one Redis server or Sentinel. */
export interface RedisEndpoint {
  host: string;
  port: number;
}

/** Where the counters live: one server, a Sentinel-managed primary, or a Cluster. */
export type RedisTopology =
  | { mode: 'standalone'; /** `redis://[user:pass@]host:port[/db]` or `rediss://` for TLS. */ url: string }
  | { mode: 'sentinel'; sentinels: RedisEndpoint[]; /** The Sentinel master group name. */ masterName: string; sentinelPassword?: string; db?: number }
  | { mode: 'cluster'; nodes: RedisEndpoint[] };

export interface RedisConnectionOptions {
  topology: RedisTopology;
  username?: string;
  password?: string;
  /** Connect with TLS (sentinel and cluster; standalone says so with `rediss://`). */
  tls?: boolean;
  /** Give up on one connection attempt after this long (default CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number;
}

/** One attempt to connect; longer only delays noticing that Redis is gone, the retry loop goes on. */
export const CONNECT_TIMEOUT_MS = 1_000;
/** Reconnect backoff: from 50 ms, doubling, capped at 2 s so that recovery is noticed quickly. */
const RECONNECT_BASE_MS = 50;
const RECONNECT_MAX_MS = 2_000;

/** Reconnects forever with capped exponential backoff. */
export function reconnectDelay(attempt: number): number {
  return Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.min(attempt, 16));
}

/**
 * Client options that never let a rate-limit decision wait on a dead connection:
 * no offline queue (commands fail at once while disconnected), no per-request retries and no
 * resending of commands that were in flight when a connection dropped (a counting script that
 * may already have run must never run twice), bounded connect time, reconnect by itself.
 */
function safeOptions(options: RedisConnectionOptions): RedisOptions {
  return {
    username: options.username,
    password: options.password,
    connectTimeout: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: reconnectDelay,
    ...(options.tls === true ? { tls: {} } : {}),
    scripts: {
      [WINDOW_HIT]: { lua: WINDOW_HIT_LUA, numberOfKeys: 1 },
      [GCRA_HIT]: { lua: GCRA_HIT_LUA, numberOfKeys: 1 },
      [SLIDING_HIT]: { lua: SLIDING_HIT_LUA, numberOfKeys: 1 },
    },
  };
}

/** A connected (connecting) client for `options`, with the store's scripts defined. */
export function createRedisClient(options: RedisConnectionOptions): Redis | Cluster {
  const base = safeOptions(options);
  const topology = options.topology;
  switch (topology.mode) {
    case 'standalone':
      return new Redis(topology.url, base);
    case 'sentinel':
      return new Redis({
        ...base,
        sentinels: topology.sentinels,
        name: topology.masterName,
        sentinelPassword: topology.sentinelPassword,
        db: topology.db,
        sentinelRetryStrategy: reconnectDelay,
        enableTLSForSentinelMode: options.tls === true,
      });
    case 'cluster': {
      const { scripts, ...redisOptions } = base;
      const clusterOptions: ClusterOptions = {
        redisOptions,
        scripts,
        enableOfflineQueue: false,
        maxRedirections: 4,
        clusterRetryStrategy: reconnectDelay,
        // Commands of one tick are grouped per node into one write; different slots cannot share
        // an explicit pipeline in a Cluster.
        enableAutoPipelining: true,
      };
      return new Cluster(topology.nodes, clusterOptions);
    }
  }
}
