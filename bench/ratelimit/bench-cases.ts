/**
 * The benchmark's quota file and the requests of each case. The quota file uses the
 * envoyproxy/ratelimit format, which both servers load unchanged; its value-less keys give every
 * distinct value its own counter (how 10,000 keys are configured without 10,000 entries).
 */

export const BENCH_DOMAIN = 'bench';
/** Distinct counters in the many-keys case. */
export const KEY_COUNT = 10_000;
/** Distinct counters in the memory case: the in-process caches must stay bounded with this many in play. */
export const MANY_KEY_COUNT = 100_000;
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

/** How the load is offered: as fast as the server answers at a concurrency, or at a fixed rate. */
export type LoadShape = { kind: 'saturated'; concurrency: number } | { kind: 'paced'; rps: number; concurrency: number };

export interface Workload {
  name: string;
  /** What ghz sends: one request, or an array sent round-robin (lazily built: 100,000 requests are ~8 MB of JSON). */
  data: () => unknown;
  /** The reference's over-limit local cache is its best setting only where keys go over limit. */
  overLimit?: boolean;
}

export interface BenchCase {
  /** e.g. `hot key, c64` or `10,000 keys, 4,000/s`. */
  name: string;
  workload: Workload;
  shape: LoadShape;
}

/**
 * Offered load for the paced cases: below the saturation of either server on 2 shared cores
 * (ghz on one core tops out near 20k calls/s), so the latency is the service's, not a queue's.
 */
export const PACED_RPS = 4_000;
/**
 * ghz workers for the paced cases: enough that a slow answer never holds back the offered rate
 * (64 × 1 ms ≫ 1/4,000 s), as Envoy's many streams on one connection would not wait either.
 */
const PACED_CONCURRENCY = 64;

const count = (n: number) => n.toLocaleString('en-US');
const distinct = (n: number) => () => Array.from({ length: n }, (_, i) => request([[{ key: 'user', value: `u${i}` }]]));

export const HOT_KEY: Workload = { name: 'hot key', data: () => request([[{ key: 'hot', value: 'key' }]]) };
export const TEN_THOUSAND_KEYS: Workload = { name: `${count(KEY_COUNT)} keys`, data: distinct(KEY_COUNT) };
export const FIVE_DESCRIPTORS: Workload = {
  name: `${DESCRIPTORS_PER_REQUEST} descriptors/request`,
  data: () => request(Array.from({ length: DESCRIPTORS_PER_REQUEST }, (_, i) => [{ key: 'part', value: `p${i}` }])),
};
export const OVER_LIMIT: Workload = { name: 'over limit', data: () => request([[{ key: 'blocked', value: 'key' }]]), overLimit: true };
export const MANY_KEYS: Workload = { name: `${count(MANY_KEY_COUNT)} keys`, data: distinct(MANY_KEY_COUNT) };

const shapeName = (s: LoadShape) => (s.kind === 'paced' ? `${count(s.rps)}/s` : `c${s.concurrency}`);

/** Every workload saturated at concurrency 16 and 64 and paced; the 100,000-key memory case once, saturated at 64. */
export function benchCases(): BenchCase[] {
  const shapes: LoadShape[] = [
    { kind: 'paced', rps: PACED_RPS, concurrency: PACED_CONCURRENCY },
    { kind: 'saturated', concurrency: 16 },
    { kind: 'saturated', concurrency: 64 },
  ];
  const cases: BenchCase[] = [];
  for (const shape of shapes) {
    for (const workload of [HOT_KEY, TEN_THOUSAND_KEYS, FIVE_DESCRIPTORS, OVER_LIMIT]) cases.push({ name: `${workload.name}, ${shapeName(shape)}`, workload, shape });
  }
  const memory: LoadShape = { kind: 'saturated', concurrency: 64 };
  cases.push({ name: `${MANY_KEYS.name}, ${shapeName(memory)}`, workload: MANY_KEYS, shape: memory });
  return cases;
}
