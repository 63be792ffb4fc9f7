import { describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError } from './counter-store.ts';
import { DeadlineGuard } from './deadline.ts';

const DEADLINE_MS = 15;
/** Timer and scheduling jitter on a loaded CI host. */
const SLACK_MS = 40;

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

const after = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));

describe('DeadlineGuard', () => {
  it('passes on what settles in time, value or error', async () => {
    const guard = new DeadlineGuard(DEADLINE_MS, 'store');
    await expect(guard.bound(after(1, 'answer'))).resolves.toBe('answer');
    await expect(guard.bound(Promise.reject(new Error('broken')))).rejects.toThrow('broken');
  });

  it('rejects what has not settled by the deadline with StoreUnavailableError, within it', async () => {
    const guard = new DeadlineGuard(DEADLINE_MS, 'store');
    const started = performance.now();
    const outcome = await guard.bound(new Promise(() => {})).catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(StoreUnavailableError);
    expect((outcome as Error).message).toBe('store: no answer within the 15 ms deadline');
    expect(performance.now() - started).toBeLessThan(DEADLINE_MS + SLACK_MS);
  });

  it('does not charge the time the rest of its turn of the event loop takes (a burst queued behind it)', async () => {
    const guard = new DeadlineGuard(DEADLINE_MS, 'store');
    const bounded = [guard.bound(after(5, 'first')), guard.bound(after(5, 'second'))];
    // The rest of the turn: decoding the other calls of a burst, far longer than the deadline.
    busyFor(4 * DEADLINE_MS);
    await expect(Promise.all(bounded)).resolves.toEqual(['first', 'second']);
  });

  it('gives one clock to everything bounded in one turn: one timer, not one per call', async () => {
    // Lets the guards of earlier tests arm their clocks first (in the check phase of this turn).
    await new Promise((resolve) => setImmediate(resolve));
    const guard = new DeadlineGuard(DEADLINE_MS, 'store');
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const started = performance.now();
    const outcomes = await Promise.all(Array.from({ length: 1_000 }, () => guard.bound(new Promise(() => {})).catch((e: unknown) => (e as Error).message)));
    // Only the deadline's own: the test runner may set timers of its own meanwhile.
    expect(timers.mock.calls.filter((call) => call[1] === DEADLINE_MS)).toHaveLength(1);
    timers.mockRestore();
    expect(new Set(outcomes)).toEqual(new Set(['store: no answer within the 15 ms deadline']));
    expect(performance.now() - started).toBeLessThan(DEADLINE_MS + SLACK_MS);
  });
});
