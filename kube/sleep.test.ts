import { afterEach, describe, expect, it, vi } from 'vitest';
import { sleep } from './sleep.ts';

describe('sleep', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits the whole time past Node’s timer range (2^31-1 ms), instead of firing at once', async () => {
    vi.useFakeTimers();
    let done = false;
    const waited = sleep(2 ** 31 + 5_000).then((v) => (done = v));
    await vi.advanceTimersByTimeAsync(2 ** 31 - 1);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(5_001);
    expect(await waited).toBe(true);
  });

  it('resolves false at once when aborted during a long wait', async () => {
    vi.useFakeTimers();
    const ac = new AbortController();
    const waited = sleep(2 ** 32, ac.signal);
    await vi.advanceTimersByTimeAsync(1_000);
    ac.abort();
    expect(await waited).toBe(false);
  });
});
