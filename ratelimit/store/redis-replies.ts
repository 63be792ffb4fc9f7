import { decideWindow } from '../../core/limits/fixed-window.ts';
import { decideGcra, type Tat } from '../../core/limits/gcra.ts';
import type { HitResult } from '../../core/limits/hit.ts';
import { decideSliding, weightedPrevious, type SlidingState } from '../../core/limits/sliding-window.ts';
import type { HitPlan } from './hit-plan.ts';

/** A decision read from a script reply, with the lower bound it proves for the over-limit cache. */
export interface ReplyDecision {
  result: HitResult;
  /** A value the key holds at least from now on in its window (count, stored TAT, or sliding counts). */
  floor: number | Tat | SlidingState;
  /** The key is at or over its limit: worth remembering. */
  atLimit: boolean;
}

/** The script arguments after the key for a group of hits on `plan`'s key. */
export function scriptArgs(plan: HitPlan, hits: readonly number[], nowMs: number, countAll: boolean, ttlSlackMs: number): (string | number)[] {
  if (plan.kind === 'window') return [plan.limit, plan.window.endMs - nowMs + ttlSlackMs, countAll ? '1' : '0', ...hits];
  if (plan.kind === 'sliding') {
    const { window, previousStartMs, weight, nextEndMs } = plan.position;
    return [plan.limit, window.startMs, previousStartMs, weight, nextEndMs - nowMs + ttlSlackMs, countAll ? '1' : '0', ...hits];
  }
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
  if (plan.kind === 'sliding') return decideSlidingReply(plan, hits, nows, integers(reply, hits.length + 1));
  const values = integers(reply, hits.length * 5);
  return hits.map((_h, i) => {
    const [allowed, cm, cf, tm, tf] = values.slice(i * 5, i * 5 + 5) as [number, number, number, number, number];
    const tat = { ms: tm, frac: tf, limit: plan.limit };
    const result = decideGcra({ allowed: allowed === 1, candidate: { ms: cm, frac: cf, limit: plan.limit }, tat }, nows[i] ?? 0, plan.limit, plan.unitMs);
    return { result, floor: tat, atLimit: result.code === 'OVER_LIMIT' || result.remaining === 0 };
  });
}

/** Sliding-window decisions from `[previous, estimate after hit 1, ...]`. */
function decideSlidingReply(plan: Extract<HitPlan, { kind: 'sliding' }>, hits: readonly number[], nows: readonly number[], values: readonly number[]): ReplyDecision[] {
  const previous = values[0] ?? 0;
  const base = weightedPrevious(previous, plan.position.weight);
  return hits.map((h, i) => {
    const after = values[i + 1] ?? 0;
    const counts = { previous, current: after - base - h };
    const result = decideSliding(plan.limit, after, h, counts, plan.position, nows[i] ?? 0);
    const over = result.code === 'OVER_LIMIT';
    // As for fixed windows, only the stop-counting mode caches, where a rejected hit is not counted.
    const floor = { startMs: plan.position.window.startMs, previous, current: over ? counts.current : counts.current + h };
    return { result, floor, atLimit: over || result.remaining === 0 };
  });
}
