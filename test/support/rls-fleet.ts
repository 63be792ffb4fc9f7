import * as grpc from '@grpc/grpc-js';
import { staticQuotaSource } from '../../ratelimit/config/quota-source.ts';
import { loadServices } from '../../ratelimit/proto/load-protos.ts';
import { startRateLimitService, type RateLimitServiceOptions, type RunningRateLimitService } from '../../ratelimit/service/rate-limit-service.ts';
import type { CounterStore } from '../../ratelimit/store/counter-store.ts';
import { RedisStore } from '../../ratelimit/store/redis-store.ts';
import type { QuotaEntry } from '../../core/ratelimit/quota-table.ts';

/** How one call ended: its overall code, or `grpc <status code>`. */
export type CallOutcome = 'OK' | 'OVER_LIMIT' | `grpc ${number}`;

/** Replicas of the rate-limit service in this process, each with its own Redis connection, sharing one Redis. */
export interface RlsFleet {
  services: RunningRateLimitService[];
  /** The same ShouldRateLimit call `calls` times at once, spread round-robin over the replicas. */
  burst(request: unknown, calls: number, options?: { deadlineMs?: number }): Promise<CallOutcome[]>;
  /** A counter summed over the replicas' /metrics (a full series line's name and labels). */
  metric(series: string): Promise<number>;
  close(): Promise<void>;
}

export interface FleetOptions {
  redisUrl: string;
  replicas: number;
  quota: QuotaEntry;
  /** Shared by the replicas' stores: one per test keeps tests' counters apart. */
  keyPrefix: string;
  /** Wraps each replica's store (to hold the event loop at a chosen moment, say). */
  wrapStore?: (store: RedisStore) => CounterStore;
  service?: Partial<RateLimitServiceOptions>;
}

const SERVICES = loadServices();
/** A fresh connection is ready in milliseconds; a loaded CI host gets room. */
const CONNECT_TIMEOUT_MS = 5_000;

async function connected(store: RedisStore): Promise<RedisStore> {
  const deadline = Date.now() + CONNECT_TIMEOUT_MS;
  while (!store.healthy()) {
    if (Date.now() > deadline) throw new Error(`redis store not connected after ${CONNECT_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return store;
}

/** Starts `replicas` services on port 0 and a grpc-js client for each. */
export async function startRlsFleet(opts: FleetOptions): Promise<RlsFleet> {
  const services: RunningRateLimitService[] = [];
  for (let i = 0; i < opts.replicas; i++) {
    const redis = await connected(new RedisStore({ topology: { mode: 'standalone', url: opts.redisUrl }, keyPrefix: opts.keyPrefix }));
    const store = opts.wrapStore?.(redis) ?? redis;
    services.push(await startRateLimitService({ source: staticQuotaSource({ domains: { [opts.quota.domain]: [opts.quota] } }), store, grpcPort: 0, httpPort: 0, ...opts.service }));
  }
  const clients = services.map((s) => new SERVICES.rateLimitService(`127.0.0.1:${s.grpcPort}`, grpc.credentials.createInsecure()));
  await Promise.all(clients.map((c) => new Promise<void>((resolve, reject) => c.waitForReady(Date.now() + CONNECT_TIMEOUT_MS, (err) => (err ? reject(err) : resolve())))));
  const call = (client: grpc.Client, request: unknown, deadlineMs: number | undefined): Promise<CallOutcome> =>
    new Promise((resolve) => {
      const options = deadlineMs === undefined ? {} : { deadline: Date.now() + deadlineMs };
      const method = (client as unknown as Record<string, (r: unknown, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r?: { overall_code: string }) => void) => void>).ShouldRateLimit;
      method?.call(client, request, options, (err, res) => resolve(err ? `grpc ${err.code}` : res?.overall_code === 'OVER_LIMIT' ? 'OVER_LIMIT' : 'OK'));
    });
  return {
    services,
    burst: (request, calls, options = {}) => Promise.all(Array.from({ length: calls }, (_x, i) => call(clients[i % clients.length] as grpc.Client, request, options.deadlineMs))),
    async metric(series) {
      const texts = await Promise.all(services.map((s) => s.metrics.expose()));
      let sum = 0;
      for (const text of texts) for (const line of text.split('\n')) if (line.startsWith(`${series} `)) sum += Number(line.slice(series.length + 1));
      return sum;
    },
    async close() {
      for (const c of clients) c.close();
      await Promise.all(services.map((s) => s.shutdown()));
    },
  };
}
