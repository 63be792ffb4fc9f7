import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { RedisEndpoint, RedisTopology } from '../store/redis-connection.ts';

/** Everything `ratelimit/main.ts` needs, validated. */
export interface ServiceConfig {
  host: string;
  grpcPort: number;
  httpPort: number;
  /** Where quotas come from: a file (reloaded on change), or RateLimit resources watched in Kubernetes. */
  source: { kind: 'file'; path: string } | { kind: 'kubernetes'; kubeconfig?: string; namespace?: string };
  rateLimitHeaders: boolean;
  /** How long a decision waits for the store before the failure mode answers; undefined = the decider's default. Keep it below Envoy's timeout. */
  storeDeadlineMs?: number;
  store: ({ kind: 'memory' } | { kind: 'redis'; topology: RedisTopology; password?: string; tls: boolean; keyPrefix: string }) & {
    /** The reference's behaviour: keep counting hits that are rejected (default false: a blocked client does not grow its counter). */
    countOverLimit: boolean;
  };
}

/** Command-line flag ↔ environment variable; a flag wins over its variable. */
export const SETTINGS = {
  host: { flag: 'host', env: 'RLS_HOST' },
  grpcPort: { flag: 'grpc-port', env: 'RLS_GRPC_PORT' },
  httpPort: { flag: 'http-port', env: 'RLS_HTTP_PORT' },
  configFile: { flag: 'config', env: 'RLS_CONFIG' },
  source: { flag: 'source', env: 'RLS_SOURCE' },
  kubeconfig: { flag: 'kubeconfig', env: 'KUBECONFIG' },
  namespace: { flag: 'namespace', env: 'RLS_NAMESPACE' },
  countOverLimit: { flag: 'count-over-limit', env: 'RLS_COUNT_OVER_LIMIT' },
  headers: { flag: 'headers', env: 'RLS_RATE_LIMIT_HEADERS' },
  storeDeadlineMs: { flag: 'store-deadline-ms', env: 'RLS_STORE_DEADLINE_MS' },
  store: { flag: 'store', env: 'RLS_STORE' },
  redisUrl: { flag: 'redis-url', env: 'REDIS_URL' },
  redisSentinels: { flag: 'redis-sentinels', env: 'REDIS_SENTINELS' },
  redisMasterName: { flag: 'redis-master-name', env: 'REDIS_MASTER_NAME' },
  redisClusterNodes: { flag: 'redis-cluster-nodes', env: 'REDIS_CLUSTER_NODES' },
  redisPassword: { flag: 'redis-password', env: 'REDIS_PASSWORD' },
  redisTls: { flag: 'redis-tls', env: 'REDIS_TLS' },
  redisKeyPrefix: { flag: 'redis-key-prefix', env: 'REDIS_KEY_PREFIX' },
} as const;

const port = z.coerce.number().int().min(0).max(65_535);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const endpoints = z
  .string()
  .min(1)
  .transform((text, ctx) => text.split(',').map((part) => endpoint(part.trim(), ctx)));

const raw = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  grpcPort: port.default(8081),
  httpPort: port.default(8080),
  configFile: z.string().min(1).optional(),
  source: z.enum(['file', 'kubernetes']).optional(),
  kubeconfig: z.string().min(1).optional(),
  namespace: z.string().min(1).optional(),
  countOverLimit: bool.default(false),
  headers: bool.default(false),
  storeDeadlineMs: z.coerce.number().int().min(1).max(60_000).optional(),
  store: z.enum(['memory', 'redis']).default('memory'),
  redisUrl: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  redisSentinels: endpoints.optional(),
  redisMasterName: z.string().min(1).optional(),
  redisClusterNodes: endpoints.optional(),
  redisPassword: z.string().optional(),
  redisTls: bool.default(false),
  redisKeyPrefix: z.string().default('switchyard:'),
});

/**
 * Reads flags (`--grpc-port 8081`, …) and environment variables, validates them once and
 * returns the config, or throws an Error whose message lists every problem as
 * `<flag> / <ENV>: <rule> (got <value>)`.
 */
export function readServiceConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ServiceConfig {
  const options = Object.fromEntries(Object.values(SETTINGS).map((s) => [s.flag, { type: 'string' as const }]));
  const { values } = parseArgs({ args: [...argv], options, allowPositionals: false, strict: true });
  const merged: Record<string, string | undefined> = {};
  for (const [name, s] of Object.entries(SETTINGS)) merged[name] = (values[s.flag] as string | undefined) ?? env[s.env];
  const parsed = raw.safeParse(merged);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `${describe(String(i.path[0]))}: ${i.message} (got ${JSON.stringify(merged[String(i.path[0])])})`).join('\n'));
  }
  const c = parsed.data;
  return {
    host: c.host,
    grpcPort: c.grpcPort,
    httpPort: c.httpPort,
    source: sourceConfig(c),
    rateLimitHeaders: c.headers,
    ...(c.storeDeadlineMs !== undefined ? { storeDeadlineMs: c.storeDeadlineMs } : {}),
    store: storeConfig(c),
  };
}

/** Default: the file when --config is given, else the cluster's RateLimit resources. */
function sourceConfig(c: z.infer<typeof raw>): ServiceConfig['source'] {
  const kind = c.source ?? (c.configFile !== undefined ? 'file' : 'kubernetes');
  if (kind === 'kubernetes') return { kind, ...(c.kubeconfig ? { kubeconfig: c.kubeconfig } : {}), ...(c.namespace ? { namespace: c.namespace } : {}) };
  if (c.configFile === undefined) {
    throw new Error(`${describe('configFile')}: is required with ${describe('source')} file: the quota file (Switchyard RateLimit list or envoyproxy/ratelimit YAML) (got undefined)`);
  }
  return { kind, path: c.configFile };
}

function storeConfig(c: z.infer<typeof raw>): ServiceConfig['store'] {
  const countOverLimit = c.countOverLimit;
  if (c.store === 'memory') return { kind: 'memory', countOverLimit };
  const given = [c.redisUrl && 'url', c.redisSentinels && 'sentinels', c.redisClusterNodes && 'cluster nodes'].filter(Boolean);
  if (given.length !== 1) {
    throw new Error(`${describe('store')}: redis needs exactly one of ${describe('redisUrl')}, ${describe('redisSentinels')} (+ ${describe('redisMasterName')}), ${describe('redisClusterNodes')} (got ${given.length === 0 ? 'none' : given.join(' and ')})`);
  }
  let topology: RedisTopology;
  if (c.redisUrl !== undefined) topology = { mode: 'standalone', url: c.redisUrl };
  else if (c.redisSentinels !== undefined) {
    if (c.redisMasterName === undefined) throw new Error(`${describe('redisMasterName')}: is required with sentinels (got nothing)`);
    topology = { mode: 'sentinel', sentinels: c.redisSentinels, masterName: c.redisMasterName };
  } else topology = { mode: 'cluster', nodes: c.redisClusterNodes ?? [] };
  return { kind: 'redis', topology, password: c.redisPassword, tls: c.redisTls, keyPrefix: c.redisKeyPrefix, countOverLimit };
}

function endpoint(text: string, ctx: z.RefinementCtx): RedisEndpoint {
  const m = /^([^:\s]+):(\d{1,5})$/.exec(text);
  if (m === null || Number(m[2]) > 65_535) {
    ctx.addIssue({ code: 'custom', message: `each entry must be host:port, comma-separated` });
    return { host: '', port: 0 };
  }
  return { host: m[1] as string, port: Number(m[2]) };
}

function describe(name: string): string {
  const s = SETTINGS[name as keyof typeof SETTINGS];
  return s === undefined ? name : `--${s.flag} / ${s.env}`;
}
