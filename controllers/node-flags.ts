/**
 * V8 flags the controllers run with (npm start, deploy/controllers.yaml, the benchmark and the
 * process tests use the same list; test/node-flags.test.ts keeps them in step).
 *
 * Without a cap V8 grows its heap lazily toward the machine's memory: 531 MiB peak RSS for 2,000
 * Routers on a 24 GB host. With the old space capped at 192 MiB and small young-generation semi
 * spaces the same fleet peaks at 287 MiB and syncs as fast (bench:controllers). The cap is sized for
 * about 2,000 Routers with one filter each: raise it (and the container's memory limit) for more.
 */
export const CONTROLLER_NODE_FLAGS = ['--max-old-space-size=192', '--max-semi-space-size=8'] as const;
