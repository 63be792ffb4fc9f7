/**
 * V8 flags the rate-limit service runs with (deploy manifests, the benchmark's server processes).
 * Chosen by measurement in `npm run bench:ratelimit`; see the README's Benchmarks section.
 */
export const RLS_NODE_FLAGS: readonly string[] = [];
