import type { RouterSpec } from '../../api/router.ts';

/** Istio's own advice for letting a config push reach every proxy when nothing confirms it. */
export const DEFAULT_SETTLE_DELAY_MS = 5_000;
/** How long one make-before-break step may stay unconfirmed before the Router is reported Degraded. */
export const DEFAULT_PROPAGATION_TIMEOUT_MS = 60_000;

/** Controller-wide defaults, overridden per Router by `spec.propagation`. */
export interface PropagationDefaults {
  settleDelayMs: number;
  timeoutMs: number;
}

/** How the controller waits after applying one step. */
export interface PropagationPolicy {
  /** The mode to use: verified only when the Router asks for it and the controller can ask istiod. */
  mode: 'settle' | 'verified';
  settleDelayMs: number;
  timeoutMs: number;
  /** Said on the Router's status when the requested mode could not be honoured. */
  note?: string;
}

/**
 * The wait a Router asks for: its `spec.propagation` over the controller defaults. `verifiable`
 * says whether the controller was given istiod debug URLs; without them verified mode falls back
 * to the settle delay and says so.
 */
export function propagationPolicy(spec: RouterSpec, defaults: PropagationDefaults, verifiable = false): PropagationPolicy {
  const p = spec.propagation ?? {};
  const settleDelayMs = p.settleDelay !== undefined ? durationMs(p.settleDelay) : defaults.settleDelayMs;
  const timeoutMs = p.timeout !== undefined ? durationMs(p.timeout) : defaults.timeoutMs;
  if (p.mode === 'verified') {
    if (verifiable) return { mode: 'verified', settleDelayMs, timeoutMs };
    const note = `spec.propagation.mode verified needs the controller started with --istiod-debug-url; waited the settle delay (${settleDelayMs}ms) instead`;
    return { mode: 'settle', settleDelayMs, timeoutMs, note };
  }
  return { mode: 'settle', settleDelayMs, timeoutMs };
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Milliseconds of a duration as the Router schema accepts it (`5s`, `250ms`, `0.5s`, `1m30s`).
 * @throws Error naming the value when it is not such a duration (the schema rejects those first).
 */
export function durationMs(text: string): number {
  const parts = [...text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)];
  const consumed = parts.map((m) => m[0]).join('');
  if (parts.length === 0 || consumed !== text) throw new Error(`duration must look like 5s, 250ms or 1m30s (got ${JSON.stringify(text)})`);
  return Math.round(parts.reduce((ms, [, amount, unit]) => ms + Number(amount) * (UNIT_MS[unit ?? 's'] ?? 0), 0));
}
