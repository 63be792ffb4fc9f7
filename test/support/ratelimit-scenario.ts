import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimit, RateLimitSpec, Unit } from '../../api/rate-limit.ts';
import { renderRateLimit } from '../../core/ratelimit/render-rate-limit.ts';
import { envoyConfigFromFilter, type DownstreamTls } from './envoy-config-from-filter.ts';
import { startEnvoy, type EnvoyInstance } from '../../dev/envoy.ts';
import { startRlsProcess, type RlsProcess } from './rls-process.ts';

/** The Envoy cluster name the tests render the RateLimits with. */
export const RLS_CLUSTER = 'ratelimit';
export const NAMESPACE = 'shop';
/**
 * The service's store deadline in these tests. They assert counting, not latency: the default
 * 15 ms is missed now and then on a loaded 2-core CI host, and each miss is a failure-mode answer
 * that no count can predict. It stays below the rendered Envoy timeout (TEST_RLS_TIMEOUT), so
 * Envoy still hears the service's own answer.
 */
export const STORE_DEADLINE_MS = 400;
/** The RateLimits' `timeout` (what Envoy waits for the service); also exercises ms → proto duration rendering. */
export const TEST_RLS_TIMEOUT = '500ms';

/** A RateLimit `shop/<name>` with `spec`. */
export function rateLimitNamed(name: string, spec: RateLimitSpec): RateLimit {
  return { apiVersion: 'switchyard.io/v1alpha1', kind: 'RateLimit', metadata: { name, namespace: NAMESPACE }, spec };
}

/** One HTTP exchange through Envoy. */
export interface Reply {
  status: number;
  headers: Headers;
  body: string;
}

/** Real Envoy configured from the rendered EnvoyFilters, in front of RLS replicas sharing a store. */
export interface Scenario {
  envoy: EnvoyInstance;
  replicas: RlsProcess[];
  /** `count` concurrent GETs of `path` through Envoy, replies in send order. */
  send(path: string, count: number, headers?: Record<string, string>): Promise<Reply[]>;
  dispose(): Promise<void>;
}

export interface ScenarioOptions {
  backendPort: number;
  /** Redis shared by every replica; absent = no RLS at all (local mode). */
  redisUrl?: string;
  /** RLS processes behind the one Envoy cluster (default 1 when redisUrl is set). */
  replicas?: number;
  /** Envoy's listener speaks TLS and asks callers for a certificate (then `send` cannot be used). */
  downstreamTls?: DownstreamTls;
}

/**
 * Renders every RateLimit with `renderRateLimit(rl, {serviceCluster: RLS_CLUSTER})`, starts the
 * RLS replicas on a YAML file of the same RateLimits (global ones only matter to it), and an Envoy
 * whose static config is built from the rendered EnvoyFilters alone.
 */
export async function startScenario(rateLimits: RateLimit[], opts: ScenarioOptions): Promise<Scenario> {
  const replicas: RlsProcess[] = [];
  const count = opts.redisUrl === undefined ? 0 : (opts.replicas ?? 1);
  try {
    for (let i = 0; i < count; i++) replicas.push(await startRlsProcess({ rateLimits, redisUrl: opts.redisUrl, storeDeadlineMs: STORE_DEADLINE_MS }));
    const filters = rateLimits.flatMap((rl) => renderRateLimit(rl, { serviceCluster: RLS_CLUSTER }));
    const config = envoyConfigFromFilter(filters, { backendPort: opts.backendPort, rateLimitPorts: replicas.map((r) => r.grpcPort), downstreamTls: opts.downstreamTls });
    const envoy = await startEnvoy(config);
    return {
      envoy,
      replicas,
      send: (path, n, headers = {}) => Promise.all(Array.from({ length: n }, () => get(envoy.listenerPort, path, headers))),
      async dispose() {
        await envoy.stop();
        await Promise.all(replicas.map((r) => r.dispose()));
      },
    };
  } catch (err) {
    await Promise.all(replicas.map((r) => r.dispose()));
    throw err;
  }
}

async function get(port: number, path: string, headers: Record<string, string>): Promise<Reply> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** Statuses of replies, counted: `{200: 20, 429: 5}`. */
export function statusCounts(replies: readonly Pick<Reply, 'status'>[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of replies) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

const UNIT_MS: Record<Unit, number> = { SECOND: 1_000, MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000 };
/** A scenario's requests take well under a second; 5 s keeps a slow CI host inside one window. */
const WINDOW_MARGIN_MS = 5_000;

/**
 * Waits, if needed, until at least WINDOW_MARGIN_MS remain in the current epoch-aligned window of
 * `unit` (the service's fixed windows), so a count is not split across two windows.
 */
export async function clearOfWindowEdge(unit: Unit, now = Date.now()): Promise<void> {
  const size = UNIT_MS[unit];
  const left = size - (now % size);
  if (left < WINDOW_MARGIN_MS) await sleep(left + 50);
}
