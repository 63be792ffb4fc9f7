import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { PartialQuotaTableError, type QuotaTableSource } from '../config/quota-source.ts';
import { loadServices } from '../proto/load-protos.ts';
import type { CounterStore } from '../store/counter-store.ts';
import { bindGrpcServer, createGrpcServer, drainGrpcServer } from './grpc-server.ts';
import { createHttpServer } from './http-server.ts';
import { silentLogger, type Logger } from './json-logger.ts';
import { RateLimitDecider } from './rate-limit-decider.ts';
import { RlsMetrics } from './rls-metrics.ts';
import { errorMessage } from './service-errors.ts';

/** In-flight ShouldRateLimit calls finish in milliseconds; 5 s also covers a slow debug call, and fits Kubernetes' 30 s grace. */
export const SHUTDOWN_GRACE_MS = 5_000;

export interface RateLimitServiceOptions {
  source: QuotaTableSource;
  store: CounterStore;
  /** Address both servers bind to. Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  grpcPort: number;
  httpPort: number;
  rateLimitHeaders?: boolean;
  /** Epoch ms clock (injected in tests). */
  now?: () => number;
  storeDeadlineMs?: number;
  shutdownGraceMs?: number;
  log?: Logger;
  /** The process's Prometheus registry, which the service's metrics join; default a fresh one. */
  registry?: Registry;
}

export interface RunningRateLimitService {
  grpcPort: number;
  httpPort: number;
  metrics: RlsMetrics;
  decider: RateLimitDecider;
  /** Stops accepting, drains in-flight calls (bounded), then closes the HTTP server, store and source. */
  shutdown(): Promise<void>;
}

/** Starts the gRPC (RLS + health) and HTTP (health, metrics, debug) servers. */
export async function startRateLimitService(options: RateLimitServiceOptions): Promise<RunningRateLimitService> {
  const { source, store } = options;
  const log = options.log ?? silentLogger;
  const host = options.host ?? '127.0.0.1';
  const metrics = new RlsMetrics(options.registry);
  if (store.evictions !== undefined) metrics.trackStoreEvictions(() => store.evictions?.() ?? 0);
  if (store.cacheEvictions !== undefined) metrics.trackCacheEvictions(() => store.cacheEvictions?.() ?? 0);
  const decider = new RateLimitDecider({ source, store, metrics, now: options.now, storeDeadlineMs: options.storeDeadlineMs, rateLimitHeaders: options.rateLimitHeaders });
  let shuttingDown = false;
  const notReadyReason = (): string | undefined => {
    if (shuttingDown) return 'shutting down';
    if (source.current() === undefined) return 'no quota table loaded';
    if (!store.healthy()) return 'counter store unreachable';
    return undefined;
  };
  const unsubscribe = watchConfig(source, metrics, log);
  const grpcServer = createGrpcServer({ services: loadServices(), decider, metrics, log, ready: () => notReadyReason() === undefined });
  const httpServer = createHttpServer({ source, decider, metrics, log, notReadyReason });
  const grpcPort = await bindGrpcServer(grpcServer, host, options.grpcPort);
  const httpPort = await listen(httpServer, host, options.httpPort);
  log.info('rate-limit service started', { host, grpcPort, httpPort });
  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    shuttingDown = true;
    const outcome = await drainGrpcServer(grpcServer, options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS);
    log.info('gRPC server stopped', { outcome });
    await closeHttp(httpServer);
    unsubscribe();
    await store.close();
    await source.close();
    log.info('rate-limit service stopped');
  };
  // Idempotent: a second SIGTERM (or a test's cleanup) waits for the first shutdown.
  return { grpcPort, httpPort, metrics, decider, shutdown: () => (stopped ??= stop()) };
}

function watchConfig(source: QuotaTableSource, metrics: RlsMetrics, log: Logger): () => void {
  const loaded = source.current();
  if (loaded !== undefined) metrics.configLoaded(loaded.index.entries().length);
  const offChange = source.onChange((snapshot) => {
    metrics.configLoaded(snapshot.index.entries().length);
    log.info('quota table loaded', { origin: snapshot.origin, format: snapshot.format, entries: snapshot.index.entries().length });
  });
  const offFailed = source.onReloadFailed((err) => {
    metrics.configFailed();
    // Some quotas left out while the others are served is the operator's to fix, not a failure of the service.
    if (err instanceof PartialQuotaTableError) log.warn('quota table loaded without some quotas; the others are served', { error: errorMessage(err) });
    else log.error('quota table reload failed; keeping the last good table', { error: errorMessage(err) });
  });
  return () => {
    offChange();
    offFailed();
  };
}

function listen(server: HttpServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function closeHttp(server: HttpServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
