import { execFileSync } from 'node:child_process';

/** Enough commands for a stable figure on loopback (well under a second at typical rates). */
const COMMANDS = 200_000;
/** Pipeline depth comparable to what the store sends per tick under load. */
const PIPELINE = 16;

/**
 * Redis's own capacity for pipelined `INCRBY k 1` on this machine, in commands per second
 * (`redis-benchmark -q -n 200000 -P 16 INCRBY k 1`): the ceiling any Redis-backed counting can
 * approach. Throws when redis-benchmark is missing or prints no rate.
 */
export function redisIncrbyCeiling(port: number): number {
  const out = execFileSync('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-q', '-n', String(COMMANDS), '-P', String(PIPELINE), 'INCRBY', 'k', '1'], {
    encoding: 'utf8',
  });
  // `-q` prints progress with carriage returns, then e.g. "INCRBY k 1: 1234567.89 requests per second, p50=…".
  const m = /([0-9.]+) requests per second/.exec(out.split('\r').pop() ?? out);
  if (m?.[1] === undefined) throw new Error(`redis-benchmark: no "requests per second" in its output (got ${JSON.stringify(out.slice(-200))})`);
  return Number(m[1]);
}
