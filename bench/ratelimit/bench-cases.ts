/**
 * The benchmark's quota file and the requests of each case. The quota file uses the
 * envoyproxy/ratelimit format, whose value-less keys give every distinct value its own counter
 * (how 10,000 keys are configured without 10,000 entries).
 */

export const BENCH_DOMAIN = 'bench';
/** Distinct counters in the many-keys case. */
export const KEY_COUNT = 10_000;
/** Descriptors per request in the multi-descriptor case. */
export const DESCRIPTORS_PER_REQUEST = 5;
/** So high that no case but the over-limit one ever reaches a limit during a run. */
const UNREACHABLE = 1_000_000_000;

export const BENCH_QUOTAS = `domain: ${BENCH_DOMAIN}
descriptors:
  - key: hot
    value: key
    rate_limit: {unit: hour, requests_per_unit: ${UNREACHABLE}}
  - key: user
    rate_limit: {unit: hour, requests_per_unit: ${UNREACHABLE}}
  - key: part
    rate_limit: {unit: hour, requests_per_unit: ${UNREACHABLE}}
  - key: blocked
    value: key
    rate_limit: {unit: hour, requests_per_unit: 1}
`;

type Entry = { key: string; value: string };
const request = (descriptors: Entry[][]) => ({ domain: BENCH_DOMAIN, descriptors: descriptors.map((entries) => ({ entries })) });

export interface BenchCase {
  name: string;
  /** What ghz sends: one request, or an array sent round-robin. */
  data: unknown;
  /** Descriptors per request, to turn Redis commands per request into per decision. */
  descriptorsPerRequest: number;
  /** Runs against the no-op server instead of the service. */
  noop?: boolean;
  /** Offered load (calls/s) instead of saturation: latency at a realistic load, not a queue. */
  rps?: number;
}

/**
 * At saturation on 2 shared cores the tail is queueing behind the load generator, not the
 * service; a fixed offered load well under capacity shows the latency Envoy would see.
 */
export const PACED_RPS = 5_000;

const hotKey = request([[{ key: 'hot', value: 'key' }]]);

export const BENCH_CASES: BenchCase[] = [
  { name: 'no-op server (hot-key requests)', data: hotKey, descriptorsPerRequest: 1, noop: true },
  { name: 'hot key', data: hotKey, descriptorsPerRequest: 1 },
  {
    name: `${KEY_COUNT.toLocaleString('en-US')} keys`,
    data: Array.from({ length: KEY_COUNT }, (_, i) => request([[{ key: 'user', value: `u${i}` }]])),
    descriptorsPerRequest: 1,
  },
  {
    name: `${DESCRIPTORS_PER_REQUEST} descriptors/request`,
    data: request(Array.from({ length: DESCRIPTORS_PER_REQUEST }, (_, i) => [{ key: 'part', value: `p${i}` }])),
    descriptorsPerRequest: DESCRIPTORS_PER_REQUEST,
  },
  { name: 'over limit', data: request([[{ key: 'blocked', value: 'key' }]]), descriptorsPerRequest: 1 },
  { name: `no-op server at ${PACED_RPS.toLocaleString('en-US')}/s offered`, data: hotKey, descriptorsPerRequest: 1, noop: true, rps: PACED_RPS },
  { name: `hot key at ${PACED_RPS.toLocaleString('en-US')}/s offered`, data: hotKey, descriptorsPerRequest: 1, rps: PACED_RPS },
  {
    name: `10,000 keys at ${PACED_RPS.toLocaleString('en-US')}/s offered`,
    data: Array.from({ length: KEY_COUNT }, (_, i) => request([[{ key: 'user', value: `u${i}` }]])),
    descriptorsPerRequest: 1,
    rps: PACED_RPS,
  },
];
