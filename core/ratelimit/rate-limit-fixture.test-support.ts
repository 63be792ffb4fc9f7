import type { RateLimit, RateLimitSpec } from '../../api/rate-limit.ts';

/** The seed example: /Page.Show may take 800 requests a second across the fleet. */
export const SEED_SPEC: RateLimitSpec = {
  hosts: ['sm-verify-page.sm-verify.svc.cluster.local:80'],
  match: { headers: [{ key: ':path', matchType: 'exact', value: '/Page.Show' }] },
  quota: 800,
  stage: 1,
  unit: 'SECOND',
};

/** A RateLimit named `name` in `namespace` with `spec` (the seed spec when omitted). */
export function rateLimitOf(spec: RateLimitSpec = SEED_SPEC, name = 'page-show', namespace = 'sm-verify'): RateLimit {
  return { apiVersion: 'switchyard.io/v1alpha1', kind: 'RateLimit', metadata: { name, namespace }, spec };
}
