import type { RateLimit } from '../../api/rate-limit.ts';
import { re2Rule } from '../istio/rules/regex.ts';
import { quoteValue } from '../istio/rules/rule-problem.ts';
import { rateLimitDescriptor } from './descriptor.ts';
import { perClientOverrides } from './per-client.ts';
import { RateLimitRenderError } from './render-error.ts';
import { rateLimitTarget } from './target.ts';

/** Spec fields that only the rate-limit service reads, so they mean nothing in local mode. */
const GLOBAL_ONLY_FIELDS = ['domain', 'timeout', 'failureMode'] as const;

/** On a caller's outbound the downstream is the caller's own app, over plaintext: no peer certificate. */
const PRINCIPAL_SIDE = "needs side server: the caller's principal is known only where its mTLS connection ends, in the target's inbound";

/** Envoy compiles `safe_regex` matches with RE2, which refuses lookaround and backreferences. */
function checkRegexes(rl: RateLimit): void {
  for (const [i, header] of (rl.spec.match?.headers ?? []).entries()) {
    if (header.matchType !== 'regex' || header.value === undefined) continue;
    const rule = re2Rule(header.value);
    if (rule !== undefined) throw new RateLimitRenderError(`spec.match.headers[${i}].value`, `${rule} (got ${quoteValue(header.value)})`);
  }
}

/**
 * Checks everything the renderer and the quota table need beyond the schema, independent of
 * render options: header regexes must compile under RE2, as Envoy compiles them; per-client
 * override values must be values Envoy can send. Throws
 * RateLimitRenderError naming the first offending field.
 */
export function validateRateLimit(rl: RateLimit): void {
  if (!rl.metadata.namespace) {
    throw new RateLimitRenderError('metadata.namespace', `is required, the descriptor and the EnvoyFilter live in it (got ${JSON.stringify(rl.metadata.namespace ?? null)})`);
  }
  if (rl.spec.mode === 'local') {
    for (const field of GLOBAL_ONLY_FIELDS) {
      const value = rl.spec[field];
      if (value !== undefined) {
        throw new RateLimitRenderError(`spec.${field}`, `is only used in mode global, mode local counts in each pod's Envoy (got "${value}")`);
      }
    }
    if (rl.spec.algorithm !== undefined && rl.spec.algorithm !== 'tokenBucket') {
      throw new RateLimitRenderError('spec.algorithm', `mode local always uses Envoy's token bucket (got "${rl.spec.algorithm}")`);
    }
  }
  if (rl.spec.side === 'client') {
    const principal = rl.spec.match?.source?.principal;
    if (principal !== undefined) throw new RateLimitRenderError('spec.match.source.principal', `${PRINCIPAL_SIDE} (got "${principal}")`);
    if (rl.spec.per?.principal !== undefined) throw new RateLimitRenderError('spec.per.principal', `${PRINCIPAL_SIDE} (got {})`);
  }
  rateLimitTarget(rl);
  checkRegexes(rl);
  rateLimitDescriptor(rl);
  perClientOverrides(rl);
}
