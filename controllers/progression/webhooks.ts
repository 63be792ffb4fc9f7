import type { ProgressionWebhook, WebhookType } from '../../api/progression.ts';
import { parseDuration } from '../../core/duration.ts';
import type { GateOutcome } from '../../core/progression/analysis.ts';

/** A webhook that does not answer within this is a closed gate / a failed notification. */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5_000;

/**
 * The JSON body every progression webhook receives (POST, content type application/json):
 * `type` is `gate`, `promoted` or `rolledBack`.
 */
export interface WebhookPayload {
  type: WebhookType;
  router: { namespace: string; name: string };
  phase: string;
  step: number;
  steps: number;
  canaryWeight: number;
  /** Weights of the default branch: live now, heading to, last promoted. */
  current: Record<string, number>;
  target: Record<string, number>;
  promoted: Record<string, number>;
  message?: string;
}

async function post(hook: ProgressionWebhook, payload: WebhookPayload, signal: AbortSignal): Promise<string | undefined> {
  const timeoutMs = hook.timeout === undefined ? DEFAULT_WEBHOOK_TIMEOUT_MS : parseDuration(hook.timeout, `webhook ${hook.name} timeout`);
  try {
    const res = await fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.ok ? undefined : `webhook ${hook.name} answered ${res.status}`;
  } catch (err) {
    return `webhook ${hook.name} failed: ${(err as Error).message}`;
  }
}

/** Asks every `gate` webhook; open only when each answers 2xx. */
export async function askGates(hooks: readonly ProgressionWebhook[], payload: WebhookPayload, signal: AbortSignal): Promise<GateOutcome> {
  for (const hook of hooks.filter((h) => h.type === 'gate')) {
    const refused = await post(hook, payload, signal);
    if (refused !== undefined) return { open: false, message: `gate closed: ${refused}` };
  }
  return { open: true };
}

/** Tells the `promoted` or `rolledBack` webhooks; returns the failures (reported, never retried). */
export async function notify(hooks: readonly ProgressionWebhook[], payload: WebhookPayload, signal: AbortSignal): Promise<string[]> {
  const failures: string[] = [];
  for (const hook of hooks.filter((h) => h.type === payload.type)) {
    const failed = await post(hook, payload, signal);
    if (failed !== undefined) failures.push(failed);
  }
  return failures;
}
