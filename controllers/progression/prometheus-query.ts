import type { QueryOutcome } from '../../core/progression/analysis.ts';

/** A query that takes longer than this is Unknown: the walk holds rather than waits on it. */
export const QUERY_TIMEOUT_MS = 10_000;

interface PromResponse {
  status?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

/**
 * Runs an instant query (`GET <url>/api/v1/query`) and reduces it to one number. Unknown — with
 * the reason — when Prometheus is unreachable or answers an error, when the result is empty (no
 * data), holds several series, or is not a finite number (NaN from 0/0). Never throws.
 */
export async function queryPrometheus(url: string, promql: string, signal?: AbortSignal, timeoutMs = QUERY_TIMEOUT_MS): Promise<QueryOutcome> {
  const target = `${url.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(promql)}`;
  const abort = signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
  let body: PromResponse;
  try {
    const res = await fetch(target, { signal: abort });
    body = (await res.json().catch(() => ({ error: `HTTP ${res.status}, not JSON` }))) as PromResponse;
    if (!res.ok || body.status !== 'success') return { unknown: `Prometheus ${url} answered ${res.status}: ${body.error ?? 'no error text'}` };
  } catch (err) {
    return { unknown: `Prometheus ${url} unreachable: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}` };
  }
  return reduceResult(body.data);
}

/** One number out of an instant query's `data`. */
export function reduceResult(data: PromResponse['data']): QueryOutcome {
  const type = data?.resultType;
  const result = data?.result;
  let sample: unknown;
  if (type === 'scalar') sample = result;
  else if (type === 'vector' && Array.isArray(result)) {
    if (result.length === 0) return { unknown: 'no data (the query returned an empty vector)' };
    if (result.length > 1) return { unknown: `the query returned ${result.length} series, expected one number` };
    sample = (result[0] as { value?: unknown }).value;
  } else return { unknown: `the query returned a ${type ?? 'missing'} result, expected one number` };
  const value = Array.isArray(sample) ? Number(sample[1]) : Number.NaN;
  if (!Number.isFinite(value)) return { unknown: `the query returned ${Array.isArray(sample) ? String(sample[1]) : 'no value'}, not a finite number` };
  return { value };
}
