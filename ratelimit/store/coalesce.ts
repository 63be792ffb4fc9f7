import type { HitPlan } from './hit-plan.ts';

/**
 * Most hits one script call applies. Bounds how long a single call holds Redis (each hit is a
 * few Lua operations) and its argument count; further hits of the key go into the next call of
 * the same pipeline, which Redis runs right after, so positions stay exact.
 */
export const MAX_HITS_PER_CALL = 1_000;

/** Something waiting for a decision on one planned hit. */
export interface Waiting {
  plan: HitPlan;
  nowMs: number;
}

/** Hits for one key that go to Redis as one script call, in arrival order. */
export interface Group<W extends Waiting> {
  plan: HitPlan;
  /** `now` sent with the call: the earliest of the members' clocks. */
  nowMs: number;
  members: W[];
}

/**
 * Groups hits of one tick by key, limit and algorithm, keeping arrival order inside each group
 * and ordering groups by their first member. Token-bucket hits with different clocks stay apart
 * (the script takes one `now`).
 */
export function coalesce<W extends Waiting>(waiting: readonly W[]): Group<W>[] {
  const groups = new Map<string, Group<W>>();
  const out: Group<W>[] = [];
  for (const w of waiting) {
    const p = w.plan;
    const id = `${p.kind}\u0000${p.key}\u0000${p.limit}\u0000${clockPart(p, w.nowMs)}`;
    let group = groups.get(id);
    if (group === undefined || group.members.length >= MAX_HITS_PER_CALL) {
      group = { plan: p, nowMs: w.nowMs, members: [] };
      groups.set(id, group);
      out.push(group);
    }
    group.members.push(w);
    group.nowMs = Math.min(group.nowMs, w.nowMs);
  }
  return out;
}

/** What else must agree for two hits on one key to share a script call. */
function clockPart(p: HitPlan, nowMs: number): string {
  if (p.kind === 'gcra') return `${p.unitMs}\u0000${nowMs}`;
  if (p.kind === 'sliding') return `${p.position.previousStartMs}\u0000${p.position.window.startMs}\u0000${p.position.weight}`;
  return '';
}
