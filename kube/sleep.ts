/** Node fires a timer longer than this (about 24.8 days) after 1 ms, with a warning. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Waits `ms`; resolves `true` when the time passed, `false` as soon as `signal` aborts (at once if
 * it already has). Never rejects, so shutdown paths need no try/catch. Waits longer than Node's
 * timer range are taken in pieces, never cut short.
 */
export async function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  let left = Math.max(0, ms);
  while (left > MAX_TIMER_MS) {
    if (!(await sleepOnce(MAX_TIMER_MS, signal))) return false;
    left -= MAX_TIMER_MS;
  }
  return sleepOnce(left, signal);
}

function sleepOnce(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
