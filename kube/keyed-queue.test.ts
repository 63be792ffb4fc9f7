import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeyedQueue, MAX_REQUEUE_DELAY_MS, type Decision, type RunOutcome } from './keyed-queue.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const flush = () => vi.advanceTimersByTimeAsync(0);

describe('KeyedQueue', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('merges repeated adds of a waiting key into one run', async () => {
    const gate = deferred();
    const runs: string[] = [];
    const q = new KeyedQueue(async (key) => {
      runs.push(key);
      if (key === 'blocker') await gate.promise;
      return { kind: 'done' };
    });
    q.add('blocker');
    await flush();
    q.add('a');
    q.add('a');
    q.add('a');
    expect(q.depth).toBe(1);
    gate.resolve();
    await q.drain();
    expect(runs).toEqual(['blocker', 'a']);
  });

  it('never runs one key twice at once and re-runs once a key added while running', async () => {
    const gate = deferred();
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const q = new KeyedQueue(
      async () => {
        runs += 1;
        active += 1;
        maxActive = Math.max(maxActive, active);
        if (runs === 1) await gate.promise;
        active -= 1;
        return { kind: 'done' };
      },
      { concurrency: 4 },
    );
    q.add('a');
    await flush();
    q.add('a');
    q.add('a');
    await flush();
    expect(runs).toBe(1);
    gate.resolve();
    await q.drain();
    expect(runs).toBe(2);
    expect(maxActive).toBe(1);
  });

  it('retries errors with exponential backoff up to the cap, then forgets on success', async () => {
    const times: number[] = [];
    const decisions: Decision[] = [];
    let fail = true;
    const q = new KeyedQueue(
      async () => {
        times.push(Date.now());
        if (fail) throw new Error('boom');
        return { kind: 'done' };
      },
      { baseDelayMs: 100, maxDelayMs: 1000, onSettled: (_k, _o, d) => decisions.push(d) },
    );
    q.add('a');
    await vi.advanceTimersByTimeAsync(100 + 200 + 400 + 800 + 1000 + 1000);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    expect(gaps).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(q.failures('a')).toBe(7);
    fail = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(decisions.at(-1)).toEqual({ action: 'forget' });
    expect(q.failures('a')).toBe(0);
    expect(q.scheduled).toBe(0);
  });

  it('caps retries overall with the token bucket', async () => {
    const times = new Map<string, number[]>();
    const q = new KeyedQueue(
      async (key) => {
        times.set(key, [...(times.get(key) ?? []), Date.now()]);
        throw new Error('boom');
      },
      { baseDelayMs: 1, ratePerSecond: 10, burst: 2, concurrency: 10 },
    );
    for (const k of ['a', 'b', 'c', 'd']) q.add(k);
    await vi.advanceTimersByTimeAsync(250);
    // Two retries fit the burst (after the 1 ms backoff); the next two wait for tokens at 10/s.
    const second = ['a', 'b', 'c', 'd'].map((k) => times.get(k)?.[1]);
    expect(second).toEqual([1, 1, 100, 200]);
    await q.shutdown();
  });

  it('runs a key again after requeueAfter and forgets its failures', async () => {
    const outcomes: RunOutcome[] = [{ kind: 'error', error: new Error('x') }, { kind: 'requeueAfter', ms: 5000 }, { kind: 'done' }];
    const times: number[] = [];
    const q = new KeyedQueue(async () => {
      times.push(Date.now());
      return outcomes.shift() ?? { kind: 'done' };
    });
    q.add('a');
    await vi.advanceTimersByTimeAsync(50);
    expect(q.failures('a')).toBe(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(q.failures('a')).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(times).toEqual([0, 100, 5100]);
  });

  it('does not retry a terminal result until the key is added again', async () => {
    let runs = 0;
    const q = new KeyedQueue(async () => {
      runs += 1;
      return runs === 1 ? { kind: 'error', error: new Error('x') } : { kind: 'terminal', reason: 'bad spec' };
    });
    q.add('a');
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toBe(2);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(runs).toBe(2);
    expect(q.failures('a')).toBe(0);
    q.add('a');
    await q.drain();
    expect(runs).toBe(3);
  });

  it('caps a requeue years ahead at a day instead of overflowing the timer into a hot loop', async () => {
    const times: number[] = [];
    const q = new KeyedQueue(async () => {
      times.push(Date.now());
      return { kind: 'done' };
    });
    q.addAfter('a', 3 * 365 * 24 * 3600 * 1000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(times).toEqual([]);
    await vi.advanceTimersByTimeAsync(MAX_REQUEUE_DELAY_MS);
    expect(times).toEqual([MAX_REQUEUE_DELAY_MS]);
  });

  it('keeps the earlier of two scheduled adds', async () => {
    const times: number[] = [];
    const q = new KeyedQueue(async () => {
      times.push(Date.now());
      return { kind: 'done' };
    });
    q.addAfter('a', 1000);
    q.addAfter('a', 3000);
    q.addAfter('a', 500);
    await vi.advanceTimersByTimeAsync(5000);
    expect(times).toEqual([500]);
  });

  it('shutdown lets the run in flight finish, drops waiting keys and ignores new adds', async () => {
    const gate = deferred();
    const runs: string[] = [];
    const q = new KeyedQueue(async (key) => {
      runs.push(key);
      await gate.promise;
      return { kind: 'requeueAfter', ms: 10 };
    });
    q.add('a');
    q.add('b');
    await flush();
    const stopped = q.shutdown();
    q.add('c');
    gate.resolve();
    await stopped;
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toEqual(['a']);
    expect(q.scheduled).toBe(0);
  });
});
