/**
 * Value pools the fuzz generators draw from (test support): mostly what users write, then the
 * edges each rule has to get right — RE2-invalid regexes, durations below 1ms or past Go's range,
 * header names Envoy refuses, keys that are also `Object.prototype` members.
 */
import { pick, type Rng } from './prng.test-support.ts';

export const NAMESPACES = ['shop', 'shop', 'shop', 'payments'] as const;
export const ROUTER_NAMES = ['web', 'reviews', 'sm-verify-page'] as const;
export const BRANCHES = ['master', 'main', 'box-1', 'box-0999', 'feature-x', 'b'] as const;
/** `v1.0` and `v1_0` normalise to the same subset name: a collision the renderer must report. */
export const VERSIONS = ['v1', 'v2', 'v3', 'v1.0.1', 'v1.0.2', 'v1.0', 'v1_0', 'rev-a', 'X'] as const;

/** Regexes: RE2-valid, RE2-invalid (lookaround, backreference, unbalanced), empty, over 1024 characters. */
export const REGEXES = [
  '^box-[0-9]+$',
  'box-.*',
  '(?i)Box',
  '(?=box)box',
  '(a)\\1',
  '[unclosed',
  '',
  'a{1001}',
  'x'.repeat(1025),
] as const;

/**
 * Durations as the API's pattern accepts them: normal, below 1ms, not whole milliseconds, zero,
 * at and past Go's largest duration (2562047h47m16.854775807s), and a few the pattern refuses.
 */
export const DURATIONS = [
  '5s', '250ms', '1m30s', '1h', '0.5s', '1ms',
  '0.5ms', '0.0001s', '1.5ms', '0s', '0ms',
  '2562047h', '2562048h', '99999999999999h',
  '10', '-1s', '1d', '',
] as const;

export const HEADER_NAMES = ['x-branch', 'x-lane', 'X-Upper', 'baggage', ':path', ':authority', 'host', 'bad header', '', 'constructor', 'toString', '__proto__'] as const;
export const HEADER_VALUES = ['v', 'box-1', '%DOWNSTREAM_REMOTE_ADDRESS%', '%%', '%BROKEN', 'tab\there', 'nl\nhere', ''] as const;
export const LABEL_KEYS = ['app', 'tier', 'app.kubernetes.io/version', 'example.com/team', 'Bad Key', 'a/b/c', 'constructor', 'toString'] as const;
export const LABEL_VALUES = ['web', 'v1', 'shadow', '', '-bad', 'x'.repeat(64)] as const;
export const HOSTS = ['reviews.shop.svc.cluster.local', 'web', 'web.shop', 'other.shop.svc.cluster.local', '*.shop.svc.cluster.local', '*', '10.0.0.1', 'UPPER.example.com', 'bad_host', 'a..b'] as const;
export const GATEWAYS = ['istio-system/edge', 'mesh', 'gw.example.com', 'a/', '*', 'ns/Bad_Name'] as const;
export const RETRY_ON = ['5xx', 'gateway-error,connect-failure', '503', 'sometimes', '', 'reset,999'] as const;
export const GRPC_STATUSES = ['UNAVAILABLE', 'NOT_FOUND', 'BOGUS', ''] as const;
export const HTTP_METHODS = ['GET', 'POST', '*', 'FOO', 'get'] as const;
export const PERCENTAGES = [0, 0.00001, 0.0001, 5, 50, 100, 100.5, -1] as const;
export const PORTS = [80, 9090, 1, 65535, 0, 70000] as const;

/** A string far past every field's limit, for the "huge strings" mutation. */
export function hugeString(rng: Rng): string {
  return pick(rng, ['a', 'é', '\u0000', '💥', 'ab ']).repeat(pick(rng, [300, 5_000, 100_000]));
}

/** `levels` arrays or objects nested in each other, for the "deep nesting" mutation. */
export function deepValue(rng: Rng, levels: number): unknown {
  const asArray = rng() < 0.5;
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = asArray ? [value] : { nested: value };
  return value;
}
