import { decideWindow } from '../../core/limits/fixed-window.ts';
import { decideGcra, type Tat } from '../../core/limits/gcra.ts';
import type { HitResult } from '../../core/limits/hit.ts';
import type { HitPlan } from './hit-plan.ts';

/** A decision read from a script reply, with the lower bound it proves for the over-limit cache. */
export interface ReplyDecision {
  result: HitResult;
  /** A value the key holds at least from now on in its window (count, or stored TAT). */
  floor: number | Tat;
  /** The key is at or over its limit: worth remembering. */
  atLimit: boolean;
}

/** The script arguments after the key for a group of hits on `plan`'s key. */
export function scriptArgs(plan: HitPlan, hits: readonly number[], nowMs: number, countAll: boolean, ttlSlackMs: number): (string | number)[] {
  if (plan.kind === 'window') return [plan.limit, plan.window.endMs - nowMs + ttlSlackMs, countAll ? '1' : '0', ...hits];
  return [plan.limit, plan.unitMs, nowMs, ...hits];
}

function integers(reply: unknown, expected: number): number[] {
  if (!Array.isArray(reply) || reply.length !== expected || !reply.every((v) => typeof v === 'number' && Number.isSafeInteger(v))) {
    throw new Error(`unexpected script reply ${JSON.stringify(reply)} (wanted ${expected} integers)`);
  }
  return reply as number[];
}

/**
 * Decisions for each member of a group from its script reply (see redis-scripts.ts for the
 * reply shapes). `nows` are the members' own clocks, used for reset times. Throws on a reply
 * of the wrong shape.
 */
export function decideReply(plan: HitPlan, hits: readonly number[], nows: readonly number[], reply: unknown): ReplyDecision[] {
  if (plan.kind === 'window') {
    const after = integers(reply, hits.length);
    return after.map((a, i) => {
      const result = decideWindow(plan.limit, a, plan.window, nows[i] ?? 0);
      const over = result.code === 'OVER_LIMIT';
      // A rejected hit is not counted in stop-counting mode (the only mode that caches), so the
      // counter holds at least what it held before that hit.
      return { result, floor: over ? a - (hits[i] ?? 0) : a, atLimit: over || result.remaining === 0 };
    });
  }
  const values = integers(reply, hits.length * 5);
  return hits.map((_h, i) => {
    const [allowed, cm, cf, tm, tf] = values.slice(i * 5, i * 5 + 5) as [number, number, number, number, number];
    const tat = { ms: tm, frac: tf, limit: plan.limit };
    const result = decideGcra({ allowed: allowed === 1, candidate: { ms: cm, frac: cf, limit: plan.limit }, tat }, nows[i] ?? 0, plan.limit, plan.unitMs);
    return { result, floor: tat, atLimit: result.code === 'OVER_LIMIT' || result.remaining === 0 };
  });
}
