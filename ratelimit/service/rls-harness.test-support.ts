import * as grpc from '@grpc/grpc-js';
import type { QuotaTableSource } from '../config/quota-source.ts';
import { loadServices } from '../proto/load-protos.ts';
import { fixedWindow } from '../../core/limits/fixed-window.ts';
import type { HitRequest, HitResult } from '../../core/limits/hit.ts';
import { StoreUnavailableError, type CounterStore } from '../store/counter-store.ts';
import { startRateLimitService, type RateLimitServiceOptions, type RunningRateLimitService } from './rate-limit-service.ts';

/**
 * A test double of CounterStore: fixed windows (core's), OVER_LIMIT once the count exceeds
 * the limit, near limit above 80 %. `mode` makes it fail (`throw`), never answer (`hang`), or
 * answer after `delayMs` (`slow`). Records every call.
 */
export class FakeStore implements CounterStore {
  mode: 'ok' | 'throw' | 'hang' | 'slow' = 'ok';
  delayMs = 0;
  isHealthy = true;
  closed = false;
  readonly calls: { requests: readonly HitRequest[]; nowMs: number; deadlineMs: number }[] = [];
  readonly #counts = new Map<string, number>();

  async hit(requests: readonly HitRequest[], nowMs: number, deadlineMs: number): Promise<HitResult[]> {
    this.calls.push({ requests, nowMs, deadlineMs });
    if (this.mode === 'throw') throw new StoreUnavailableError('fake store is down');
    if (this.mode === 'hang') return new Promise<HitResult[]>(() => {});
    if (this.mode === 'slow') await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return requests.map((r) => this.#one(r, nowMs));
  }

  #one(r: HitRequest, nowMs: number): HitResult {
    const limit = r.limitOverride?.requestsPerUnit ?? r.entry.requestsPerUnit;
    const window = fixedWindow(nowMs, r.limitOverride?.unit ?? r.entry.unit);
    const key = `${r.entry.id}|${r.descriptor.map((e) => `${e.key}=${e.value}`).join(',')}|${window.startMs}`;
    const count = (this.#counts.get(key) ?? 0) + r.hits;
    this.#counts.set(key, count);
    return { code: count > limit ? 'OVER_LIMIT' : 'OK', limit, remaining: Math.max(0, limit - count), resetMs: window.endMs - nowMs, nearLimit: count > limit * 0.8 };
  }

  healthy(): boolean {
    return this.isHealthy;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export interface Harness {
  service: RunningRateLimitService;
  store: FakeStore | CounterStore;
  /** ShouldRateLimit with a plain object request. */
  call(request: unknown): Promise<Record<string, unknown>>;
  /** ShouldRateLimit with raw request bytes; resolves with raw response bytes. */
  callRaw(bytes: Buffer): Promise<Buffer>;
  healthCheck(service: string): Promise<{ status: string }>;
  http(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

const SERVICES = loadServices();

/** Starts the real service on free loopback ports with a gRPC client. */
export async function startHarness(source: QuotaTableSource, store: CounterStore, options: Partial<RateLimitServiceOptions> = {}): Promise<Harness> {
  const service = await startRateLimitService({ source, store, grpcPort: 0, httpPort: 0, ...options });
  const target = `127.0.0.1:${service.grpcPort}`;
  const rls = new SERVICES.rateLimitService(target, grpc.credentials.createInsecure());
  const health = new SERVICES.health(target, grpc.credentials.createInsecure());
  const unary = <T>(client: grpc.Client, method: string, arg: unknown) =>
    new Promise<T>((resolve, reject) => {
      (client as unknown as Record<string, (a: unknown, cb: (e: grpc.ServiceError | null, r: T) => void) => void>)[method]?.(arg, (err, res) => (err ? reject(err) : resolve(res)));
    });
  return {
    service,
    store,
    call: (request) => unary(rls, 'ShouldRateLimit', request),
    callRaw: (bytes) =>
      new Promise((resolve, reject) => {
        rls.makeUnaryRequest<Buffer, Buffer>('/envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit', (b) => b, (b) => b, bytes, (err, res) => (err || !res ? reject(err) : resolve(res)));
      }),
    healthCheck: (name) => unary(health, 'Check', { service: name }),
    http: (path, init) => fetch(`http://127.0.0.1:${service.httpPort}${path}`, init),
    async close() {
      rls.close();
      health.close();
      await service.shutdown();
    },
  };
}
