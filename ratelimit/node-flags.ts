/**
 * V8 flags the rate-limit service runs with (deploy/ratelimit.yaml and the benchmark's server
 * processes use the same list; test/node-flags.test.ts keeps them in step).
 *
 * Chosen by measurement (`npm run bench:ratelimit -- --sides ours --node-flags=…`, hot key at
 * concurrency 64, 2 runs each, on a busy 2-core host): V8's defaults peak at 236–265 MiB RSS; semi
 * spaces of 8 MiB and old space capped at 160 MiB peak at 153–158 MiB with the same server CPU per
 * decision (133–142 µs against 100–141) and tail. Smaller settings cost CPU: 4 MiB semi spaces with
 * a 96–128 MiB cap peak at 137–153 MiB but spend 20–50% more CPU per decision in mark-compacts,
 * and a 128 MiB cap with the default 16 MiB semi spaces collapses (700 µs per decision, 800–1,100
 * decisions/s). Raise the cap (and the container's memory limit) for very large quota tables.
 */
export const RLS_NODE_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=160'] as const;
