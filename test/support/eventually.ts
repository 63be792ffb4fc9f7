import { setTimeout as sleep } from 'node:timers/promises';

/** How often `eventually` re-checks: fast enough for watch latency, cheap for the API server. */
const POLL_MS = 50;

/**
 * Polls `check` until it returns a value other than undefined/false and returns it; throws naming
 * `what` and the last error when `timeoutMs` passes first.
 */
export async function eventually<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(POLL_MS);
  }
}
