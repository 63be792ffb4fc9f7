import type { HitResult } from '../../core/limits/hit.ts';
import type { DescriptorPlan } from './descriptor-plan.ts';
import { rateLimitHeaders, type HeaderSource } from './rate-limit-headers.ts';
import type { RlsDescriptorStatus, RlsDuration, RlsResponse } from './rls-types.ts';

/** What the reference reports as `limit_remaining` for an `unlimited` descriptor: the uint32 maximum. */
export const UNLIMITED_REMAINING = 4_294_967_295;

const NOT_LIMITED: RlsDescriptorStatus = Object.freeze({ code: 'OK', current_limit: null, limit_remaining: 0, duration_until_reset: null }) as RlsDescriptorStatus;
const UNLIMITED: RlsDescriptorStatus = Object.freeze({ code: 'OK', current_limit: null, limit_remaining: UNLIMITED_REMAINING, duration_until_reset: null }) as RlsDescriptorStatus;

/**
 * The response when the store answered: `results` holds one HitResult per counted plan, in plan
 * order. Shadow-mode descriptors report OK whatever the store said. `overall_code` is OVER_LIMIT
 * when any status is, else OK (never UNKNOWN).
 */
export function assembleResponse(plans: readonly DescriptorPlan[], results: readonly HitResult[], withHeaders: boolean): RlsResponse {
  const statuses: RlsDescriptorStatus[] = new Array<RlsDescriptorStatus>(plans.length);
  const headerSources: HeaderSource[] = [];
  let over = false;
  let r = 0;
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i] as DescriptorPlan;
    if (plan.kind !== 'counted') {
      statuses[i] = plan.kind === 'unlimited' ? UNLIMITED : NOT_LIMITED;
      continue;
    }
    const result = results[r++] as HitResult;
    const code = result.code === 'OVER_LIMIT' && !plan.shadow ? 'OVER_LIMIT' : 'OK';
    if (code === 'OVER_LIMIT') over = true;
    statuses[i] = {
      code,
      current_limit: { name: plan.quota.id, requests_per_unit: result.limit, unit: plan.unit },
      limit_remaining: result.remaining,
      duration_until_reset: duration(result.resetMs),
    };
    if (withHeaders) headerSources.push({ limit: result.limit, unit: plan.unit, remaining: result.remaining, resetMs: result.resetMs });
  }
  return { overall_code: over ? 'OVER_LIMIT' : 'OK', statuses, response_headers_to_add: withHeaders ? rateLimitHeaders(headerSources) : [], request_headers_to_add: [] };
}

/**
 * The response when the store could not answer: each counted descriptor follows its quota's
 * failure mode (`deny` → OVER_LIMIT unless in shadow mode; `allow` → OK), with its configured
 * limit, nothing remaining reported and no reset time. No rate-limit headers (nothing is known).
 */
export function failureModeResponse(plans: readonly DescriptorPlan[]): RlsResponse {
  let over = false;
  const statuses = plans.map((plan): RlsDescriptorStatus => {
    if (plan.kind !== 'counted') return plan.kind === 'unlimited' ? UNLIMITED : NOT_LIMITED;
    const deny = plan.quota.failureMode === 'deny' && !plan.shadow;
    if (deny) over = true;
    const limit = plan.hit.limitOverride?.requestsPerUnit ?? plan.quota.requestsPerUnit;
    return { code: deny ? 'OVER_LIMIT' : 'OK', current_limit: { name: plan.quota.id, requests_per_unit: limit, unit: plan.unit }, limit_remaining: 0, duration_until_reset: null };
  });
  return { overall_code: over ? 'OVER_LIMIT' : 'OK', statuses, response_headers_to_add: [], request_headers_to_add: [] };
}

function duration(ms: number): RlsDuration {
  const whole = Math.max(0, Math.round(ms));
  return { seconds: Math.floor(whole / 1000), nanos: (whole % 1000) * 1_000_000 };
}
