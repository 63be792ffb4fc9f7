/**
 * Values istiod accepts in `retries.retryOn` (istio/istio pkg/config/validation
 * supportedRetryOnPolicies, and any code Go's http.StatusText names): Envoy's x-envoy-retry-on and
 * x-envoy-retry-grpc-on policies, comma separated.
 */
const POLICIES = new Set([
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'envoy-ratelimited',
  'http3-post-connect-failure',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
]);

/** The HTTP status codes Go's net/http names (http.StatusText is not empty). */
const STATUS_CODES = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403,
  404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500,
  501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

export function isRetryOnPolicy(policy: string): boolean {
  return POLICIES.has(policy) || (/^[+-]?\d+$/.test(policy) && STATUS_CODES.has(Number(policy)));
}
