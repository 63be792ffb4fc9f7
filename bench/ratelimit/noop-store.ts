import { appliedLimit } from '../../core/limits/applied-limit.ts';
import type { HitRequest, HitResult } from '../../core/limits/hit.ts';
import type { CounterStore } from '../../ratelimit/store/counter-store.ts';

/**
 * A store that counts nothing and answers OK with the full limit remaining. The benchmark's
 * baseline: the same gRPC server, validation, quota lookup and response assembly as the real
 * service, without any counter, so the difference to it is what counting costs.
 */
export class NoopStore implements CounterStore {
  hit(requests: readonly HitRequest[]): Promise<HitResult[]> {
    return Promise.resolve(
      requests.map((r) => {
        const limit = appliedLimit(r).requestsPerUnit;
        return { code: 'OK' as const, limit, remaining: limit, resetMs: 0, nearLimit: false };
      }),
    );
  }

  healthy(): boolean {
    return true;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
